import type { Conn } from '../../../db/knex.ts';
import type { Localized } from '../../../lib/localized.ts';
import type { RequestRow } from '../requests.repository.ts';

/** A request as its handler sees it: with the citizen, the category, the department and the assignee. */
export interface HandledRequest extends RequestRow {
  assignee_id: number | null;
  merged_into: number | null;
  public: boolean;
  category_name: Localized;
  may_be_public: boolean;
  department_name: Localized;
  citizen_name: string | null;
  citizen_email: string | null;
  /** The language the citizen reads (their account's; the request's when filed without one). */
  citizen_lang: 'el' | 'en';
  assignee_name: string | null;
}

/** Whether the handler belongs to the request's department (the condition of every staff query here). */
const inHandlersDepartments = (userId: number) => (q: import('knex').Knex.QueryBuilder) =>
  q
    .select(1)
    .from('department_handlers as h')
    .whereRaw('h.department_id = r.department_id')
    .where('h.user_id', userId);

/**
 * A request by its reference, only if the handler belongs to its department; `lock`: in a
 * transaction, the row is locked until it ends (two handlers acting at once wait for each other).
 */
export async function findForHandler(
  conn: Conn,
  ref: { year: number; number: number },
  userId: number,
  options: { lock?: boolean } = {},
): Promise<HandledRequest | undefined> {
  const query = conn('requests as r')
    .join('request_categories as c', 'c.id', 'r.category_id')
    .join('departments as d', 'd.id', 'r.department_id')
    .leftJoin('users as u', 'u.id', 'r.user_id')
    .leftJoin('users as a', 'a.id', 'r.assignee_id')
    .where({ 'r.year': ref.year, 'r.number': ref.number })
    .whereExists(inHandlersDepartments(userId))
    .first(
      'r.*',
      'c.name as category_name',
      'c.may_be_public',
      'd.name as department_name',
      'u.full_name as citizen_name',
      'u.email as citizen_email',
      conn.raw('COALESCE(u.lang, r.lang) AS citizen_lang'),
      'a.full_name as assignee_name',
    );
  if (options.lock) void query.forUpdate('r');
  return (await query) as HandledRequest | undefined;
}

export interface StaffEventRow {
  id: number | null;
  kind: string;
  status: string | null;
  by_citizen: boolean;
  public_note: string | null;
  internal_note: string | null;
  actor_name: string | null;
  created_at: Date;
  /** A document's entry: the document (public ones have an event; internal ones only this). */
  document_id: number | null;
  document_name: string | null;
  document_public: boolean | null;
}

/**
 * The whole timeline, internal notes and internal documents included, with who did each thing
 * (staff only), in the order things happened.
 */
export async function listStaffEvents(conn: Conn, requestId: number): Promise<StaffEventRow[]> {
  const result = (await conn.raw(
    `SELECT e.id, e.kind, e.status, e.by_citizen, e.public_note, e.internal_note, e.created_at,
            u.full_name AS actor_name,
            d.id AS document_id, d.original_name AS document_name, d.public AS document_public
       FROM request_events e
       LEFT JOIN users u ON u.id = e.actor_id
       LEFT JOIN request_documents d ON d.event_id = e.id
      WHERE e.request_id = ?
     UNION ALL
     SELECT NULL, 'document', NULL, false, NULL, NULL, d.created_at,
            u.full_name, d.id, d.original_name, d.public
       FROM request_documents d
       LEFT JOIN users u ON u.id = d.uploaded_by
      WHERE d.request_id = ? AND d.event_id IS NULL
      ORDER BY created_at, id NULLS LAST, document_id`,
    [requestId, requestId],
  )) as { rows: StaffEventRow[] };
  return result.rows;
}

export async function updateRequest(
  conn: Conn,
  id: number,
  patch: Partial<
    Pick<
      HandledRequest,
      | 'status'
      | 'assignee_id'
      | 'merged_into'
      | 'category_id'
      | 'department_id'
      | 'public'
      | 'closed_at'
      | 'title'
      | 'address'
      | 'lat'
      | 'lng'
    >
  >,
): Promise<void> {
  await conn('requests')
    .where({ id })
    .update({ ...patch, updated_at: conn.fn.now() });
}

/** Everyone following one request follows another too (a duplicate's people follow its original). */
export async function copyFollowers(
  conn: Conn,
  fromRequestId: number,
  toRequestId: number,
  citizenId: number | null,
): Promise<void> {
  await conn.raw(
    `INSERT INTO request_followers (request_id, user_id)
     SELECT ?::bigint, user_id FROM request_followers WHERE request_id = ?
     UNION SELECT ?::bigint, ?::integer WHERE ?::integer IS NOT NULL
     ON CONFLICT DO NOTHING`,
    [toRequestId, fromRequestId, toRequestId, citizenId, citizenId],
  );
  // The original's own citizen does not follow it: they filed it.
  await conn('request_followers')
    .where({ request_id: toRequestId })
    .whereIn(
      'user_id',
      conn('requests').where({ id: toRequestId }).whereNotNull('user_id').select('user_id'),
    )
    .delete();
}

/**
 * Active categories with their departments (the move form), in the municipality's order;
 * `alsoId`: that one too, active or not (the category a reply template already has).
 */
export async function listCategoriesWithDepartments(
  conn: Conn,
  options: { alsoId?: number | null } = {},
): Promise<{ id: number; name: Localized; department_id: number; department_name: Localized }[]> {
  return (await conn('request_categories as c')
    .join('departments as d', 'd.id', 'c.department_id')
    .where((q) => q.where('c.active', true).orWhere('c.id', options.alsoId ?? 0))
    .orderBy(['d.position', 'd.id', 'c.position', 'c.id'])
    .select('c.id', 'c.name', 'c.department_id', 'd.name as department_name')) as {
    id: number;
    name: Localized;
    department_id: number;
    department_name: Localized;
  }[];
}

/** The year and number of the original a duplicate was merged into. */
export async function findMergedInto(
  conn: Conn,
  id: number,
): Promise<{ year: number; number: number } | undefined> {
  return (await conn('requests').where({ id }).first('year', 'number')) as
    { year: number; number: number } | undefined;
}
