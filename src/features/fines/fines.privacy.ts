import type { Knex } from 'knex';
import { asStored, ownAfms, plainFileName } from '../identity/personal-data.ts';
import type { ExportedFile, Person } from '../module.ts';

/** What the fine's page shows of it (never its owner's AFM: the owner may be someone else). */
const FINE_FACTS = [
  'f.notice_number',
  'f.plate',
  'f.offence_at',
  'f.place',
  'f.article',
  'f.description',
  'f.amount_cents',
  'f.reduced_amount_cents',
  'f.reduction_deadline',
  'f.due_date',
  'f.status',
  'f.paid_cents',
  'f.rf',
];

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

/**
 * The fines the person has seen: those they looked up (and when), and those of which an AFM the
 * account holds as its own is the owner (listed at /fines for a verified owner); and their
 * objections with their files' names.
 */
export async function exportFines(person: Person, conn: Knex): Promise<Record<string, unknown>> {
  const looked = (await conn('fine_access as a')
    .join('fines as f', 'f.id', 'a.fine_id')
    .where('a.user_id', person.userId)
    .orderBy('a.first_seen_at')
    .select(...FINE_FACTS, 'a.first_seen_at')) as Record<string, unknown>[];
  const afms = await ownAfms(conn, person);
  const owned = afms.length
    ? ((await conn('fines as f')
        .whereIn('f.owner_afm', afms)
        .orderBy('f.offence_at')
        .select(...FINE_FACTS)) as Record<string, unknown>[])
    : [];
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
    finesLookedUp: looked.map(({ first_seen_at: seen, ...fine }) => ({
      noticeNumber: fine.notice_number,
      firstLookedUpAt: (seen as Date).toISOString(),
      fine: asStored(fine),
    })),
    finesAsOwner: owned.map(asStored),
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

/** The files the person attached to their objections. */
export async function exportFineFiles(person: Person, conn: Knex): Promise<ExportedFile[]> {
  const files = (await conn('fine_objection_files as file')
    .join('fine_objections as o', 'o.id', 'file.objection_id')
    .join('fines as f', 'f.id', 'o.fine_id')
    .where('o.user_id', person.userId)
    .orderBy('file.id')
    .select('file.id', 'file.storage_key', 'file.file_name', 'f.notice_number')) as {
    id: number;
    storage_key: string;
    file_name: string;
    notice_number: string;
  }[];
  return files.map((file) => ({
    path: `${plainFileName(file.notice_number)}/${file.id}-${plainFileName(file.file_name)}`,
    documentKey: file.storage_key,
  }));
}
