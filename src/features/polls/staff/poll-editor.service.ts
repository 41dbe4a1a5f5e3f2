import type { Conn } from '../../../db/knex.ts';
import { bindDeps } from '../../../lib/bind-deps.ts';
import { athensDateTime } from '../../../lib/format.ts';
import { changes, recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import { insertOptions, statusOf, type PollOptionRow, type PollRow } from '../polls.repository.ts';
import type { PollInput } from './poll-form.ts';
import {
  frozenByVotes,
  hasVotes,
  invalid,
  lockedPoll,
  refused,
  type EditorDeps,
  type EditorResult,
} from './poll-lock.ts';
import { closePollEarly, deletePoll, publishPoll, withdrawPoll } from './poll-state.service.ts';

/** The form's days and clock times on Athens' clock, as instants (summer time included). */
async function instantsOf(conn: Conn, input: PollInput) {
  const at = "(?::date + ?::time) AT TIME ZONE 'Europe/Athens'";
  const result: { rows: { opens_at: Date; closes_at: Date }[] } = await conn.raw(
    `SELECT ${at} AS opens_at, ${at} AS closes_at`,
    [input.opens.date, input.opens.time, input.closes.date, input.closes.time],
  );
  return result.rows[0]!;
}

/**
 * The typed times that Athens' clock never shows (the hour skipped when summer time starts:
 * PostgreSQL moves 03:30 to 04:30 without a word), each at its time field: an instant written
 * back on Athens' clock must read as typed.
 */
function missingTimes(input: PollInput, times: { opens_at: Date; closes_at: Date }) {
  const typed = [
    ['opensAtTime', input.opens, times.opens_at],
    ['closesAtTime', input.closes, times.closes_at],
  ] as const;
  return typed
    .filter(([, local, instant]) => athensDateTime(instant) !== `${local.date} ${local.time}`)
    .map(([field]) => ({ field, key: 'polls.staff.errors.timeNotOnClock' }));
}

/** A poll's content: what the form sets, what the audit log keeps to say what an edit changed. */
type PollContent = Pick<
  PollRow,
  | 'question_el'
  | 'question_en'
  | 'description_el'
  | 'description_en'
  | 'opens_at'
  | 'closes_at'
  | 'electorate'
  | 'by_phone'
> & { options: PollInput['options'] };

function auditFields(poll: PollContent) {
  const iso = (value: Date) => value.toISOString();
  return {
    question_el: poll.question_el,
    question_en: poll.question_en,
    description_el: poll.description_el,
    description_en: poll.description_en,
    opens_at: iso(poll.opens_at),
    closes_at: iso(poll.closes_at),
    electorate: poll.electorate,
    by_phone: poll.by_phone,
    options: poll.options.map((o) => ({
      label_el: o.label_el,
      label_en: o.label_en,
      spoken_el: o.spoken_el,
      spoken_en: o.spoken_en,
    })),
  };
}

/** Replaces the poll's options (its counts start with its first vote: nothing to reset). */
async function writeOptions(trx: Conn, pollId: number, options: PollInput['options']) {
  await trx('poll_options').where({ poll_id: pollId }).delete();
  await insertOptions(trx, pollId, options);
}

/**
 * Creates a draft (id undefined) or changes a poll nobody has voted in, in one transaction: the
 * poll row locked, its options replaced; audited with what changed. A poll with votes is refused, here or (a first vote racing in) by the trigger.
 */
export async function savePoll(
  deps: EditorDeps,
  id: number | undefined,
  input: PollInput,
  staffId: number,
  context: AuditContext,
): Promise<EditorResult> {
  const { options } = input;
  const times = await instantsOf(deps.db, input);
  const missing = missingTimes(input, times);
  if (missing.length) return invalid(missing);
  if (times.closes_at <= times.opens_at)
    return invalid([{ field: 'closesAt', key: 'polls.staff.errors.closesBeforeOpens' }]);
  const now = deps.clock.now();
  const content = {
    question_el: input.question_el,
    question_en: input.question_en,
    description_el: input.description_el,
    description_en: input.description_en,
    ...times,
    electorate: input.electorate,
    by_phone: input.by_phone,
  };
  const row = { ...content, updated_by: staffId, updated_at: now };
  try {
    return await deps.db.transaction(async (trx): Promise<EditorResult> => {
      if (id === undefined) {
        const [created] = (await trx('polls')
          .insert({ ...row, created_by: staffId, created_at: now })
          .returning('id')) as { id: number }[];
        await writeOptions(trx, created!.id, options);
        const entity = { type: 'poll', id: created!.id };
        const details = { after: auditFields({ ...content, options }) };
        await recordAudit(
          trx,
          { action: 'polls.created', actorId: staffId, entity, details },
          context,
        );
        return { ok: true, id: created!.id };
      }
      const before = await lockedPoll(trx, id);
      if (await hasVotes(trx, id)) return refused('has_votes');
      if (statusOf(before, now) === 'closed') return refused('closed');
      if (before.published_at && times.closes_at <= now)
        return invalid([{ field: 'closesAt', key: 'polls.staff.errors.closesInPast' }]);
      const beforeOptions = (await trx('poll_options')
        .where({ poll_id: id })
        .orderBy('position')) as PollOptionRow[];
      const changed = changes(
        auditFields({ ...before, options: beforeOptions }),
        auditFields({ ...content, options }),
      );
      if (!Object.keys(changed).length) return { ok: true, id };
      await trx('polls').where({ id }).update(row);
      await writeOptions(trx, id, options);
      const details = { changes: changed };
      const entity = { type: 'poll', id };
      await recordAudit(
        trx,
        { action: 'polls.updated', actorId: staffId, entity, details },
        context,
      );
      return { ok: true, id };
    });
  } catch (error) {
    if (frozenByVotes(error)) return refused('has_votes');
    throw error;
  }
}

/** The editors' changes to polls, bound to their deps once. */
export function createPollEditor(deps: EditorDeps) {
  return bindDeps(deps, {
    save: savePoll,
    publish: publishPoll,
    withdraw: withdrawPoll,
    remove: deletePoll,
    closeEarly: closePollEarly,
  });
}

export type PollEditor = ReturnType<typeof createPollEditor>;
