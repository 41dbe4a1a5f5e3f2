import type { Knex } from 'knex';
import type { ErasureContext, Person } from '../module.ts';
import { identifiersOf, scrubIdentifiers } from '../requests/identifiers.ts';
import { formatReference } from '../requests/reference.ts';
import { eraseFiledRequests } from '../requests/requests.erasure.ts';

/**
 * A person's reports through apps: an app's user has no account here, so the ones sent with the
 * email of the person's account (in any case) are theirs. Read only for the person's own export
 * or erasure; a report is never linked to an account for anything else.
 */
const reportsOf = (conn: Knex, person: Person) =>
  conn('open311_reporters as o').whereRaw(
    'lower(o.email) = (SELECT lower(u.email) FROM users u WHERE u.id = ?)',
    [person.userId],
  );

interface ReportRow {
  year: number;
  number: number;
  created_at: Date;
  app_name: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  media_url: string | null;
  description: string;
  address: string | null;
  status_links: number;
}

/** What the Open311 module holds about the person: each report, as the app sent it. */
export async function exportOpen311(person: Person, conn: Knex): Promise<Record<string, unknown>> {
  const rows = (await reportsOf(conn, person)
    .join('requests as r', 'r.id', 'o.request_id')
    .join('api_keys as k', 'k.id', 'o.api_key_id')
    .orderBy('o.created_at')
    .select(
      'r.year',
      'r.number',
      'o.created_at',
      'k.app_name',
      'o.email',
      'o.first_name',
      'o.last_name',
      'o.phone',
      'o.media_url',
      'r.description',
      'r.address',
      conn.raw(`(SELECT count(*) FROM open311_status_links l
        WHERE l.request_id = o.request_id)::int AS status_links`),
    )) as ReportRow[];
  return {
    reportsThroughApps: rows.map((row) => ({
      reference: formatReference(row).url,
      sentAt: row.created_at.toISOString(),
      app: row.app_name,
      email: row.email,
      firstName: row.first_name,
      lastName: row.last_name,
      phone: row.phone,
      mediaUrl: row.media_url,
      description: row.description,
      address: row.address,
      statusLinksSent: row.status_links,
    })),
  };
}

/**
 * Erases the person's reports as their account's requests are erased (requests.erasure.ts): their
 * contact details (email, names, phone, photo link) and status links first (no more mails, no old
 * link opens a page), then what they wrote, any identifier of theirs in the requests' text, and
 * the open ones withdrawn (their followers told). The requests' public facts stay, as the
 * department's case records, with no one's details. In the caller's transaction; the kept Open311
 * answers (a read-all key sees media_url) are dropped when it commits (NOTIFY work_changed).
 */
export async function eraseOpen311(
  person: Person,
  trx: Knex.Transaction,
  context: ErasureContext,
): Promise<void> {
  const reports = (await reportsOf(trx, person).select(
    'o.request_id',
    'o.first_name',
    'o.last_name',
    'o.phone',
  )) as {
    request_id: number;
    first_name: string | null;
    last_name: string | null;
    phone: string | null;
  }[];
  if (!reports.length) return;
  const ids = reports.map((report) => report.request_id);
  // As the app sent them: the names and phone need not be the account's.
  const sent = reports.flatMap((report) => [
    [report.first_name, report.last_name].filter(Boolean).join(' '),
    report.phone ?? '',
  ]);
  const identifiers = [...(await identifiersOf(trx, person)), ...sent].filter(
    (value) => value.trim().length >= 3,
  );
  await trx('open311_status_links').whereIn('request_id', ids).delete();
  await trx('open311_reporters').whereIn('request_id', ids).update({
    email: null,
    first_name: null,
    last_name: null,
    phone: null,
    media_url: null,
  });
  await scrubIdentifiers(trx, identifiers, context.deps.i18n);
  await eraseFiledRequests(trx, ids, context);
  await trx.raw("SELECT pg_notify('work_changed', 'open311_reporters')");
}
