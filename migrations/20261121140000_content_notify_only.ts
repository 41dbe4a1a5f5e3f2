import type { Knex } from 'knex';

/** The content caches listen for NOTIFY; the version counter they once read is no longer needed. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE OR REPLACE FUNCTION bump_public_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('content_changed', TG_TABLE_NAME);
      RETURN NULL;
    END $$`);
  await knex.schema.dropTable('content_versions');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    `CREATE TABLE content_versions (name text PRIMARY KEY, version bigint NOT NULL DEFAULT 1)`,
  );
  await knex.raw(`INSERT INTO content_versions (name) VALUES ('public')`);
  await knex.raw(`CREATE OR REPLACE FUNCTION bump_public_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE content_versions SET version = version + 1 WHERE name = 'public';
      PERFORM pg_notify('content_changed', TG_TABLE_NAME);
      RETURN NULL;
    END $$`);
}
