import type { Deps } from '../../deps.ts';
import type { AuditContext } from '../audit/audit.repository.ts';
import { ACCOUNT_MAIL_REQUESTS_QUEUE } from '../mail/mail-queue.ts';

/** Queued by a resend or reset request, and handled by the worker (account-mail-requests.ts). */
export interface AccountMailRequest {
  kind: 'activation' | 'password-reset';
  email: string;
  context: AuditContext;
}

/**
 * Only the address is queued, whether or not it has an account: the answer takes the same time
 * either way, and the worker looks the account up.
 */
export async function queueAccountMailRequest(
  deps: Pick<Deps, 'boss'>,
  request: AccountMailRequest,
): Promise<void> {
  await deps.boss.send(ACCOUNT_MAIL_REQUESTS_QUEUE, request);
}
