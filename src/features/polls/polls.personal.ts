import type { Knex } from 'knex';
import type { Deps } from '../../deps.ts';
import type { ErasureContext, Person } from '../module.ts';

/**
 * The polls a person voted in, for their download: the poll, the day and the channel of the vote.
 * Never what they chose: nothing holds it against them (see the migration).
 */
export async function exportPollVotes(
  person: Person,
  conn: Knex,
): Promise<Record<string, unknown>> {
  const votes = (await conn('poll_voters as v')
    .join('polls as p', 'p.id', 'v.poll_id')
    .where('v.user_id', person.userId)
    .orderBy('v.voted_on')
    .select(
      'p.id as poll',
      'p.question_el',
      'p.question_en',
      'v.channel',
      conn.raw("to_char(v.voted_on, 'YYYY-MM-DD') AS voted_on"),
    )) as Record<string, unknown>[];
  return { votes };
}

/**
 * Erasure: the vote stays counted (the tally cannot lose it, and the turnout must still add up)
 * but no longer names the account. The AFM stays on the polls still open, so the same person
 * cannot vote again there from a new account; on closed polls it goes too (and on the others,
 * once they close: the rule polls.forget-erased-afms).
 */
export async function erasePollVotes(
  person: Person,
  trx: Knex.Transaction,
  context: ErasureContext,
): Promise<void> {
  await trx.raw(
    `UPDATE poll_voters v SET user_id = NULL,
        afm = CASE WHEN p.closed_early_at IS NULL AND p.closes_at > ? THEN v.afm END
       FROM polls p WHERE p.id = v.poll_id AND v.user_id = ?`,
    [context.deps.clock.now(), person.userId],
  );
}

/** Voter rows per statement: short locks on a busy poll's voters. */
const BATCH = 500;

/**
 * The rule polls.forget-erased-afms: the AFMs erasure left on polls still open (so nobody voted
 * again from a new account), dropped once those polls have closed, in batches; how many.
 */
export async function forgetErasedAfms(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  let forgotten = 0;
  for (;;) {
    const result: { rowCount: number | null } = await deps.db.raw(
      `UPDATE poll_voters SET afm = NULL WHERE ctid IN (
         SELECT v.ctid FROM poll_voters v JOIN polls p ON p.id = v.poll_id
          WHERE v.user_id IS NULL AND v.afm IS NOT NULL
            AND (p.closed_early_at IS NOT NULL OR p.closes_at <= ?)
          LIMIT ${BATCH} FOR UPDATE OF v SKIP LOCKED)`,
      [deps.clock.now()],
    );
    forgotten += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < BATCH) return forgotten;
  }
}
