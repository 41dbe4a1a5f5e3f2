import type { Knex } from 'knex';

/**
 * A counter that changes whenever what a sign-in proved stops holding: a new password, or the
 * account disabled. (Roles are read afresh on every request and need no new sign-in.) A session keeps the value it signed in with and every request
 * compares it, so a session row that a request in flight wrote back after the change (the store
 * saves whole rows) is still refused. Bumped here, not in the code, so no path that changes a
 * password can forget it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE users ADD COLUMN credential_version int NOT NULL DEFAULT 1');
  await knex.raw(`CREATE FUNCTION bump_credential_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.password_hash IS DISTINCT FROM OLD.password_hash
        OR (NEW.status = 'disabled' AND OLD.status <> 'disabled') THEN
        NEW.credential_version := OLD.credential_version + 1;
      END IF;
      RETURN NEW;
    END $$`);
  await knex.raw(`CREATE TRIGGER users_bump_credential_version
    BEFORE UPDATE OF password_hash, status ON users
    FOR EACH ROW EXECUTE FUNCTION bump_credential_version()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS users_bump_credential_version ON users');
  await knex.raw('DROP FUNCTION IF EXISTS bump_credential_version()');
  await knex.raw('ALTER TABLE users DROP COLUMN credential_version');
}
