import { it } from 'vitest';
import { createGsisStandIn } from '../../src/features/taxisnet/dev/gsis-stand-in.routes.ts';
it('a', () => { void createGsisStandIn; console.log('DEBUG A ran'); });
