import type { Deps } from '../../deps.ts';
import {
  countFetchAttempt,
  markFailed,
  markFetched,
  type RecordingType,
} from './recordings.repository.ts';

// A phone request's recording, as the job that fetches it from the provider keeps it: each try
// counted, the audio stored once (a job run twice stores nothing the second time), or given up on.

/** Counts a try; undefined when the recording needs nothing more (fetched, given up, or gone). */
export async function startRecordingFetch(
  deps: Pick<Deps, 'db'>,
  requestId: number,
  recordingSid: string,
): Promise<number | undefined> {
  return countFetchAttempt(deps.db, requestId, recordingSid);
}

/** Stores the fetched audio (checked by the caller) with its request; false if it was already. */
export async function attachRecording(
  deps: Pick<Deps, 'db' | 'documents'>,
  requestId: number,
  recordingSid: string,
  audio: { content: Buffer; contentType: RecordingType },
): Promise<boolean> {
  const storedName = await deps.documents.save(
    audio.content,
    audio.contentType === 'audio/mpeg' ? 'mp3' : 'wav',
  );
  const kept = await markFetched(deps.db, requestId, recordingSid, {
    stored_name: storedName,
    content_type: audio.contentType,
    size: audio.content.length,
  }).catch(async (error: unknown) => {
    await deps.documents.remove(storedName);
    throw error;
  });
  if (!kept) await deps.documents.remove(storedName);
  return kept;
}

/** The recording could not be fetched: the handler's page says so. */
export async function giveUpRecording(
  deps: Pick<Deps, 'db'>,
  requestId: number,
  recordingSid: string,
): Promise<void> {
  await markFailed(deps.db, requestId, recordingSid);
}
