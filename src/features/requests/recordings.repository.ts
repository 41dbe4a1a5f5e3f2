import type { Conn } from '../../db/knex.ts';

export type RecordingType = 'audio/wav' | 'audio/mpeg';

export interface RecordingRow {
  id: number;
  request_id: number;
  recording_sid: string;
  duration_seconds: number;
  stored_name: string | null;
  content_type: RecordingType | null;
  size: number | null;
  attempts: number;
  fetched_at: Date | null;
  failed_at: Date | null;
}

/** The recording a phone request was filed with, still to be fetched. */
export async function insertPendingRecording(
  conn: Conn,
  row: { request_id: number; recording_sid: string; duration_seconds: number },
): Promise<void> {
  await conn('request_recordings').insert(row);
}

export async function findRecordingOf(
  conn: Conn,
  requestId: number,
): Promise<RecordingRow | undefined> {
  return (await conn('request_recordings').where({ request_id: requestId }).first()) as
    RecordingRow | undefined;
}

export interface FiledByRecording {
  id: number;
  year: number;
  number: number;
  user_id: number | null;
  due_date: string;
}

/** The reference and filer of the request a recording filed (a provider's retry finds it). */
export async function findRequestOfRecording(
  conn: Conn,
  recordingSid: string,
): Promise<FiledByRecording | undefined> {
  return (await conn('request_recordings as rr')
    .join('requests as r', 'r.id', 'rr.request_id')
    .where('rr.recording_sid', recordingSid)
    .first('r.id', 'r.year', 'r.number', 'r.user_id', 'r.due_date')) as
    FiledByRecording | undefined;
}

/**
 * Counts a try at fetching the recording, if it is still to be fetched (not fetched, not given
 * up on): its tries so far, or undefined when there is nothing to do.
 */
export async function countFetchAttempt(
  conn: Conn,
  requestId: number,
  recordingSid: string,
): Promise<number | undefined> {
  const [row] = (await conn('request_recordings')
    .where({ request_id: requestId, recording_sid: recordingSid })
    .whereNull('fetched_at')
    .whereNull('failed_at')
    .increment('attempts', 1)
    .returning('attempts')) as { attempts: number }[];
  return row?.attempts;
}

/** Keeps where the fetched recording is stored; false if it was stored already (or is gone). */
export async function markFetched(
  conn: Conn,
  requestId: number,
  recordingSid: string,
  file: { stored_name: string; content_type: RecordingType; size: number },
): Promise<boolean> {
  const changed = await conn('request_recordings')
    .where({ request_id: requestId, recording_sid: recordingSid })
    .whereNull('fetched_at')
    .update({ ...file, fetched_at: conn.fn.now(), failed_at: null });
  return changed > 0;
}

export async function markFailed(
  conn: Conn,
  requestId: number,
  recordingSid: string,
): Promise<void> {
  await conn('request_recordings')
    .where({ request_id: requestId, recording_sid: recordingSid })
    .whereNull('fetched_at')
    .update({ failed_at: conn.fn.now() });
}

/**
 * Deletes up to `limit` recordings whose request closed before `cutoff` (a merged duplicate's
 * when its original closed), fetched or not; returns their stored files' names (null: none).
 */
export async function deleteRecordingsClosedBefore(
  conn: Conn,
  cutoff: Date,
  limit: number,
): Promise<(string | null)[]> {
  const result = (await conn.raw(
    `DELETE FROM request_recordings WHERE id IN (
       SELECT rr.id FROM request_recordings rr
         JOIN requests r ON r.id = rr.request_id
         LEFT JOIN requests o ON o.id = r.merged_into
        WHERE CASE WHEN r.status = 'merged' THEN o.status = 'closed' AND o.closed_at < :cutoff
                   ELSE r.status = 'closed' AND r.closed_at < :cutoff END
        ORDER BY rr.id LIMIT :limit
        FOR UPDATE OF rr SKIP LOCKED)
     RETURNING stored_name`,
    { cutoff, limit },
  )) as { rows: { stored_name: string | null }[] };
  return result.rows.map((row) => row.stored_name);
}
