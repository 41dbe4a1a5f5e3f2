import type { Conn } from '../../../db/knex.ts';
import { isCheckViolation } from '../../../db/constraints.ts';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import type { PollRow } from '../polls.repository.ts';

/**
 * What every change an editor makes to a poll shares: its outcome, the poll row locked (FOR
 * UPDATE: it waits for the votes in flight, which hold it FOR SHARE), the check for votes, and
 * the trigger's refusal read as "this poll has votes".
 */
export type EditorDeps = Pick<Deps, 'db' | 'clock'>;

/** Why an editor's action was not taken (each has its message at polls.staff.refused.<why>). */
export type Refusal =
  'has_votes' | 'closed' | 'closes_in_past' | 'not_withdrawable' | 'not_running';

export type EditorResult =
  { ok: true; id: number } | { ok: false; errors: FieldError[] } | { ok: false; refused: Refusal };

export const refused = (why: Refusal) => ({ ok: false, refused: why }) as const;
export const invalid = (errors: FieldError[]) => ({ ok: false, errors }) as const;

/** Whether anyone has voted in the poll: from then on it cannot change but for an early close. */
export async function hasVotes(conn: Conn, pollId: number): Promise<boolean> {
  return Boolean(await conn('poll_voters').where({ poll_id: pollId }).first('poll_id'));
}

/** The poll row locked for the change (FOR UPDATE waits for the votes in flight), or a 404. */
export async function lockedPoll(conn: Conn, id: number): Promise<PollRow> {
  const row = (await conn('polls').where({ id }).forUpdate().first()) as PollRow | undefined;
  if (!row) throw new NotFoundError();
  return row;
}

/** The database's word that the poll has votes (the trigger, when a first vote won a race). */
export const frozenByVotes = (error: unknown) => isCheckViolation(error, 'polls_frozen_by_votes');

/**
 * Runs one change of a poll's state in a transaction with the poll row locked: `change` says
 * why not, or makes it and names the audit action (with its details).
 */
export async function withLockedPoll(
  deps: EditorDeps,
  id: number,
  staffId: number,
  context: AuditContext,
  change: (
    trx: Conn,
    poll: PollRow,
    now: Date,
  ) => Promise<Refusal | { action: string; details: Record<string, unknown> } | undefined>,
): Promise<EditorResult> {
  try {
    return await deps.db.transaction(async (trx): Promise<EditorResult> => {
      const poll = await lockedPoll(trx, id);
      const done = await change(trx, poll, deps.clock.now());
      if (typeof done === 'string') return refused(done);
      if (done) {
        const entry = { ...done, actorId: staffId, entity: { type: 'poll', id } };
        await recordAudit(trx, entry, context);
      }
      return { ok: true, id };
    });
  } catch (error) {
    if (frozenByVotes(error)) return refused('has_votes');
    throw error;
  }
}
