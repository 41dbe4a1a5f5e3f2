import type { Knex } from 'knex';

const ACCOUNT_PURPOSES = `('activation', 'password_reset', 'email_change', 'staff_invite', 'registration_cancel')`;

/**
 * Each module names the purposes of its own links: the fixed list of the accounts' purposes
 * gives way to a check of the name's form only.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE one_time_links DROP CONSTRAINT one_time_links_purpose_check');
  await knex.raw(`ALTER TABLE one_time_links ADD CONSTRAINT one_time_links_purpose_check
    CHECK (purpose ~ '^[a-z][a-z0-9_.-]{0,62}$')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DELETE FROM one_time_links WHERE purpose NOT IN ${ACCOUNT_PURPOSES}`);
  await knex.raw('ALTER TABLE one_time_links DROP CONSTRAINT one_time_links_purpose_check');
  await knex.raw(`ALTER TABLE one_time_links ADD CONSTRAINT one_time_links_purpose_check
    CHECK (purpose IN ${ACCOUNT_PURPOSES})`);
}
