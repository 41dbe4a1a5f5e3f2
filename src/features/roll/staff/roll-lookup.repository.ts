import type { Conn } from '../../../db/knex.ts';
import type { RollPerson } from '../roll.repository.ts';

export interface FoundPerson extends RollPerson {
  record_number: string;
  municipal_unit: string;
}

/** LIKE's own characters in what was typed, taken literally. */
const literalLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * People on the roll by AFM, by record number (everyone on it), or by the start of the surname
 * whatever the accents and case (Μανωλ, ΜΑΝΩΛΑΚΗΣ and μανωλακης find Μανωλάκης).
 */
export function searchPersons(conn: Conn, query: string, limit: number): Promise<FoundPerson[]> {
  return (
    conn('roll_persons as p')
      .join('roll_records as r', 'r.id', 'p.record_id')
      .select('p.*', 'r.record_number', 'r.municipal_unit')
      // Three look-ups, each by its own index, rather than one OR that reads the whole roll.
      .whereRaw(
        `p.id IN (SELECT id FROM roll_persons WHERE afm = :query
         UNION SELECT x.id FROM roll_persons x JOIN roll_records y ON y.id = x.record_id
           WHERE y.record_number = :query
         UNION SELECT id FROM roll_persons
           WHERE public.search_fold(surname) LIKE public.search_fold(:prefix) || '%')`,
        { query, prefix: literalLike(query) },
      )
      .orderBy([{ column: 'p.surname' }, { column: 'p.given_name' }, { column: 'p.birth_date' }])
      .limit(limit)
  );
}

/** Which of these AFMs a verified portal account holds (the link from an account to the roll). */
export async function verifiedAfms(conn: Conn, afms: readonly string[]): Promise<Set<string>> {
  if (!afms.length) return new Set();
  const rows = await conn('users')
    .whereIn('afm', afms)
    .whereNotNull('identity_verified_at')
    .pluck<string[]>('afm');
  return new Set(rows);
}
