import type { Conn } from '../../../db/knex.ts';
import type {
  ApplicationRow,
  ApplicationStatus,
  CertificateTypeRow,
} from '../certificates.repository.ts';

/** A row of the clerk's lists: the application, its type's names, who asked, and the certificate. */
export interface QueueRow {
  id: number;
  reference: string;
  type_code: string;
  name_el: string;
  name_en: string;
  subject_name: string;
  applicant_name: string | null;
  created_at: Date;
  deadline: string;
  status: ApplicationStatus;
  delivery: ApplicationRow['delivery'];
  delivery_state: ApplicationRow['delivery_state'];
  issued_at: Date | null;
}

export type OpenStatus = 'submitted' | 'in_progress';

const QUEUE_LIMIT = 500;

function listQuery(db: Conn, typeCode: string | undefined) {
  const query = db('certificate_applications as a')
    .join('certificate_types as t', 't.code', 'a.type_code')
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .leftJoin('certificates as c', 'c.application_id', 'a.id')
    .select<QueueRow[]>(
      'a.id',
      'a.reference',
      'a.type_code',
      't.name_el',
      't.name_en',
      'a.subject_name',
      'u.full_name as applicant_name',
      'a.created_at',
      'a.deadline',
      'a.status',
      'a.delivery',
      'a.delivery_state',
      'c.issued_at',
    )
    .limit(QUEUE_LIMIT);
  if (typeCode) void query.where('a.type_code', typeCode);
  return query;
}

/** The applications still to be handled (submitted, in progress), the nearest deadline first. */
export async function listOpen(
  db: Conn,
  filters: { status?: OpenStatus; typeCode?: string },
): Promise<QueueRow[]> {
  return listQuery(db, filters.typeCode)
    .whereIn('a.status', filters.status ? [filters.status] : ['submitted', 'in_progress'])
    .orderBy([{ column: 'a.deadline' }, { column: 'a.id' }]);
}

/**
 * Issued certificates still on their way: by post and not yet posted, for pick-up and not yet
 * handed over (a revoked one is not delivered). The longest waiting first.
 */
export async function listToDeliver(db: Conn, filters: { typeCode?: string }): Promise<QueueRow[]> {
  return listQuery(db, filters.typeCode)
    .where('a.status', 'issued')
    .whereNull('c.revoked_at')
    .where((q) =>
      q
        .where((post) => post.where('a.delivery', 'post').whereNull('a.delivery_state'))
        .orWhere((pickup) =>
          pickup
            .where('a.delivery', 'pickup')
            .where((state) =>
              state.whereNull('a.delivery_state').orWhere('a.delivery_state', 'ready_for_pickup'),
            ),
        ),
    )
    .orderBy([{ column: 'c.issued_at' }, { column: 'a.id' }]);
}

/** How many wait in each list (for the tabs). */
export async function countLists(db: Conn): Promise<{ open: number; deliver: number }> {
  const { rows } = await db.raw<{ rows: { open: number; deliver: number }[] }>(
    `SELECT count(*) FILTER (WHERE a.status IN ('submitted', 'in_progress'))::int AS open,
            count(*) FILTER (WHERE a.status = 'issued' AND c.revoked_at IS NULL AND (
              (a.delivery = 'post' AND a.delivery_state IS NULL) OR
              (a.delivery = 'pickup' AND coalesce(a.delivery_state, 'ready_for_pickup') = 'ready_for_pickup')
            ))::int AS deliver
       FROM certificate_applications a LEFT JOIN certificates c ON c.application_id = a.id
      WHERE a.status IN ('submitted', 'in_progress', 'issued')`,
  );
  return rows[0] ?? { open: 0, deliver: 0 };
}

/** The types for the filter, in the catalogue's order. */
export async function typeChoices(db: Conn) {
  return db<CertificateTypeRow>('certificate_types')
    .orderBy([{ column: 'position' }, { column: 'code' }])
    .select('code', 'name_el', 'name_en');
}

/** An application's people: the applicant's account, the clerk handling it, the holder on the roll. */
export async function applicationPeople(db: Conn, application: ApplicationRow) {
  const applicant = application.user_id
    ? await db('users')
        .where({ id: application.user_id })
        .first<{ full_name: string; email: string; afm: string | null } | undefined>(
          'full_name',
          'email',
          'afm',
        )
    : undefined;
  const handler = application.handled_by
    ? await db('users')
        .where({ id: application.handled_by })
        .first<{ full_name: string } | undefined>('full_name')
    : undefined;
  const subject = application.subject_person_id
    ? await db('roll_persons')
        .where({ id: application.subject_person_id })
        .first<{ relation: string; afm: string | null } | undefined>('relation', 'afm')
    : undefined;
  return { applicant, handlerName: handler?.full_name ?? null, subject };
}

/** The application's timeline with who did each step (a clerk's name; the citizen as such). */
export async function timelineOf(db: Conn, applicationId: number) {
  return db('certificate_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .where('e.application_id', applicationId)
    .orderBy('e.id')
    .select<
      {
        kind: string;
        note: string | null;
        at: Date;
        actor_id: number | null;
        actor_name: string | null;
      }[]
    >('e.kind', 'e.note', 'e.at', 'e.actor_id', 'u.full_name as actor_name');
}

/** Names of the clerks who issued or revoked a certificate. */
export async function nameOf(db: Conn, userId: number | null): Promise<string | null> {
  if (!userId) return null;
  const row = await db('users')
    .where({ id: userId })
    .first<{ full_name: string } | undefined>('full_name');
  return row?.full_name ?? null;
}
