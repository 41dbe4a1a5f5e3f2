import type { Knex } from 'knex';

/**
 * Municipal dues per AFM as the financial system sends them (amounts in cents, never floats),
 * instalment arrangements that settle some of them, and the kinds of debt with their names.
 * `paid_cents` grows with the payments matched by RF (reconciliation).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE debt_types (
    code text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{1,29}$'),
    name_el text NOT NULL,
    name_en text NOT NULL,
    position int NOT NULL DEFAULT 0
  )`);
  await knex.raw(`CREATE TABLE arrangements (
    id serial PRIMARY KEY,
    source_id text NOT NULL UNIQUE,
    afm text NOT NULL CHECK (afm ~ '^[0-9]{9}$'),
    decided_on date NOT NULL,
    import_id int REFERENCES finance_imports(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw('CREATE INDEX arrangements_afm_idx ON arrangements (afm)');
  await knex.raw(`CREATE TABLE arrangement_instalments (
    id bigserial PRIMARY KEY,
    arrangement_id int NOT NULL REFERENCES arrangements(id) ON DELETE CASCADE,
    number int NOT NULL CHECK (number BETWEEN 1 AND 240),
    due_date date NOT NULL,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    paid_cents bigint NOT NULL DEFAULT 0 CHECK (paid_cents >= 0),
    rf text NOT NULL UNIQUE,
    UNIQUE (arrangement_id, number)
  )`);
  await knex.raw(`CREATE TABLE debts (
    id bigserial PRIMARY KEY,
    source_id text NOT NULL UNIQUE,
    afm text NOT NULL CHECK (afm ~ '^[0-9]{9}$'),
    type_code text NOT NULL REFERENCES debt_types(code),
    period text NOT NULL,
    property text,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    paid_cents bigint NOT NULL DEFAULT 0 CHECK (paid_cents >= 0),
    due_date date NOT NULL,
    rf text NOT NULL UNIQUE,
    arrangement_id int REFERENCES arrangements(id) ON DELETE SET NULL,
    import_id int REFERENCES finance_imports(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw('CREATE INDEX debts_afm_idx ON debts (afm, due_date, id)');
  await knex.raw('CREATE INDEX debts_arrangement_idx ON debts (arrangement_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE debts');
  await knex.raw('DROP TABLE arrangement_instalments');
  await knex.raw('DROP TABLE arrangements');
  await knex.raw('DROP TABLE debt_types');
}
