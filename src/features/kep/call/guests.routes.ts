import { Router } from 'express';
import type { ModuleContext } from '../../module.ts';
import type { ConsolePanel } from './console-panel.ts';

/** Staff routes under /staff/kep: inviting a third person and admitting them. */
export function createGuestStaffRouter(_ctx: ModuleContext): Router {
  return Router();
}

/** The invitation's link, /kep/guest/:token (public). */
export function createGuestPublicRouter(_ctx: ModuleContext): Router {
  return Router();
}

export const GUESTS_PANEL: ConsolePanel = {
  view: 'kep/call/views/console-guests',
  locals: () => Promise.resolve({}),
};
