import type { Knex } from 'knex';

/**
 * Every run of a retention rule (module.ts: `retention`): when it started and ended, how many
 * records it deleted, or why it failed. The back office's retention page reads the last of each.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE retention_runs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule text NOT NULL CHECK (length(rule) <= 100),
    started_at timestamptz NOT NULL,
    finished_at timestamptz,
    deleted integer CHECK (deleted >= 0),
    failure text CHECK (length(failure) <= 1000),
    CHECK (finished_at IS NOT NULL OR (deleted IS NULL AND failure IS NULL))
  )`);
  await knex.raw('CREATE INDEX retention_runs_rule ON retention_runs (rule, started_at DESC)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE retention_runs');
}
