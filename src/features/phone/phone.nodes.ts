import type { Nodes } from './engine.ts';
import { certificateNodes } from './menus/certificates.nodes.ts';
import { pollNodes } from './menus/polls.nodes.ts';
import { requestNodes } from './menus/requests.nodes.ts';
import { signInNodes } from './sign-in.nodes.ts';

/** Every node of the phone menus: the greeting and sign-in, the main menu, and its three menus. */
export const PHONE_NODES: Nodes = {
  ...signInNodes,
  ...certificateNodes,
  ...requestNodes,
  ...pollNodes,
};
