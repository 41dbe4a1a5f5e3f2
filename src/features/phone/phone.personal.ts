import type { Knex } from 'knex';
import type { Deps } from '../../deps.ts';
import type { ExportedFile, Person } from '../module.ts';
import { deleteRecordingsClosedBefore } from '../requests/recordings.repository.ts';
import { formatReference } from '../requests/reference.ts';
import { readSetting } from '../settings/settings.ts';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** The person's numbers: the one given (the account's, as the deletion reads it) and the account's. */
async function numbersOf(conn: Knex | Knex.Transaction, person: Person): Promise<string[]> {
  const account = (await conn('users').where({ id: person.userId }).first('phone_e164')) as
    { phone_e164: string | null } | undefined;
  return [...new Set([person.phone, account?.phone_e164].filter((n): n is string => !!n))];
}

/** Their calls: signed in to their account, or made from their number. */
function callsOf(conn: Knex | Knex.Transaction, person: Person, numbers: string[]) {
  return conn('phone_calls').where((query) => {
    query.where('user_id', person.userId);
    if (numbers.length) query.orWhereIn('caller_e164', numbers);
  });
}

interface RecordingRow {
  year: number;
  number: number;
  duration_seconds: number;
  stored_name: string | null;
  content_type: string | null;
  created_at: Date;
  failed_at: Date | null;
}

/** The recordings of the requests the person filed by phone (kept with the requests). */
const recordingsOf = (conn: Knex, person: Person) =>
  conn('request_recordings as rr')
    .join('requests as r', 'r.id', 'rr.request_id')
    .where('r.user_id', person.userId)
    .orderBy('rr.id')
    .select(
      'r.year',
      'r.number',
      'rr.duration_seconds',
      'rr.stored_name',
      'rr.content_type',
      'rr.created_at',
      'rr.failed_at',
    ) as Promise<RecordingRow[]>;

const recordingFile = (row: RecordingRow) =>
  `${formatReference(row).url}/recording.${row.content_type === 'audio/mpeg' ? 'mp3' : 'wav'}`;

/**
 * What the phone line holds about the person: their calls as the call log has them (never a
 * call's working state, which is emptied when it ends) and the recordings they left with
 * requests (the files are beside it).
 */
export async function exportPhone(person: Person, conn: Knex): Promise<Record<string, unknown>> {
  const calls = (await callsOf(conn, person, await numbersOf(conn, person))
    .orderBy('started_at')
    .select(
      'started_at',
      'ended_at',
      'duration_seconds',
      'caller_e164',
      'user_id',
      'lang',
      'menus',
      'outcomes',
    )) as {
    started_at: Date;
    ended_at: Date | null;
    duration_seconds: number | null;
    caller_e164: string | null;
    user_id: number | null;
    lang: string;
    menus: string[];
    outcomes: string[];
  }[];
  const recordings = await recordingsOf(conn, person);
  return {
    calls: calls.map((call) => ({
      startedAt: iso(call.started_at),
      endedAt: iso(call.ended_at),
      durationSeconds: call.duration_seconds,
      callerNumber: call.caller_e164,
      signedInToYourAccount: call.user_id === person.userId,
      language: call.lang,
      menus: call.menus,
      outcomes: call.outcomes,
    })),
    recordings: recordings.map((row) => ({
      request: formatReference(row).url,
      recordedAt: iso(row.created_at),
      durationSeconds: row.duration_seconds,
      file: row.stored_name ? recordingFile(row) : null,
      state: row.stored_name ? 'kept' : row.failed_at ? 'not fetched' : 'being fetched',
    })),
  };
}

/** The recordings' audio, named as in phone.json: `<reference>/recording.wav`. */
export async function exportPhoneFiles(person: Person, conn: Knex): Promise<ExportedFile[]> {
  return (await recordingsOf(conn, person))
    .filter((row) => row.stored_name)
    .map((row) => ({ path: recordingFile(row), documentKey: row.stored_name! }));
}

/**
 * Erasure: the person's calls go from the call log (signed in to their account or made from their
 * number). Their recordings go with their requests' erasure (requests.erasure.ts).
 */
export async function erasePhone(person: Person, trx: Knex.Transaction): Promise<void> {
  await callsOf(trx, person, await numbersOf(trx, person)).delete();
}

const RECORDINGS_BATCH = 200;

/**
 * The rule phone.forget-recordings: a phone request's recording is deleted `phone.recordingDays`
 * days after its request closed, row and file, a batch at a time (each batch's files once its
 * rows are gone). Returns how many recordings.
 */
export async function forgetOldRecordings(deps: Deps): Promise<number> {
  const days = await readSetting(deps, 'phone.recordingDays');
  const cutoff = new Date(deps.clock.now().getTime() - days * 86_400_000);
  let deleted = 0;
  for (;;) {
    const files = await deleteRecordingsClosedBefore(deps.db, cutoff, RECORDINGS_BATCH);
    for (const file of files) if (file) await deps.documents.remove(file);
    deleted += files.length;
    if (files.length < RECORDINGS_BATCH) return deleted;
  }
}
