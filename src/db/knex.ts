import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Logger } from '../lib/logger.ts';
import { createLogThrottle } from '../lib/throttled-log.ts';

// DATE columns come back as 'YYYY-MM-DD' strings: a meeting date has no time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);
// COUNT(*) and BIGINT: small enough here to be numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export type Db = Knex;
export type Conn = Knex | Knex.Transaction;

/**
 * How long a query waits for a connection (a free one from the pool, or a new one made): past
 * this, the database is taken as unreachable and the visitor gets the 503 page, within seconds
 * rather than knex's default minute.
 */
export const ACQUIRE_TIMEOUT_MS = 3000;

export function createDb(
  connectionString: string,
  poolMax = 10,
  options: { logger?: Logger } = {},
): Db {
  return knexFactory({
    client: 'pg',
    connection: {
      connectionString,
      application_name: 'eservices',
      connectionTimeoutMillis: ACQUIRE_TIMEOUT_MS,
    },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
    ...(options.logger ? { log: knexLog(options.logger) } : {}),
  });
}

/**
 * knex's warnings go through the portal's logger: one JSON line each (the first line of the
 * message, no stack), and the same message at most once a minute. By default knex prints each
 * failed connection attempt with its stack on the console: an outage filled the log with tens of
 * thousands of lines that were not JSON.
 */
function knexLog(logger: Logger): Knex.Config['log'] {
  const allow = createLogThrottle();
  const write = (level: 'warn' | 'error') => (message: unknown) => {
    const text = (message instanceof Error ? message.message : String(message)).split('\n')[0]!;
    // "Acquire connection error: Error: connect ECONNREFUSED 127.0.0.1:5432": one key per cause.
    const note = allow(`${level}:${text.slice(0, 200)}`);
    if (note) logger[level]({ knex: text.slice(0, 500), ...note }, 'database client');
  };
  return { warn: write('warn'), error: write('error'), deprecate: write('warn') };
}
