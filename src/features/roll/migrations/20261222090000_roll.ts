import type { Knex } from 'knex';

/**
 * The municipal roll (δημοτολόγιο) as the registry system exports it: family records (μερίδες)
 * and the persons on them, with what certificates print. The registry system stays the source
 * of truth; imports replace what it sends (roll_imports). A verified citizen is linked to their
 * person by AFM.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE roll_records (
    id serial PRIMARY KEY,
    record_number text NOT NULL UNIQUE CHECK (record_number <> ''),
    municipal_unit text NOT NULL CHECK (municipal_unit <> ''),
    address text,
    import_id int,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw(`CREATE TABLE roll_persons (
    id serial PRIMARY KEY,
    source_id text NOT NULL UNIQUE CHECK (source_id <> ''),
    record_id int NOT NULL REFERENCES roll_records(id),
    relation text NOT NULL
      CHECK (relation IN ('head', 'spouse', 'child', 'parent', 'sibling', 'other')),
    surname text NOT NULL CHECK (surname <> ''),
    given_name text NOT NULL CHECK (given_name <> ''),
    father_name text NOT NULL DEFAULT '',
    mother_name text NOT NULL DEFAULT '',
    birth_date date NOT NULL,
    birth_place text NOT NULL DEFAULT '',
    sex text NOT NULL CHECK (sex IN ('M', 'F')),
    marital_status text CHECK (marital_status IN ('single', 'married', 'divorced', 'widowed')),
    afm text CHECK (afm ~ '^[0-9]{9}$'),
    registered_on date,
    deceased_on date,
    struck_off_on date,
    import_id int,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`);
  // One person per AFM: the link from a verified account to its person is never ambiguous.
  await knex.raw(
    'CREATE UNIQUE INDEX roll_persons_afm_key ON roll_persons (afm) WHERE afm IS NOT NULL',
  );
  await knex.raw('CREATE INDEX roll_persons_record_idx ON roll_persons (record_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE roll_persons');
  await knex.raw('DROP TABLE roll_records');
}
