import type { Knex } from 'knex';
import type { Localized } from '../../lib/localized.ts';
import type { Person } from '../module.ts';
import { PUBLIC_AREA_SQL } from './public-location.ts';
import { formatReference } from './reference.ts';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/**
 * The requests the person follows (not theirs): reference, category, status and dates, and the
 * department's public notes; a title and area only if the request is public.
 */
export async function followedRequests(conn: Knex, person: Person) {
  const rows = (await conn('request_followers as f')
    .join('requests as r', 'r.id', 'f.request_id')
    .join('request_categories as c', 'c.id', 'r.category_id')
    .where('f.user_id', person.userId)
    .where((q) => q.whereNull('r.user_id').orWhereNot('r.user_id', person.userId))
    .orderBy('f.created_at')
    .select(
      'r.id',
      'r.year',
      'r.number',
      'c.slug as category_slug',
      'c.name as category_name',
      'r.status',
      'r.created_at',
      'r.closed_at',
      'f.created_at as followed_at',
      conn.raw('CASE WHEN r.public AND c.may_be_public THEN r.title END AS title'),
      conn.raw(`CASE WHEN r.public AND c.may_be_public THEN ${PUBLIC_AREA_SQL} END AS area`),
    )) as {
    id: number;
    year: number;
    number: number;
    category_slug: string;
    category_name: Localized;
    status: string;
    created_at: Date;
    closed_at: Date | null;
    followed_at: Date;
    title: string | null;
    area: string | null;
  }[];
  const notes = (await conn('request_events')
    .whereIn(
      'request_id',
      rows.map((row) => row.id),
    )
    .where({ by_citizen: false })
    .whereNotNull('public_note')
    .orderBy('id')
    .select('request_id', 'kind', 'public_note', 'created_at')) as {
    request_id: number;
    kind: string;
    public_note: string;
    created_at: Date;
  }[];
  return rows.map((row) => ({
    reference: formatReference(row).url,
    category: { slug: row.category_slug, ...row.category_name },
    title: row.title,
    area: row.area,
    status: row.status,
    filedAt: iso(row.created_at),
    closedAt: iso(row.closed_at),
    followingSince: iso(row.followed_at),
    departmentNotes: notes
      .filter((note) => note.request_id === row.id)
      .map((note) => ({ what: note.kind, note: note.public_note, at: iso(note.created_at) })),
  }));
}
