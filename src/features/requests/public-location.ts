import type { Knex } from 'knex';

/**
 * Where a request is, as the public sees it (the public list, Open311 without a read-all key):
 * its address, or for a category that shows only the street (`public_location = 'street'`) the
 * address's street without the house number, and its point only when the category shows it.
 * SQL over the request as `r` and its category as `c`.
 */
export const PUBLIC_AREA_SQL = `CASE WHEN c.public_location = 'exact' THEN r.address
  ELSE public.request_street(r.address) END`;

/** The request's latitude and longitude as the public sees them (none for a street-only category). */
export function publicPointColumns(conn: Knex | Knex.Transaction): Knex.Raw[] {
  return [
    conn.raw(`CASE WHEN c.public_location = 'exact' THEN r.lat END AS lat`),
    conn.raw(`CASE WHEN c.public_location = 'exact' THEN r.lng END AS lng`),
  ];
}
