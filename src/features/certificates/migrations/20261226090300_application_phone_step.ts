import type { Knex } from 'knex';

/**
 * The phone call step an application was made at (`<CallSid>/<step>`): unique, so a step the
 * provider sends again, or works out again after a failure, never makes a second application.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE certificate_applications
    ADD COLUMN phone_step text UNIQUE CHECK (length(phone_step) BETWEEN 3 AND 100)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE certificate_applications DROP COLUMN phone_step');
}
