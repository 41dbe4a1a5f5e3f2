import type { Knex } from 'knex';

/**
 * Each change to a session row is announced (NOTIFY sessions_changed, payload: the id) so app
 * processes can keep sessions in memory: a sign-out, a password change or a message stored by
 * one process reaches the others within milliseconds.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE FUNCTION notify_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('sessions_changed', OLD.sid);
      RETURN NULL;
    END $$`);
  await knex.raw(`CREATE TRIGGER session_notify_changed AFTER UPDATE OR DELETE ON session
    FOR EACH ROW EXECUTE FUNCTION notify_session_changed()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS session_notify_changed ON session');
  await knex.raw('DROP FUNCTION IF EXISTS notify_session_changed()');
}
