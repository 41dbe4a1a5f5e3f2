import type { Deps } from '../../deps.ts';
import { createPollsService } from './polls.service.ts';

/**
 * Polls for the web pages, the editors' pages and the phone portal (option 3): one vote service,
 * so a vote counts the same whichever way it is cast: `services.polls.vote(…)`.
 */
export function pollsServices(deps: Deps) {
  return { polls: createPollsService(deps) };
}

declare module '../../services.ts' {
  interface Services extends ReturnType<typeof pollsServices> {}
}
