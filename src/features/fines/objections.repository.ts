import type { Conn } from '../../db/knex.ts';

export type ObjectionStatus = 'submitted' | 'accepted' | 'rejected';

export interface ObjectionRow {
  id: number;
  fine_id: number;
  user_id: number | null;
  capacity: 'owner' | 'driver';
  driver_afm: string | null;
  text: string;
  status: ObjectionStatus;
  decision_reason: string | null;
  decided_at: Date | null;
  created_at: Date;
}

export interface ObjectionFileRow {
  id: number;
  objection_id: number;
  storage_key: string;
  file_name: string;
  media_type: 'application/pdf' | 'image/jpeg' | 'image/png';
  bytes: number;
}

export async function insertObjection(
  conn: Conn,
  row: Pick<ObjectionRow, 'fine_id' | 'user_id' | 'capacity' | 'driver_afm' | 'text'> & {
    created_at: Date;
  },
): Promise<number> {
  const [inserted] = (await conn('fine_objections').insert(row).returning('id')) as {
    id: number;
  }[];
  return inserted!.id;
}

export async function insertObjectionFiles(
  conn: Conn,
  objectionId: number,
  files: readonly Pick<ObjectionFileRow, 'storage_key' | 'file_name' | 'media_type' | 'bytes'>[],
): Promise<void> {
  if (files.length)
    await conn('fine_objection_files').insert(
      files.map((file) => ({ ...file, objection_id: objectionId })),
    );
}

/** The citizen's own objections to a fine, newest first. */
export async function listOwnObjections(
  conn: Conn,
  fineId: number,
  userId: number,
): Promise<ObjectionRow[]> {
  return (await conn('fine_objections')
    .where({ fine_id: fineId, user_id: userId })
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')) as ObjectionRow[];
}

export interface QueueRow extends ObjectionRow {
  notice_number: string;
  full_name: string | null;
  /** The rule's deadline as termsOf computes it: the offence's Athens day + objection_days. */
  objection_deadline: string | null;
}

/** The finance office's queue: oldest first, with the fine's notice number and who objected. */
export async function listQueue(
  conn: Conn,
  status: ObjectionStatus | 'all',
  limit: number,
): Promise<QueueRow[]> {
  const query = conn('fine_objections as o')
    .join('fines as f', 'f.id', 'o.fine_id')
    .leftJoin('users as u', 'u.id', 'o.user_id')
    .joinRaw(
      `LEFT JOIN LATERAL (SELECT r.objection_days FROM fine_rules r
         WHERE r.effective_from <= (f.offence_at AT TIME ZONE 'Europe/Athens')::date
         ORDER BY r.effective_from DESC LIMIT 1) rule ON true`,
    )
    .select(
      'o.*',
      'f.notice_number',
      'u.full_name',
      conn.raw(`to_char((f.offence_at AT TIME ZONE 'Europe/Athens')::date + rule.objection_days,
        'YYYY-MM-DD') AS objection_deadline`),
    )
    .orderBy('o.created_at', 'asc')
    .orderBy('o.id', 'asc')
    .limit(limit);
  if (status !== 'all') query.where('o.status', status);
  return (await query) as QueueRow[];
}

export interface StaffObjectionRow extends ObjectionRow {
  full_name: string | null;
  email: string | null;
  decided_by_name: string | null;
}

export async function findObjection(
  conn: Conn,
  id: number,
): Promise<StaffObjectionRow | undefined> {
  return (await conn('fine_objections as o')
    .leftJoin('users as u', 'u.id', 'o.user_id')
    .leftJoin('users as d', 'd.id', 'o.decided_by')
    .select('o.*', 'u.full_name', 'u.email', 'd.full_name as decided_by_name')
    .where('o.id', id)
    .first()) as StaffObjectionRow | undefined;
}

export async function listFiles(conn: Conn, objectionId: number): Promise<ObjectionFileRow[]> {
  return (await conn('fine_objection_files')
    .where('objection_id', objectionId)
    .orderBy('id')) as ObjectionFileRow[];
}

export async function findFile(
  conn: Conn,
  objectionId: number,
  fileId: number,
): Promise<ObjectionFileRow | undefined> {
  return (await conn('fine_objection_files')
    .where({ objection_id: objectionId, id: fileId })
    .first()) as ObjectionFileRow | undefined;
}

/** Records the decision on a submitted objection; false when it was decided meanwhile. */
export async function decideObjection(
  conn: Conn,
  id: number,
  decision: { status: 'accepted' | 'rejected'; reason: string; by: number; at: Date },
): Promise<boolean> {
  const count = await conn('fine_objections').where({ id, status: 'submitted' }).update({
    status: decision.status,
    decision_reason: decision.reason,
    decided_by: decision.by,
    decided_at: decision.at,
  });
  return count === 1;
}
