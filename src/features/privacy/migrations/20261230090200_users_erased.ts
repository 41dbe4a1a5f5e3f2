import type { Knex } from 'knex';

/**
 * A deleted account (/account/delete) stays as an empty row, status 'erased': what the law keeps
 * (issued certificates, requests' public facts, the audit trail) still points at it, and nothing
 * on it names the person. Its username, email and phone go, so they are free to register again.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE users
    DROP CONSTRAINT users_status_check,
    ADD CONSTRAINT users_status_check CHECK (status IN ('pending', 'active', 'disabled', 'erased')),
    DROP CONSTRAINT users_sign_in_way,
    ADD CONSTRAINT users_sign_in_way
      CHECK (password_hash IS NOT NULL OR taxisnet_afm IS NOT NULL OR status = 'erased'),
    ADD COLUMN erased_at timestamptz,
    ADD CONSTRAINT users_erased CHECK ((status = 'erased') = (erased_at IS NOT NULL))`);
  await knex.raw('ALTER TABLE users ALTER COLUMN full_name DROP NOT NULL');
  await knex.raw('ALTER TABLE users ALTER COLUMN email DROP NOT NULL');
  await knex.raw(`ALTER TABLE users ADD CONSTRAINT users_named
    CHECK (status = 'erased' OR (full_name IS NOT NULL AND email IS NOT NULL))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DELETE FROM users WHERE status = 'erased'`);
  await knex.raw(`ALTER TABLE users DROP CONSTRAINT users_named, DROP CONSTRAINT users_erased,
    DROP COLUMN erased_at,
    DROP CONSTRAINT users_sign_in_way,
    ADD CONSTRAINT users_sign_in_way CHECK (password_hash IS NOT NULL OR taxisnet_afm IS NOT NULL),
    DROP CONSTRAINT users_status_check,
    ADD CONSTRAINT users_status_check CHECK (status IN ('pending', 'active', 'disabled'))`);
  await knex.raw('ALTER TABLE users ALTER COLUMN full_name SET NOT NULL');
  await knex.raw('ALTER TABLE users ALTER COLUMN email SET NOT NULL');
}
