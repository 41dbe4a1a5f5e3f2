import type { Knex } from 'knex';

/**
 * One row per form submission id (each form carries a fresh one): the primary key lets one of two
 * identical POSTs through; the other waits for the first's redirect (`location`) and follows it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE form_submissions (
    id uuid PRIMARY KEY,
    session_id text NOT NULL,
    location text,
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw('CREATE INDEX form_submissions_created_idx ON form_submissions (created_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('form_submissions');
}
