import type { Knex } from 'knex';

/**
 * The activation email's "this was not me" link is a token like the others (stored as a hash,
 * single use), with a purpose of its own; and the hourly job finds the pending accounts to delete
 * by their age.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE user_tokens DROP CONSTRAINT user_tokens_purpose_check');
  await knex.raw(`ALTER TABLE user_tokens ADD CONSTRAINT user_tokens_purpose_check CHECK (purpose IN
    ('activation', 'password_reset', 'email_change', 'staff_invite', 'registration_cancel'))`);
  await knex.raw(
    `CREATE INDEX users_pending_created_idx ON users (created_at) WHERE status = 'pending'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS users_pending_created_idx');
  await knex.raw(`DELETE FROM user_tokens WHERE purpose = 'registration_cancel'`);
  await knex.raw('ALTER TABLE user_tokens DROP CONSTRAINT user_tokens_purpose_check');
  await knex.raw(`ALTER TABLE user_tokens ADD CONSTRAINT user_tokens_purpose_check CHECK (purpose IN
    ('activation', 'password_reset', 'email_change', 'staff_invite'))`);
}
