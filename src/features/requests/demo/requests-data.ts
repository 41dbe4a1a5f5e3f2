import type { DemoRequest } from './demo-types.ts';
import { ELOUNDA_AND_NORTH } from './requests-elounda.ts';
import { TOWN_CENTRE } from './requests-town.ts';
import { VILLAGES } from './requests-villages.ts';
import { WATERFRONT } from './requests-waterfront.ts';

/** All the demo requests, in no particular order (the seed files them by date). */
export const DEMO_REQUESTS: readonly DemoRequest[] = [
  ...TOWN_CENTRE,
  ...WATERFRONT,
  ...ELOUNDA_AND_NORTH,
  ...VILLAGES,
];
