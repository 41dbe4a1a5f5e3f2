import type { Knex } from 'knex';
import type { Deps } from '../../deps.ts';
import type { Lang } from '../../lib/localized.ts';
import type { Person } from '../module.ts';

/**
 * What names or reaches a person, as it may be written in a request's text or a handler's note:
 * their name, username, email, phone (as stored, +30…, and as people write it, 69…) and AFM.
 * Values under 3 characters would match ordinary words and are left out.
 */
export async function identifiersOf(conn: Knex | Knex.Transaction, person: Person) {
  const account = (await conn('users')
    .where({ id: person.userId })
    .first('full_name', 'username', 'email', 'phone_e164', 'afm', 'taxisnet_afm')) as
    Record<string, string | null> | undefined;
  const phones = [person.phone, account?.phone_e164].flatMap((phone) =>
    phone ? [phone, phone.replace(/^\+30/, '')] : [],
  );
  const values = [
    account?.full_name,
    account?.username,
    person.email,
    account?.email,
    ...phones,
    person.afm,
    account?.afm,
    account?.taxisnet_afm,
  ];
  return [
    ...new Set(values.map((value) => value?.trim() ?? '').filter((value) => value.length >= 3)),
  ];
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The text with each identifier (in any case) replaced by the marker. */
export function withoutIdentifiers(
  text: string,
  identifiers: readonly string[],
  marker: string,
): string {
  if (!identifiers.length) return text;
  // Longest first: a name is replaced whole, not the username inside it.
  const pattern = [...identifiers]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|');
  return text.replace(new RegExp(pattern, 'giu'), marker);
}

/** The text columns of the requests' tables that people write in, with their lengths. */
const WRITTEN: readonly { table: string; columns: Record<string, number>; lang: string }[] = [
  {
    table: 'requests',
    columns: { title: 120, description: 4000, address: 200 },
    lang: 't.lang',
  },
  {
    table: 'request_events',
    columns: { public_note: 4000, internal_note: 4000 },
    lang: '(SELECT r.lang FROM requests r WHERE r.id = t.request_id)',
  },
  {
    table: 'request_documents',
    columns: { original_name: 200 },
    lang: '(SELECT r.lang FROM requests r WHERE r.id = t.request_id)',
  },
];

/**
 * Replaces the person's identifiers wherever the requests' text has them (any request: a handler's
 * note or another citizen's complaint may name them) by "[erased]" in the request's language.
 * Rare and whole-table: it runs only when an account is deleted.
 */
export async function scrubIdentifiers(
  trx: Knex.Transaction,
  identifiers: readonly string[],
  i18n: Deps['i18n'],
): Promise<void> {
  if (!identifiers.length) return;
  for (const { table, columns, lang } of WRITTEN) {
    const names = Object.keys(columns);
    const rows = (await trx(`${table} as t`)
      .where((query) => {
        for (const column of names)
          for (const value of identifiers)
            query.orWhereRaw('strpos(lower(??), lower(?)) > 0', [`t.${column}`, value]);
      })
      .select(
        't.id',
        ...names.map((column) => `t.${column}`),
        trx.raw(`${lang} AS lang`),
      )) as (Record<string, string | null> & { id: number; lang: Lang })[];
    for (const row of rows) {
      const marker = i18n.t(row.lang === 'en' ? 'en' : 'el')('requests.erasure.inline');
      const patch: Record<string, string> = {};
      for (const column of names) {
        const text = row[column];
        if (!text) continue;
        const scrubbed = withoutIdentifiers(text, identifiers, marker).slice(0, columns[column]);
        if (scrubbed !== text) patch[column] = scrubbed;
      }
      if (Object.keys(patch).length) await trx(table).where({ id: row.id }).update(patch);
    }
  }
}
