import type { Knex } from 'knex';
import type { Person } from '../module.ts';

interface AccessRow {
  notice_number: string;
  first_seen_at: Date;
}

interface ObjectionExportRow {
  id: number;
  notice_number: string;
  capacity: string;
  driver_afm: string | null;
  text: string;
  status: string;
  decision_reason: string | null;
  decided_at: Date | null;
  created_at: Date;
}

/** The fines the person looked up, and their objections with their files' names. */
export async function exportFines(person: Person, conn: Knex): Promise<Record<string, unknown>> {
  const looked = (await conn('fine_access as a')
    .join('fines as f', 'f.id', 'a.fine_id')
    .where('a.user_id', person.userId)
    .orderBy('a.first_seen_at')
    .select('f.notice_number', 'a.first_seen_at')) as AccessRow[];
  const objections = (await conn('fine_objections as o')
    .join('fines as f', 'f.id', 'o.fine_id')
    .where('o.user_id', person.userId)
    .orderBy('o.created_at')
    .select('o.*', 'f.notice_number')) as ObjectionExportRow[];
  const files = (await conn('fine_objection_files')
    .whereIn(
      'objection_id',
      objections.map((o) => o.id),
    )
    .orderBy('id')
    .select('objection_id', 'file_name', 'media_type', 'bytes')) as {
    objection_id: number;
    file_name: string;
    media_type: string;
    bytes: number;
  }[];
  return {
    finesLookedUp: looked.map((row) => ({
      noticeNumber: row.notice_number,
      firstLookedUpAt: row.first_seen_at.toISOString(),
    })),
    fineObjections: objections.map((row) => ({
      noticeNumber: row.notice_number,
      submittedAt: row.created_at.toISOString(),
      capacity: row.capacity,
      driverAfm: row.driver_afm,
      text: row.text,
      status: row.status,
      decisionReason: row.decision_reason,
      decidedAt: row.decided_at?.toISOString() ?? null,
      files: files
        .filter((file) => file.objection_id === row.id)
        .map((file) => ({ name: file.file_name, type: file.media_type, bytes: file.bytes })),
    })),
  };
}

/**
 * Forgets which fines the person looked up. Their objections stay with the finance office as the
 * record of an administrative appeal and its decision, no longer linked to the account.
 */
export async function eraseFines(person: Person, trx: Knex.Transaction): Promise<void> {
  await trx('fine_access').where('user_id', person.userId).delete();
  await trx('fine_objections').where('user_id', person.userId).update({ user_id: null });
}
