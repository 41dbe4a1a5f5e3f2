import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

// DATE columns come back as 'YYYY-MM-DD' strings: a meeting date has no time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);
// COUNT(*) and BIGINT: small enough here to be numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export type Db = Knex;
export type Conn = Knex | Knex.Transaction;

export function createDb(connectionString: string, poolMax = 10): Db {
  return knexFactory({
    client: 'pg',
    connection: { connectionString, application_name: 'eservices' },
    pool: { min: 0, max: poolMax },
  });
}
