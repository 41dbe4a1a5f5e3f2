import { Router } from 'express';
import type { HubEntry } from '../hub/hub-entry.ts';
import type { ModuleContext } from '../module.ts';

export const POLLS_HUB_ENTRY: HubEntry = {
  id: 'polls',
  href: '/polls',
  titleKey: 'polls.citizen.hub.title',
  descriptionKey: 'polls.citizen.hub.description',
  access: 'account',
};

/** The citizens' pages: /polls, a poll with its vote form and confirmation, results. */
export function createPollsRouter(_ctx: ModuleContext): Router {
  return Router();
}
