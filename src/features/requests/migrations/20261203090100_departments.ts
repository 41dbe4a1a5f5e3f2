import type { Knex } from 'knex';

/** The municipality's departments that handle requests (Καθαριότητα, Τεχνικές Υπηρεσίες, …). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE departments (
    id serial PRIMARY KEY,
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{1,60}$'),
    name jsonb NOT NULL CHECK (jsonb_typeof(name -> 'el') = 'string' AND jsonb_typeof(name -> 'en') = 'string'),
    email text CHECK (email IS NULL OR length(email) <= 254),
    position integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE departments');
}
