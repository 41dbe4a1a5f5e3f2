import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE decision_categories (
    id serial PRIMARY KEY,
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]+$'),
    name_el text NOT NULL,
    name_en text NOT NULL,
    position int NOT NULL DEFAULT 0
  )`);
  await knex.raw(`CREATE TABLE decisions (
    id serial PRIMARY KEY,
    number int NOT NULL CHECK (number > 0),
    year int NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    meeting_date date NOT NULL,
    category_id int NOT NULL REFERENCES decision_categories(id),
    subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 1000),
    summary text NOT NULL DEFAULT '',
    ada text UNIQUE CHECK (ada ~ '^[Α-ΩA-Z0-9]{4,10}-[Α-ΩA-Z0-9]{3}$'),
    document_file text,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    published_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    search tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('public.greek_unaccent', subject), 'A') ||
      setweight(to_tsvector('public.greek_unaccent', summary), 'B')
    ) STORED,
    UNIQUE (year, number)
  )`);
  await knex.raw('CREATE INDEX decisions_search_idx ON decisions USING gin (search)');
  await knex.raw(`CREATE INDEX decisions_published_order_idx ON decisions (meeting_date DESC, number DESC, id DESC)
    WHERE status = 'published'`);
  await knex.raw(`CREATE INDEX decisions_category_idx ON decisions (category_id, meeting_date DESC)
    WHERE status = 'published'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('decisions');
  await knex.schema.dropTable('decision_categories');
}
