import type { Knex } from 'knex';

/** Which handler got the daily digest of which day: a second run of the job sends nothing again. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE request_digests (
    user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day date NOT NULL,
    sent_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, day)
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE request_digests');
}
