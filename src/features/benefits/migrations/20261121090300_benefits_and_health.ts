import type { Knex } from 'knex';

// Text the citizen reads is stored per language as jsonb {"el": "...", "en": "..."};
// Greek is required, English falls back to Greek where missing.
const localized = (column: string, required = true) =>
  `${column} jsonb NOT NULL DEFAULT '{}'::jsonb ${required ? `CHECK (coalesce(${column}->>'el', '') <> '')` : ''}`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE benefit_categories (
    id serial PRIMARY KEY,
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]+$'),
    ${localized('name')},
    position int NOT NULL DEFAULT 0
  )`);
  await knex.raw(`CREATE TABLE benefits (
    id serial PRIMARY KEY,
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]+$'),
    category_id int NOT NULL REFERENCES benefit_categories(id),
    ${localized('title')},
    ${localized('summary')},
    ${localized('eligibility_md')},
    ${localized('documents_md')},
    ${localized('how_to_apply_md')},
    ${localized('deadlines_md', false)},
    ${localized('contact_md', false)},
    links jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(links) = 'array'),
    position int NOT NULL DEFAULT 0,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw(`CREATE TABLE health_services (
    id serial PRIMARY KEY,
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]+$'),
    kind text NOT NULL CHECK (kind IN ('clinic', 'programme', 'vaccination', 'on_duty')),
    ${localized('title')},
    ${localized('summary')},
    ${localized('body_md')},
    ${localized('address')},
    ${localized('hours')},
    phone text NOT NULL DEFAULT '',
    ${localized('what_to_bring_md', false)},
    position int NOT NULL DEFAULT 0,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('health_services');
  await knex.schema.dropTable('benefits');
  await knex.schema.dropTable('benefit_categories');
}
