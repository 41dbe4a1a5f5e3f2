import type { Knex } from 'knex';

/**
 * Every import of the municipal roll from the registry system, kept with who, when, its counts and
 * its report. The file itself is in the document store (`file_key`); the job reads it from there.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE roll_imports (
    id serial PRIMARY KEY,
    channel text NOT NULL CHECK (channel IN ('upload', 'demo')),
    file_name text NOT NULL,
    file_key text NOT NULL,
    file_bytes int NOT NULL CHECK (file_bytes >= 0),
    file_sha256 text NOT NULL,
    encoding text,
    status text NOT NULL DEFAULT 'queued'
      CHECK (status IN ('queued', 'running', 'merged', 'rejected', 'failed')),
    failure text,
    imported_by int REFERENCES users(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    rows_read int NOT NULL DEFAULT 0,
    rows_inserted int NOT NULL DEFAULT 0,
    rows_updated int NOT NULL DEFAULT 0,
    rows_unchanged int NOT NULL DEFAULT 0,
    rows_rejected int NOT NULL DEFAULT 0,
    records_inserted int NOT NULL DEFAULT 0,
    records_updated int NOT NULL DEFAULT 0
  )`);
  await knex.raw('CREATE INDEX roll_imports_created_idx ON roll_imports (created_at DESC)');
  // The report: each bad row (line, field, reason code, the value as given).
  await knex.raw(`CREATE TABLE roll_import_errors (
    id bigserial PRIMARY KEY,
    import_id int NOT NULL REFERENCES roll_imports(id) ON DELETE CASCADE,
    line int NOT NULL,
    field text NOT NULL,
    reason text NOT NULL,
    value text
  )`);
  await knex.raw(
    'CREATE INDEX roll_import_errors_import_idx ON roll_import_errors (import_id, line, id)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE roll_import_errors');
  await knex.raw('DROP TABLE roll_imports');
}
