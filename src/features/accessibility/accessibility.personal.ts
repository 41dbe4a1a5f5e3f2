import type { Knex } from 'knex';
import type { Deps } from '../../deps.ts';
import type { Person } from '../module.ts';
import { readSetting } from '../settings/settings.ts';
import {
  deleteFeedbackAnsweredBefore,
  feedbackByEmail,
  type FeedbackRow,
} from './feedback.repository.ts';

/**
 * The rule accessibility.feedback: a report (what happened, the page, the name and email given)
 * is deleted `accessibility.feedbackDays` after staff marked it answered. An open one stays until
 * it is answered: the municipality owes the person a reply.
 */
export async function deleteAnsweredFeedback(
  deps: Pick<Deps, 'db' | 'clock' | 'modules' | 'config' | 'contentCache'>,
): Promise<number> {
  const days = await readSetting(deps, 'accessibility.feedbackDays');
  const cutoff = new Date(deps.clock.now().getTime() - days * 86_400_000);
  return deleteFeedbackAnsweredBefore(deps.db, cutoff);
}

/**
 * The form is not tied to an account, so a report is the person's when it gave their account's
 * email address for the reply (the address the account proved it holds).
 */
async function emailOf(person: Person, conn: Knex): Promise<string | null> {
  if (person.email !== undefined) return person.email;
  const row = (await conn('users').where({ id: person.userId }).first('email')) as
    { email: string | null } | undefined;
  return row?.email ?? null;
}

export async function exportFeedback(person: Person, conn: Knex): Promise<Record<string, unknown>> {
  const email = await emailOf(person, conn);
  const rows = email
    ? ((await feedbackByEmail(conn, email).orderBy('created_at')) as FeedbackRow[])
    : [];
  return {
    accessibilityFeedback: rows.map((row) => ({
      sentAt: row.created_at.toISOString(),
      page: row.page,
      whatHappened: row.what,
      name: row.name,
      email: row.email,
      answeredAt: row.answered_at?.toISOString() ?? null,
    })),
  };
}

/** Reports that gave the person's email go: nothing in them has to be kept. */
export async function eraseFeedback(person: Person, conn: Knex.Transaction): Promise<void> {
  const email = await emailOf(person, conn);
  if (email) await feedbackByEmail(conn, email).delete();
}
