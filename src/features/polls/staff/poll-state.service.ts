import type { AuditContext } from '../../audit/audit.repository.ts';
import { statusOf } from '../polls.repository.ts';
import { hasControlCharacters } from './poll-form.ts';
import {
  hasVotes,
  invalid,
  withLockedPoll,
  type EditorDeps,
  type EditorResult,
} from './poll-lock.ts';

/** An early close's reason: at most this many characters (as the column's check allows). */
export const REASON_MAX = 500;

/** Publishes a draft; its closing time must be in the future. Publishing twice does nothing. */
export function publishPoll(deps: EditorDeps, id: number, staffId: number, ctx: AuditContext) {
  return withLockedPoll(deps, id, staffId, ctx, async (trx, poll, now) => {
    if (poll.published_at) return undefined;
    if (poll.closes_at <= now) return 'closes_in_past';
    await trx('polls')
      .where({ id })
      .update({ published_at: now, updated_at: now, updated_by: staffId });
    return { action: 'polls.published', details: { closes_at: poll.closes_at.toISOString() } };
  });
}

/**
 * Takes a published poll back to draft, while nobody has voted and it has not closed (its
 * results, if only of nobody, are public from then on).
 */
export function withdrawPoll(deps: EditorDeps, id: number, staffId: number, ctx: AuditContext) {
  return withLockedPoll(deps, id, staffId, ctx, async (trx, poll, now) => {
    if (!poll.published_at) return undefined;
    if (await hasVotes(trx, id)) return 'has_votes';
    if (poll.closed_early_at) return 'not_withdrawable';
    if (statusOf(poll, now) === 'closed') return 'closed';
    await trx('polls')
      .where({ id })
      .update({ published_at: null, updated_at: now, updated_by: staffId });
    return { action: 'polls.withdrawn', details: {} };
  });
}

/** Deletes a poll nobody has voted in and that has not closed, with its options and tally. */
export function deletePoll(deps: EditorDeps, id: number, staffId: number, ctx: AuditContext) {
  return withLockedPoll(deps, id, staffId, ctx, async (trx, poll, now) => {
    if (await hasVotes(trx, id)) return 'has_votes';
    if (statusOf(poll, now) === 'closed') return 'closed';
    await trx('polls').where({ id }).delete();
    const details = { question_el: poll.question_el, question_en: poll.question_en };
    return { action: 'polls.deleted', details };
  });
}

/**
 * Closes a published poll that has not closed yet, now, with the reason (required, at most
 * REASON_MAX characters, no control characters but tab and line breaks; shown publicly with the
 * results): the one change a poll with votes takes. Audited with the reason and the status it
 * closed from, which the poll's history shows.
 */
export async function closePollEarly(
  deps: EditorDeps,
  id: number,
  reasonText: string,
  staffId: number,
  ctx: AuditContext,
): Promise<EditorResult> {
  const reason = reasonText.trim();
  if (!reason) return invalid([{ field: 'reason', key: 'polls.staff.errors.reasonRequired' }]);
  if (hasControlCharacters(reason, true))
    return invalid([{ field: 'reason', key: 'polls.staff.errors.controlCharacters' }]);
  if ([...reason].length > REASON_MAX)
    return invalid([
      { field: 'reason', key: 'polls.staff.errors.tooLong', params: { max: REASON_MAX } },
    ]);
  return withLockedPoll(deps, id, staffId, ctx, async (trx, poll, now) => {
    const status = statusOf(poll, now);
    if (status !== 'open' && status !== 'upcoming') return 'not_running';
    await trx('polls').where({ id }).update({
      closed_early_at: now,
      closed_early_by: staffId,
      closed_early_reason: reason,
      updated_at: now,
      updated_by: staffId,
    });
    return { action: 'polls.closed_early', details: { reason, status } };
  });
}
