import type { Knex } from 'knex';
import type { Deps } from '../../deps.ts';
import type { Person } from '../module.ts';

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
 * cannot vote again there from a new account; on closed polls it goes too.
 */
export async function erasePollVotes(person: Person, trx: Knex.Transaction): Promise<void> {
  await trx.raw(
    `UPDATE poll_voters v SET user_id = NULL,
        afm = CASE WHEN p.closed_early_at IS NULL AND p.closes_at > now() THEN v.afm END
       FROM polls p WHERE p.id = v.poll_id AND v.user_id = ?`,
    [person.userId],
  );
}

/**
 * The AFMs erasure left on polls still open (so nobody voted again from a new account), dropped
 * once those polls have closed: the job `polls.forget-erased-afms`, every night.
 */
export async function forgetErasedAfms(deps: Pick<Deps, 'db' | 'logger'>): Promise<void> {
  const result: { rowCount: number } = await deps.db.raw(
    `UPDATE poll_voters v SET afm = NULL FROM polls p
      WHERE p.id = v.poll_id AND v.user_id IS NULL AND v.afm IS NOT NULL
        AND (p.closed_early_at IS NOT NULL OR p.closes_at <= now())`,
  );
  if (result.rowCount) deps.logger.info({ count: result.rowCount }, 'erased voters: AFMs dropped');
}
