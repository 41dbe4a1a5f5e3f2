import type { Knex } from 'knex';

/**
 * TaxisNet sign-in (taxisnet module): an account may have no password (it signs in through
 * GSIS), but every account has at least one way to sign in. A TaxisNet account is keyed by its
 * AFM, one account per AFM. How each account's identity was established (at the counter, by
 * TaxisNet, on a video call) is kept beside the time it was.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE users ALTER COLUMN username DROP NOT NULL');
  await knex.raw('ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL');
  await knex.raw(`ALTER TABLE users
    ADD COLUMN taxisnet_afm text CHECK (taxisnet_afm ~ '^[0-9]{9}$'),
    ADD COLUMN taxisnet_linked_at timestamptz,
    ADD COLUMN identity_channel text CHECK (identity_channel IN ('counter', 'taxisnet', 'video'))`);
  await knex.raw('CREATE UNIQUE INDEX users_taxisnet_afm_key ON users (taxisnet_afm)');
  await knex.raw(
    `UPDATE users SET identity_channel = 'counter' WHERE identity_verified_at IS NOT NULL`,
  );
  await knex.raw(`ALTER TABLE users
    ADD CONSTRAINT users_sign_in_way CHECK (password_hash IS NOT NULL OR taxisnet_afm IS NOT NULL),
    ADD CONSTRAINT users_password_has_username CHECK (password_hash IS NULL OR username IS NOT NULL),
    ADD CONSTRAINT users_taxisnet_linked CHECK ((taxisnet_afm IS NULL) = (taxisnet_linked_at IS NULL)),
    ADD CONSTRAINT users_identity_channel CHECK ((identity_verified_at IS NULL) = (identity_channel IS NULL))`);
  // The counter's search reads the username too: an account without one is still found.
  await knex.raw('DROP INDEX users_search_idx');
  await knex.raw(`CREATE INDEX users_search_idx ON users USING gin (
    public.search_fold(full_name || ' ' || coalesce(username, '') || ' ' || email || ' ' || coalesce(phone_e164, '')) gin_trgm_ops)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX users_search_idx');
  await knex.raw(`CREATE INDEX users_search_idx ON users USING gin (
    public.search_fold(full_name || ' ' || username || ' ' || email || ' ' || coalesce(phone_e164, '')) gin_trgm_ops)`);
  await knex.raw(`ALTER TABLE users DROP CONSTRAINT users_sign_in_way,
    DROP CONSTRAINT users_password_has_username, DROP CONSTRAINT users_taxisnet_linked,
    DROP CONSTRAINT users_identity_channel`);
  await knex.raw('DELETE FROM users WHERE password_hash IS NULL');
  await knex.raw(`ALTER TABLE users DROP COLUMN taxisnet_afm, DROP COLUMN taxisnet_linked_at,
    DROP COLUMN identity_channel`);
  await knex.raw('ALTER TABLE users ALTER COLUMN username SET NOT NULL');
  await knex.raw('ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL');
}
