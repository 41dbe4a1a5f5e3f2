import type { Knex } from 'knex';

/** Citizens who follow a request they did not file ("me too"): they get its updates. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE request_followers (
    request_id bigint NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, user_id)
  )`);
  await knex.raw('CREATE INDEX request_followers_user_idx ON request_followers (user_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE request_followers');
}
