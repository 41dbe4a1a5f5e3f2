import type { Knex } from 'knex';

/**
 * What a request is about, in groups citizens recognise; each belongs to a department, has a
 * deadline in working days and says whether its requests may be shown to the public.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE request_categories (
    id serial PRIMARY KEY,
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{1,60}$'),
    group_key text NOT NULL
      CHECK (group_key IN ('cleaning', 'lighting', 'roads', 'green', 'animals', 'noise', 'other')),
    department_id integer NOT NULL REFERENCES departments (id),
    name jsonb NOT NULL CHECK (jsonb_typeof(name -> 'el') = 'string' AND jsonb_typeof(name -> 'en') = 'string'),
    deadline_days integer NOT NULL CHECK (deadline_days BETWEEN 1 AND 365),
    may_be_public boolean NOT NULL DEFAULT true,
    active boolean NOT NULL DEFAULT true,
    position integer NOT NULL DEFAULT 0
  )`);
  await knex.raw(
    'CREATE INDEX request_categories_department_idx ON request_categories (department_id)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE request_categories');
}
