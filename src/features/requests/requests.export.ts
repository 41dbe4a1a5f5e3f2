import type { Knex } from 'knex';
import type { Localized } from '../../lib/localized.ts';
import type { ExportedFile, Person } from '../module.ts';
import { followedRequests } from './followed.export.ts';
import { formatReference } from './reference.ts';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

interface FiledRow {
  id: number;
  year: number;
  number: number;
  kind: string;
  channel: string;
  category_slug: string;
  category_name: Localized;
  department_name: Localized;
  title: string | null;
  description: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  status: string;
  public: boolean;
  show_name: boolean;
  lang: string;
  due_date: string;
  created_at: Date;
  closed_at: Date | null;
  merged_year: number | null;
  merged_number: number | null;
}

interface EventRow {
  request_id: number;
  kind: string;
  status: string | null;
  by_citizen: boolean;
  public_note: string | null;
  created_at: Date;
}

const filedBy = (conn: Knex, person: Person) =>
  conn('requests as r')
    .join('request_categories as c', 'c.id', 'r.category_id')
    .where('r.user_id', person.userId);

/** The requests the person filed, oldest first (the export and its files number them alike). */
async function filedRequests(conn: Knex, person: Person): Promise<FiledRow[]> {
  return (await filedBy(conn, person)
    .join('departments as d', 'd.id', 'r.department_id')
    .leftJoin('requests as m', 'm.id', 'r.merged_into')
    .orderBy('r.id')
    .select(
      'r.id',
      'r.year',
      'r.number',
      'r.kind',
      'r.channel',
      'c.slug as category_slug',
      'c.name as category_name',
      'd.name as department_name',
      'r.title',
      'r.description',
      'r.address',
      'r.lat',
      'r.lng',
      'r.status',
      'r.public',
      'r.show_name',
      'r.lang',
      'r.due_date',
      'r.created_at',
      'r.closed_at',
      'm.year as merged_year',
      'm.number as merged_number',
    )) as FiledRow[];
}

const photosOf = (conn: Knex, ids: number[]) =>
  conn('request_photos')
    .whereIn('request_id', ids)
    .orderBy('id')
    .select('id', 'request_id', 'file', 'width', 'height', 'created_at', 'approved_at') as Promise<
    {
      id: number;
      request_id: number;
      file: string;
      width: number;
      height: number;
      created_at: Date;
      approved_at: Date | null;
    }[]
  >;

/** The documents the citizen sees on their request: the public ones (internal ones are staff's). */
const documentsOf = (conn: Knex, ids: number[]) =>
  conn('request_documents')
    .whereIn('request_id', ids)
    .where({ public: true })
    .orderBy('id')
    .select('id', 'request_id', 'stored_name', 'original_name', 'size', 'created_at') as Promise<
    {
      id: number;
      request_id: number;
      stored_name: string;
      original_name: string;
      size: number;
      created_at: Date;
    }[]
  >;

/** Names in the download: `<reference>/photo-1.jpg`, `<reference>/document-1.pdf`. */
function numbered<T extends { request_id: number }>(rows: T[], ref: Map<number, string>) {
  const counts = new Map<number, number>();
  return rows.map((row) => {
    const n = (counts.get(row.request_id) ?? 0) + 1;
    counts.set(row.request_id, n);
    return { row, n, reference: ref.get(row.request_id)! };
  });
}

/**
 * What the requests module holds about the person: the requests they filed, each with its whole
 * public timeline (their own comments and the department's public notes; never an internal note
 * or a member of staff's name), its photos and public documents (the files are beside it), and
 * the requests they follow, with only what a follower sees of another citizen's request: its
 * public facts, never its filer's name, words or contact. Their recordings are in phone.json.
 */
export async function exportRequests(person: Person, conn: Knex): Promise<Record<string, unknown>> {
  const filed = await filedRequests(conn, person);
  const ids = filed.map((row) => row.id);
  const ref = new Map(filed.map((row) => [row.id, formatReference(row).url]));
  const [events, photos, documents] = await Promise.all([
    conn('request_events')
      .whereIn('request_id', ids)
      .whereNot('kind', 'visibility')
      .orderBy('id')
      .select('request_id', 'kind', 'status', 'by_citizen', 'public_note', 'created_at') as Promise<
      EventRow[]
    >,
    photosOf(conn, ids),
    documentsOf(conn, ids),
  ]);
  const photoList = numbered(photos, ref);
  const documentList = numbered(documents, ref);
  return {
    requestsFiled: filed.map((row) => ({
      reference: ref.get(row.id),
      kind: row.kind,
      channel: row.channel,
      category: { slug: row.category_slug, ...row.category_name },
      department: row.department_name,
      title: row.title,
      description: row.description,
      address: row.address,
      lat: row.lat,
      lng: row.lng,
      status: row.status,
      mergedInto:
        row.merged_year !== null
          ? formatReference({ year: row.merged_year, number: row.merged_number! }).url
          : null,
      madePublicByTheDepartment: row.public,
      nameShownIfPublic: row.show_name,
      language: row.lang,
      filedAt: iso(row.created_at),
      dueDate: row.due_date,
      closedAt: iso(row.closed_at),
      timeline: events
        .filter((event) => event.request_id === row.id)
        .map((event) => ({
          what: event.kind,
          status: event.status,
          byYou: event.by_citizen,
          note: event.public_note,
          at: iso(event.created_at),
        })),
      photos: photoList
        .filter((photo) => photo.row.request_id === row.id)
        .map(({ row: photo, n }) => ({
          file: `${ref.get(row.id)}/photo-${n}.jpg`,
          width: photo.width,
          height: photo.height,
          addedAt: iso(photo.created_at),
          approvedForThePublicList: photo.approved_at !== null,
        })),
      documents: documentList
        .filter((document) => document.row.request_id === row.id)
        .map(({ row: document, n }) => ({
          file: `${ref.get(row.id)}/document-${n}.pdf`,
          name: document.original_name,
          bytes: document.size,
          attachedAt: iso(document.created_at),
        })),
    })),
    requestsFollowed: await followedRequests(conn, person),
  };
}

/** The photos and public documents of the requests the person filed, named as in requests.json. */
export async function exportRequestFiles(person: Person, conn: Knex): Promise<ExportedFile[]> {
  const filed = (await filedBy(conn, person)
    .orderBy('r.id')
    .select('r.id', 'r.year', 'r.number')) as { id: number; year: number; number: number }[];
  const ids = filed.map((row) => row.id);
  const ref = new Map(filed.map((row) => [row.id, formatReference(row).url]));
  const [photos, documents] = await Promise.all([photosOf(conn, ids), documentsOf(conn, ids)]);
  return [
    ...numbered(photos, ref).map(({ row, n, reference }) => ({
      path: `${reference}/photo-${n}.jpg`,
      documentKey: row.file,
    })),
    ...numbered(documents, ref).map(({ row, n, reference }) => ({
      path: `${reference}/document-${n}.pdf`,
      documentKey: row.stored_name,
    })),
  ];
}
