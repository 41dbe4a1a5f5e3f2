import type { Knex } from 'knex';

/**
 * The account tokens become one-time links that any module can issue (a booking, an invitation
 * to someone without an account): the table, its keys and index are renamed, and so is the
 * table the password-reset trigger writes to (its body names it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE user_tokens RENAME TO one_time_links');
  await renameParts(knex, 'user_tokens', 'one_time_links');
  await replaceResetTrigger(knex, 'one_time_links');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE one_time_links RENAME TO user_tokens');
  await renameParts(knex, 'one_time_links', 'user_tokens');
  await replaceResetTrigger(knex, 'user_tokens');
}

async function renameParts(knex: Knex, from: string, to: string): Promise<void> {
  await knex.raw(`ALTER SEQUENCE ${from}_id_seq RENAME TO ${to}_id_seq`);
  await knex.raw(`ALTER TABLE ${to} RENAME CONSTRAINT ${from}_pkey TO ${to}_pkey`);
  await knex.raw(
    `ALTER TABLE ${to} RENAME CONSTRAINT ${from}_token_hash_key TO ${to}_token_hash_key`,
  );
  await knex.raw(`ALTER TABLE ${to} RENAME CONSTRAINT ${from}_user_id_fkey TO ${to}_user_id_fkey`);
  await knex.raw(
    `ALTER TABLE ${to} RENAME CONSTRAINT ${from}_purpose_check TO ${to}_purpose_check`,
  );
  await knex.raw(`ALTER INDEX ${from}_user_idx RENAME TO ${to}_user_idx`);
}

/** 20261201110100_reset_tokens_end_with_password's function, writing to `table`. */
async function replaceResetTrigger(knex: Knex, table: string): Promise<void> {
  await knex.raw(`CREATE OR REPLACE FUNCTION revoke_password_reset_tokens() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.password_hash IS DISTINCT FROM OLD.password_hash
        OR lower(NEW.email) IS DISTINCT FROM lower(OLD.email) THEN
        UPDATE ${table} SET used_at = now(), data = data || '{"superseded": true}'::jsonb
          WHERE user_id = NEW.id AND purpose = 'password_reset' AND used_at IS NULL;
      END IF;
      RETURN NULL;
    END $$`);
}
