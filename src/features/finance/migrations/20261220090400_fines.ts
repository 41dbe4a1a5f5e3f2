import type { Knex } from 'knex';

/**
 * Traffic-code (ΚΟΚ) fines of the municipal police as the financial system sends them, the dated
 * rules that give a fine its reduction and objection deadlines, what each citizen has looked up
 * (so only they reach it again), and objections with their files.
 */
export async function up(knex: Knex): Promise<void> {
  // A plate as compared: no spaces or dashes, capitals, Latin look-alikes as the Greek letters
  // Greek plates use (ΙΚΒ1234 = IKB1234 = ικβ-1234). upper() alone misses Greek under the C locale.
  await knex.raw(`CREATE FUNCTION plate_key(plate text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT translate(upper(regexp_replace(plate, '[[:space:]\\-_.·]+', '', 'g')),
        'ABEZHIKMNOPTYXαβεζηικμνορτυχάέήίόύ',
        'ΑΒΕΖΗΙΚΜΝΟΡΤΥΧΑΒΕΖΗΙΚΜΝΟΡΤΥΧΑΕΗΙΟΥ') $$`);
  await knex.raw(`CREATE TABLE fine_rules (
    id serial PRIMARY KEY,
    effective_from date NOT NULL UNIQUE,
    reduction_percent int NOT NULL CHECK (reduction_percent BETWEEN 0 AND 100),
    reduction_days int NOT NULL CHECK (reduction_days BETWEEN 0 AND 365),
    objection_days int NOT NULL CHECK (objection_days BETWEEN 1 AND 365),
    note text NOT NULL DEFAULT '',
    created_by int REFERENCES users(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw(`CREATE TABLE fines (
    id bigserial PRIMARY KEY,
    source_id text NOT NULL UNIQUE,
    notice_number text NOT NULL UNIQUE,
    plate text NOT NULL,
    plate_key text NOT NULL,
    owner_afm text CHECK (owner_afm ~ '^[0-9]{9}$'),
    offence_at timestamptz NOT NULL,
    place text NOT NULL,
    article text NOT NULL,
    description text NOT NULL,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    reduced_amount_cents bigint CHECK (reduced_amount_cents > 0 AND reduced_amount_cents <= amount_cents),
    reduction_deadline date,
    due_date date NOT NULL,
    status text NOT NULL CHECK (status IN ('unpaid', 'paid', 'objection', 'cancelled', 'tax_office')),
    paid_cents bigint NOT NULL DEFAULT 0 CHECK (paid_cents >= 0),
    rf text NOT NULL UNIQUE,
    import_id int REFERENCES finance_imports(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((reduced_amount_cents IS NULL) = (reduction_deadline IS NULL))
  )`);
  await knex.raw('CREATE INDEX fines_lookup_idx ON fines (notice_number, plate_key)');
  await knex.raw('CREATE INDEX fines_owner_idx ON fines (owner_afm, offence_at DESC)');
  await knex.raw(`CREATE TABLE fine_access (
    user_id int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    fine_id bigint NOT NULL REFERENCES fines(id) ON DELETE CASCADE,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, fine_id)
  )`);
  await knex.raw(`CREATE TABLE fine_objections (
    id serial PRIMARY KEY,
    fine_id bigint NOT NULL REFERENCES fines(id) ON DELETE CASCADE,
    user_id int REFERENCES users(id) ON DELETE SET NULL,
    capacity text NOT NULL CHECK (capacity IN ('owner', 'driver')),
    driver_afm text CHECK (driver_afm ~ '^[0-9]{9}$'),
    text text NOT NULL,
    status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'accepted', 'rejected')),
    decision_reason text,
    decided_by int REFERENCES users(id) ON DELETE SET NULL,
    decided_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((capacity = 'driver') = (driver_afm IS NOT NULL)),
    CHECK ((status = 'submitted') = (decided_at IS NULL))
  )`);
  // One objection examined at a time per fine (two sent at once leave one), and one per capacity,
  // ever: a decided driver's objection is not filed again by another who looked the fine up,
  // and whatever a stranger with the ticket's details files, the verified owner keeps theirs.
  await knex.raw(
    "CREATE UNIQUE INDEX fine_objections_pending_key ON fine_objections (fine_id) WHERE status = 'submitted'",
  );
  await knex.raw(
    'CREATE UNIQUE INDEX fine_objections_capacity_key ON fine_objections (fine_id, capacity)',
  );
  await knex.raw('CREATE INDEX fine_objections_queue_idx ON fine_objections (status, created_at)');
  await knex.raw('CREATE INDEX fine_objections_user_idx ON fine_objections (user_id)');
  await knex.raw(`CREATE TABLE fine_objection_files (
    id serial PRIMARY KEY,
    objection_id int NOT NULL REFERENCES fine_objections(id) ON DELETE CASCADE,
    storage_key text NOT NULL,
    file_name text NOT NULL,
    media_type text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    bytes int NOT NULL CHECK (bytes > 0),
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw(
    'CREATE INDEX fine_objection_files_objection_idx ON fine_objection_files (objection_id)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE fine_objection_files');
  await knex.raw('DROP TABLE fine_objections');
  await knex.raw('DROP TABLE fine_access');
  await knex.raw('DROP TABLE fines');
  await knex.raw('DROP TABLE fine_rules');
  await knex.raw('DROP FUNCTION IF EXISTS plate_key(text)');
}
