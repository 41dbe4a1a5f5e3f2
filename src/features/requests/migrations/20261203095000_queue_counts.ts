import type { Knex } from 'knex';

/**
 * The queue's counts per status, kept as requests change: counting a department's requests on
 * every view read ~80,000 index entries at 200,000 requests (70 ms, the whole page's budget), so
 * the counts the queue shows without a date, overdue or text filter are summed from here instead.
 * Statement-level triggers keep them in the changing transaction (exact, never stale); a statement
 * changes its keys in key order, so two transactions never wait on each other in opposite orders.
 * Transition tables allow no column list, so every update fires; one that leaves the four columns
 * as they were writes nothing.
 */
const KEY = 'department_id, category_id, channel, status';

/** The upsert of the net change, from the transition tables the event has. */
function applyChange(parts: { added?: string; removed?: string }): string {
  const rows = [
    ...(parts.added ? [`SELECT ${KEY}, 1 AS delta FROM ${parts.added}`] : []),
    ...(parts.removed ? [`SELECT ${KEY}, -1 AS delta FROM ${parts.removed}`] : []),
  ].join(' UNION ALL ');
  return `BEGIN
    INSERT INTO request_counts AS t (${KEY}, n)
    SELECT ${KEY}, sum(delta) FROM (${rows}) d
    GROUP BY ${KEY} HAVING sum(delta) <> 0 ORDER BY ${KEY}
    ON CONFLICT (${KEY}) DO UPDATE SET n = t.n + EXCLUDED.n;
    RETURN NULL;
  END`;
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE request_counts (
    department_id integer NOT NULL,
    category_id integer NOT NULL,
    channel text NOT NULL,
    status text NOT NULL,
    n integer NOT NULL,
    PRIMARY KEY (${KEY})
  )`);
  await knex.raw(`INSERT INTO request_counts (${KEY}, n)
    SELECT ${KEY}, count(*) FROM requests GROUP BY ${KEY}`);
  const triggers: [string, { added?: string; removed?: string }, string][] = [
    ['inserted', { added: 'added' }, 'INSERT ON requests REFERENCING NEW TABLE AS added'],
    [
      'updated',
      { added: 'added', removed: 'removed' },
      'UPDATE ON requests REFERENCING OLD TABLE AS removed NEW TABLE AS added',
    ],
    ['deleted', { removed: 'removed' }, 'DELETE ON requests REFERENCING OLD TABLE AS removed'],
  ];
  for (const [name, parts, event] of triggers) {
    await knex.raw(`CREATE FUNCTION request_counts_${name}() RETURNS trigger LANGUAGE plpgsql
      AS $$ ${applyChange(parts)} $$`);
    await knex.raw(`CREATE TRIGGER request_counts_${name} AFTER ${event}
      FOR EACH STATEMENT EXECUTE FUNCTION request_counts_${name}()`);
  }
  await knex.raw(`CREATE FUNCTION request_counts_truncated() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN DELETE FROM request_counts; RETURN NULL; END $$`);
  await knex.raw(`CREATE TRIGGER request_counts_truncated AFTER TRUNCATE ON requests
    FOR EACH STATEMENT EXECUTE FUNCTION request_counts_truncated()`);
}

export async function down(knex: Knex): Promise<void> {
  for (const name of ['inserted', 'updated', 'deleted', 'truncated']) {
    await knex.raw(`DROP TRIGGER request_counts_${name} ON requests`);
    await knex.raw(`DROP FUNCTION request_counts_${name}()`);
  }
  await knex.raw('DROP TABLE request_counts');
}
