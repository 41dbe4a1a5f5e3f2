import type { Knex } from 'knex';

/** Which handlers belong to which departments, and whether they want a daily digest instead of each arrival. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE department_handlers (
    department_id integer NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    daily_digest boolean NOT NULL DEFAULT false,
    PRIMARY KEY (department_id, user_id)
  )`);
  await knex.raw('CREATE INDEX department_handlers_user_idx ON department_handlers (user_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE department_handlers');
}
