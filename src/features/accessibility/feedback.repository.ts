import type { Conn } from '../../db/knex.ts';
import type { Lang } from '../../lib/localized.ts';

export interface FeedbackRow {
  id: number;
  page: string | null;
  what: string;
  name: string | null;
  email: string | null;
  lang: Lang;
  created_at: Date;
  answered_at: Date | null;
  answered_by: number | null;
}

export interface NewFeedback {
  page: string | null;
  what: string;
  name: string | null;
  email: string | null;
  lang: Lang;
}

export async function insertFeedback(
  conn: Conn,
  feedback: NewFeedback,
  at: Date,
): Promise<FeedbackRow> {
  const [row] = (await conn('accessibility_feedback')
    .insert({ ...feedback, created_at: at })
    .returning('*')) as FeedbackRow[];
  return row!;
}

/** The open ones, oldest first (all of them: each is waiting for an answer). */
export async function listOpenFeedback(conn: Conn): Promise<FeedbackRow[]> {
  return (await conn('accessibility_feedback')
    .whereNull('answered_at')
    .orderBy([{ column: 'created_at' }, { column: 'id' }])) as FeedbackRow[];
}

/** The latest answered ones, newest answer first, with the name of who answered. */
export async function listAnsweredFeedback(
  conn: Conn,
  limit: number,
): Promise<(FeedbackRow & { answered_by_name: string | null })[]> {
  return (await conn('accessibility_feedback as f')
    .leftJoin('users as u', 'u.id', 'f.answered_by')
    .whereNotNull('f.answered_at')
    .orderBy([
      { column: 'f.answered_at', order: 'desc' },
      { column: 'f.id', order: 'desc' },
    ])
    .limit(limit)
    .select('f.*', 'u.full_name as answered_by_name')) as (FeedbackRow & {
    answered_by_name: string | null;
  })[];
}

/** Marks one answered; false when it was answered already (or does not exist). */
export async function markFeedbackAnswered(
  conn: Conn,
  id: number,
  by: number,
  at: Date,
): Promise<boolean> {
  const updated = await conn('accessibility_feedback')
    .where({ id })
    .whereNull('answered_at')
    .update({ answered_at: at, answered_by: by });
  return updated === 1;
}

export async function feedbackExists(conn: Conn, id: number): Promise<boolean> {
  return Boolean(await conn('accessibility_feedback').where({ id }).first('id'));
}

/** The retention rule: feedback answered before `cutoff`, deleted; how many went. */
export async function deleteFeedbackAnsweredBefore(conn: Conn, cutoff: Date): Promise<number> {
  return conn('accessibility_feedback').where('answered_at', '<', cutoff).delete();
}

/** Feedback that gave this email address for the reply (case aside). */
export function feedbackByEmail(conn: Conn, email: string) {
  return conn('accessibility_feedback').whereRaw('lower(email) = lower(?)', [email]);
}
