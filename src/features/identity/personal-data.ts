import type { Conn } from '../../db/knex.ts';
import type { Person } from '../module.ts';

/**
 * The AFMs an account holds as its own, for the modules that find a person's rows by AFM (the
 * roll, dues, fines, ΚΕΠ appointments): the one TaxisNet gave, and the one a clerk recorded while
 * the identity check stands. An AFM from a revoked check may have been someone else's, so it is
 * never used (whatever `person.afm` says), nor is one the account no longer holds.
 */
export async function ownAfms(conn: Conn, person: Person): Promise<string[]> {
  const row = (await conn('users')
    .where({ id: person.userId })
    .first('afm', 'taxisnet_afm', 'identity_verified_at')) as
    | { afm: string | null; taxisnet_afm: string | null; identity_verified_at: Date | null }
    | undefined;
  if (!row) return [];
  const afms = [row.taxisnet_afm, row.identity_verified_at ? row.afm : null];
  return [...new Set(afms.filter((afm): afm is string => Boolean(afm)))];
}

type Jsonable = string | number | boolean | null | Jsonable[] | { [key: string]: Jsonable };

/** A row as stored, for a download: instants as ISO strings, the rest as it is. */
export function asStored(row: object): { [key: string]: Jsonable } {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, jsonValue(value)])) as {
    [key: string]: Jsonable;
  };
}

function jsonValue(value: unknown): Jsonable {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value && typeof value === 'object') return asStored(value);
  return value as Jsonable;
}

/** A plain file name for the download's folders: letters, digits, dots, dashes, underscores. */
export function plainFileName(name: string, fallback = 'file'): string {
  const plain = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/^[._]+/, '')
    .slice(0, 120);
  return plain || fallback;
}
