import { Router } from 'express';
import type { Module, ModuleContext } from '../module.ts';

/** /kep/appointments, the call page and /kep/manage/<token> (to be built). */
export function createManageRouter(_ctx: ModuleContext): Router {
  return Router();
}

/** On the account page: the citizen's coming ΚΕΠ appointments (to be built). */
export const kepAccountSummary: NonNullable<Module['accountSummary']> = () =>
  Promise.resolve(undefined);
