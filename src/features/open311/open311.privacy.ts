import type { Knex } from 'knex';
import type { Person } from '../module.ts';
import { formatReference } from '../requests/reference.ts';

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
 * Erases the person's contact details from their reports (email, names, phone, photo link) and
 * their status links (no more mails, no old link opens a page); the requests stay, as the
 * department's case records, with no one's details. In the caller's transaction; the kept Open311
 * answers (a read-all key sees media_url) are dropped when it commits (NOTIFY work_changed).
 */
export async function eraseOpen311(person: Person, trx: Knex.Transaction): Promise<void> {
  const ids = (await reportsOf(trx, person).pluck('o.request_id')) as number[];
  if (!ids.length) return;
  await trx('open311_status_links').whereIn('request_id', ids).delete();
  await trx('open311_reporters').whereIn('request_id', ids).update({
    email: null,
    first_name: null,
    last_name: null,
    phone: null,
    media_url: null,
  });
  await trx.raw("SELECT pg_notify('work_changed', 'open311_reporters')");
}
