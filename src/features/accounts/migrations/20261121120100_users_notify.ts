import type { Knex } from 'knex';

/** Each change to an account is announced (NOTIFY users_changed, payload: the id) so app processes can cache signed-in accounts. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE FUNCTION notify_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('users_changed', OLD.id::text);
      RETURN NULL;
    END $$`);
  await knex.raw(`CREATE TRIGGER users_notify_changed AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION notify_user_changed()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS users_notify_changed ON users');
  await knex.raw('DROP FUNCTION IF EXISTS notify_user_changed()');
}
