import type { Knex } from 'knex';

/**
 * Public content changes are announced with NOTIFY content_changed (after commit), so each app
 * process drops its cache of public pages' data without asking the database on every request.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE OR REPLACE FUNCTION bump_public_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE content_versions SET version = version + 1 WHERE name = 'public';
      PERFORM pg_notify('content_changed', TG_TABLE_NAME);
      RETURN NULL;
    END $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`CREATE OR REPLACE FUNCTION bump_public_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE content_versions SET version = version + 1 WHERE name = 'public';
      RETURN NULL;
    END $$`);
}
