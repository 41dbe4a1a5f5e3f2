import type { Knex } from 'knex';

/**
 * A password reset link is for the password and the address the account had when it was sent:
 * once either changes (the account page, another reset, a clerk's correction), unused reset links
 * stop working. Done by the database so that every path that changes them is covered.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE FUNCTION revoke_password_reset_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.password_hash IS DISTINCT FROM OLD.password_hash
        OR lower(NEW.email) IS DISTINCT FROM lower(OLD.email) THEN
        UPDATE user_tokens SET used_at = now(), data = data || '{"superseded": true}'::jsonb
          WHERE user_id = NEW.id AND purpose = 'password_reset' AND used_at IS NULL;
      END IF;
      RETURN NULL;
    END $$`);
  await knex.raw(`CREATE TRIGGER users_revoke_password_reset_tokens
    AFTER UPDATE OF password_hash, email ON users
    FOR EACH ROW EXECUTE FUNCTION revoke_password_reset_tokens()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS users_revoke_password_reset_tokens ON users');
  await knex.raw('DROP FUNCTION IF EXISTS revoke_password_reset_tokens()');
}
