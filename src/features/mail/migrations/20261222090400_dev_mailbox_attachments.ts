import type { Knex } from 'knex';

/**
 * The development mailbox keeps a message's attachments (an emailed certificate): the file's
 * name, type, size and key in the document store, where the file itself stays.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE dev_mailbox ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE dev_mailbox DROP COLUMN attachments');
}
