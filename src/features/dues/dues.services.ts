import type { Deps } from '../../deps.ts';
import { bindDeps } from '../../lib/bind-deps.ts';
import { debtStatus } from './debt-status.ts';

/**
 * Municipal dues: `debtStatus(afm)` says whether a person owes nothing overdue (the no-debt
 * certificate is issued only when it is clear) and what they owe.
 */
export function duesServices(deps: Deps) {
  return { dues: bindDeps(deps, { debtStatus }) };
}

declare module '../../services.ts' {
  interface Services extends ReturnType<typeof duesServices> {}
}
