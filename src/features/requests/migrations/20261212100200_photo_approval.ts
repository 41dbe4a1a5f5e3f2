import type { Knex } from 'knex';

/**
 * A handler's approval of a photo for the public list (who and when); only approved photos are
 * ever shown there. An approval given or withdrawn changes what the public list shows, so it
 * announces itself as the queue's tables do (work_changed).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE request_photos
    ADD COLUMN approved_at timestamptz,
    ADD COLUMN approved_by integer REFERENCES users (id) ON DELETE SET NULL`);
  await knex.raw(`CREATE TRIGGER request_photos_approval_notify_work
    AFTER UPDATE OF approved_at ON request_photos
    FOR EACH STATEMENT EXECUTE FUNCTION notify_work_changed()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS request_photos_approval_notify_work ON request_photos');
  await knex.raw('ALTER TABLE request_photos DROP COLUMN approved_by, DROP COLUMN approved_at');
}
