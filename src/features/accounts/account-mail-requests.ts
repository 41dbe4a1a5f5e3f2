import type PgBoss from 'pg-boss';
import type { Deps } from '../../deps.ts';
import { bindDeps } from '../../lib/bind-deps.ts';
import type { Services } from '../../services.ts';
import type { AuditContext } from '../audit/audit.repository.ts';
import { ACCOUNT_MAIL_REQUESTS_QUEUE } from '../mail/mail-queue.ts';
import { sendActivationAgain } from './activation.service.ts';
import { sendPasswordReset } from './password-reset.service.ts';
import type { AccountMailRequest } from './queue-account-mail.ts';

/** What the worker does with a request: the services' functions of these names. */
interface AccountMailSenders {
  sendActivationAgain: (email: string, context: AuditContext) => Promise<void>;
  sendPasswordReset: (email: string, context: AuditContext) => Promise<void>;
}

/**
 * The worker's half of "send me a new activation email" and "reset my password": the request
 * only queued the address (the same work whether or not it has an account); here the account is
 * looked up and, if there is one, its mail queued with the link-first priority.
 */
function handle(senders: AccountMailSenders, request: AccountMailRequest): Promise<void> {
  return request.kind === 'activation'
    ? senders.sendActivationAgain(request.email, request.context)
    : senders.sendPasswordReset(request.email, request.context);
}

/** Handles a batch: a request that fails is failed alone (pg-boss retries it), the rest complete. */
async function handleBatch(
  boss: PgBoss,
  senders: AccountMailSenders,
  jobs: PgBoss.Job<AccountMailRequest>[],
  onError: (error: unknown) => void,
): Promise<void> {
  // One after another, in the order they came: two requests for one account never race.
  for (const job of jobs) {
    try {
      await handle(senders, job.data);
    } catch (error) {
      onError(error);
      await boss.fail(ACCOUNT_MAIL_REQUESTS_QUEUE, job.id, { message: (error as Error).message });
    }
  }
}

/** The worker's job (accounts.module.ts), with the services built once (src/services.ts). */
export async function startAccountMailRequestsWorker(
  deps: Deps,
  services: Services,
): Promise<void> {
  const senders: AccountMailSenders = {
    sendActivationAgain: services.activation.sendActivationAgain,
    sendPasswordReset: services.passwordReset.sendPasswordReset,
  };
  const onError = (error: unknown) =>
    deps.logger.warn({ err: (error as Error).message }, 'account mail request failed, will retry');
  await deps.boss.work<AccountMailRequest>(
    ACCOUNT_MAIL_REQUESTS_QUEUE,
    { batchSize: 10, pollingIntervalSeconds: 0.5 },
    (jobs) => handleBatch(deps.boss, senders, jobs, onError),
  );
}

/** Handles every request waiting now, as the worker would (tests, which run no worker). */
export async function runQueuedAccountMailRequests(deps: Deps): Promise<number> {
  const senders = bindDeps(deps, { sendActivationAgain, sendPasswordReset });
  let handled = 0;
  for (;;) {
    const jobs = await deps.boss.fetch<AccountMailRequest>(ACCOUNT_MAIL_REQUESTS_QUEUE, {
      batchSize: 20,
    });
    if (!jobs.length) return handled;
    await handleBatch(deps.boss, senders, jobs, (error) => {
      throw error;
    });
    await deps.boss.complete(
      ACCOUNT_MAIL_REQUESTS_QUEUE,
      jobs.map((job) => job.id),
    );
    handled += jobs.length;
  }
}
