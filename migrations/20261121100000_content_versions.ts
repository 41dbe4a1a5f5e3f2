import type { Knex } from 'knex';

/**
 * A version number per kind of public content, bumped by a statement trigger on every write.
 * App processes cache rendered data keyed by it, so a change is seen at once by every process.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE content_versions (
    name text PRIMARY KEY,
    version bigint NOT NULL DEFAULT 1
  )`);
  await knex.raw(`INSERT INTO content_versions (name) VALUES ('public')`);
  await knex.raw(`CREATE FUNCTION bump_public_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE content_versions SET version = version + 1 WHERE name = 'public';
      RETURN NULL;
    END $$`);
  for (const table of [
    'decisions',
    'decision_categories',
    'benefits',
    'benefit_categories',
    'health_services',
  ]) {
    await knex.raw(`CREATE TRIGGER ${table}_bump_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION bump_public_content_version()`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'decisions',
    'decision_categories',
    'benefits',
    'benefit_categories',
    'health_services',
  ]) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_bump_version ON ${table}`);
  }
  await knex.raw('DROP FUNCTION IF EXISTS bump_public_content_version()');
  await knex.schema.dropTable('content_versions');
}
