import type { Knex } from 'knex';

/**
 * What visitors tell the municipality through the accessibility statement's feedback form
 * (Law 4727/2020): the page or content concerned, what happened, and, only if they give them, a
 * name and an email for the reply. Not tied to an account: the form is open to everyone. A row
 * answered by staff is deleted `accessibility.feedbackDays` after the answer (retention rule
 * accessibility.feedback); an unanswered one waits for staff.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE accessibility_feedback (
    id serial PRIMARY KEY,
    page text CHECK (char_length(page) BETWEEN 1 AND 500),
    what text NOT NULL CHECK (char_length(what) BETWEEN 1 AND 2000),
    name text CHECK (char_length(name) BETWEEN 1 AND 200),
    email text CHECK (char_length(email) BETWEEN 3 AND 254),
    lang text NOT NULL CHECK (lang IN ('el', 'en')),
    created_at timestamptz NOT NULL DEFAULT now(),
    answered_at timestamptz,
    answered_by int REFERENCES users(id) ON DELETE SET NULL,
    CHECK (answered_by IS NULL OR answered_at IS NOT NULL),
    CHECK (answered_at IS NULL OR answered_at >= created_at)
  )`);
  // The staff page lists the open ones first; the retention rule looks for old answered ones.
  await knex.raw(
    'CREATE INDEX accessibility_feedback_open_idx ON accessibility_feedback (created_at) WHERE answered_at IS NULL',
  );
  await knex.raw(
    'CREATE INDEX accessibility_feedback_answered_idx ON accessibility_feedback (answered_at) WHERE answered_at IS NOT NULL',
  );
  await knex.raw(
    'CREATE INDEX accessibility_feedback_email_idx ON accessibility_feedback (lower(email)) WHERE email IS NOT NULL',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE accessibility_feedback');
}
