import type { Knex } from 'knex';

/**
 * Reply templates: texts a handler starts an official answer from. `category_id` null: offered for
 * every category. Greek is required, English optional (an English-speaking citizen gets the Greek
 * text when a template has none). One title per category (or among the general ones), so the
 * handler's list never shows two alike; a deactivated template stays for the audit log's sake.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE request_reply_templates (
    id serial PRIMARY KEY,
    category_id integer REFERENCES request_categories (id) ON DELETE CASCADE,
    title_el text NOT NULL CHECK (length(title_el) BETWEEN 1 AND 120),
    title_en text CHECK (length(title_en) BETWEEN 1 AND 120),
    body_el text NOT NULL CHECK (length(body_el) BETWEEN 1 AND 4000),
    body_en text CHECK (length(body_en) BETWEEN 1 AND 4000),
    active boolean NOT NULL DEFAULT true,
    position integer NOT NULL DEFAULT 0 CHECK (position BETWEEN 0 AND 999),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw(`CREATE UNIQUE INDEX request_reply_templates_title_idx
    ON request_reply_templates (COALESCE(category_id, 0), lower(title_el))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE request_reply_templates');
}
