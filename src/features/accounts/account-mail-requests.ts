import type PgBoss from 'pg-boss';
import type { Deps } from '../../deps.ts';
import { ACCOUNT_MAIL_REQUESTS_QUEUE } from '../mail/mail-queue.ts';
import {
  createAccountsService,
  type AccountMailRequest,
  type AccountsService,
} from './accounts.service.ts';

/**
 * The worker's half of "send me a new activation email" and "reset my password": the request
 * only queued the address (the same work whether or not it has an account); here the account is
 * looked up and, if there is one, its mail queued with the link-first priority.
 */
function handle(accounts: AccountsService, request: AccountMailRequest): Promise<void> {
  return request.kind === 'activation'
    ? accounts.sendActivationAgain(request.email, request.context)
    : accounts.sendPasswordReset(request.email, request.context);
}

/** Handles a batch: a request that fails is failed alone (pg-boss retries it), the rest complete. */
async function handleBatch(
  boss: PgBoss,
  accounts: AccountsService,
  jobs: PgBoss.Job<AccountMailRequest>[],
  onError: (error: unknown) => void,
): Promise<void> {
  // One after another, in the order they came: two requests for one account never race.
  for (const job of jobs) {
    try {
      await handle(accounts, job.data);
    } catch (error) {
      onError(error);
      await boss.fail(ACCOUNT_MAIL_REQUESTS_QUEUE, job.id, { message: (error as Error).message });
    }
  }
}

export async function startAccountMailRequestsWorker(deps: Deps): Promise<void> {
  const accounts = createAccountsService(deps);
  const onError = (error: unknown) =>
    deps.logger.warn({ err: (error as Error).message }, 'account mail request failed, will retry');
  await deps.boss.work<AccountMailRequest>(
    ACCOUNT_MAIL_REQUESTS_QUEUE,
    { batchSize: 10, pollingIntervalSeconds: 0.5 },
    (jobs) => handleBatch(deps.boss, accounts, jobs, onError),
  );
}

/** Handles every request waiting now, as the worker would (tests, which run no worker). */
export async function runQueuedAccountMailRequests(deps: Deps): Promise<number> {
  const accounts = createAccountsService(deps);
  let handled = 0;
  for (;;) {
    const jobs = await deps.boss.fetch<AccountMailRequest>(ACCOUNT_MAIL_REQUESTS_QUEUE, {
      batchSize: 20,
    });
    if (!jobs.length) return handled;
    await handleBatch(deps.boss, accounts, jobs, (error) => {
      throw error;
    });
    await deps.boss.complete(
      ACCOUNT_MAIL_REQUESTS_QUEUE,
      jobs.map((job) => job.id),
    );
    handled += jobs.length;
  }
}
