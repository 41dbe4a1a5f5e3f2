import type { Knex } from 'knex';

/**
 * A citizen's download of their data (/account/data): asked for, prepared by a job into a ZIP in
 * the document store, sent as a one-time link that expires 48 hours after the mail leaves. One
 * being prepared at a time per account (the partial unique index); the file is removed when the
 * link is used up or expires (the rule privacy.exports), the row kept without it for the page.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE data_exports (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status text NOT NULL DEFAULT 'queued'
      CHECK (status IN ('queued', 'ready', 'downloaded', 'expired', 'failed')),
    lang text NOT NULL CHECK (lang IN ('el', 'en')),
    requested_at timestamptz NOT NULL,
    ready_at timestamptz,
    file_key text,
    file_bytes integer CHECK (file_bytes >= 0),
    link_id integer REFERENCES one_time_links (id) ON DELETE SET NULL,
    downloaded_at timestamptz,
    removed_at timestamptz,
    CHECK (status <> 'ready' OR file_key IS NOT NULL)
  )`);
  await knex.raw(
    `CREATE UNIQUE INDEX data_exports_one_in_progress ON data_exports (user_id) WHERE status = 'queued'`,
  );
  await knex.raw('CREATE INDEX data_exports_user ON data_exports (user_id, requested_at DESC)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE data_exports');
}
