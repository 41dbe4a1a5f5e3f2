import type { Knex } from 'knex';

/**
 * Case work announces itself (NOTIFY work_changed, after commit): a module's tables that the
 * staff pages it keeps rendered show (`keptPages`) call this function from statement triggers,
 * and every process empties its work cache (caches.ts). Apart from content_changed, so a filed
 * request leaves the public pages' cache alone.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE FUNCTION notify_work_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('work_changed', TG_TABLE_NAME);
      RETURN NULL;
    END $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS notify_work_changed()');
}
