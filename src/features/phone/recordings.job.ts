import type PgBoss from 'pg-boss';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { bossDbFor } from '../mail/mail-queue.ts';
import type { JobDefinition } from '../module.ts';
import { ensureQueue, type QueuePolicy } from '../queues.ts';
import type { RecordingType } from '../requests/recordings.repository.ts';
import {
  attachRecording,
  giveUpRecording,
  startRecordingFetch,
} from '../requests/recordings.service.ts';
import { phoneSettingsOf, type PhoneSettings } from './phone.config.ts';

/** The queue of recordings to fetch from the provider (built by the requests menu's work). */
export const FETCH_RECORDING_QUEUE = 'phone.fetch-recording';

/** Two minutes of the provider's WAV (8 kHz, 16 bits) is under 2 MB; anything past this is not ours. */
export const RECORDING_MAX_BYTES = 10 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 3;

/**
 * Tries in all. The provider may answer 404 for a few seconds after the caller's `<Record>`
 * ends (the file is still being written): pg-boss tries again after 10 s, 20 s, 40 s, …
 */
export const RECORDING_TRIES = 6;
const RETRY: QueuePolicy = { retryLimit: RECORDING_TRIES - 1, retryDelay: 10, retryBackoff: true };

const SID = /^[A-Za-z0-9-]{10,64}$/;
const jobData = z.object({
  requestId: z.number().int().positive(),
  recordingUrl: z.string().max(1000),
  recordingSid: z.string().regex(SID),
});
export type RecordingJob = z.infer<typeof jobData>;

/** The types the provider sends recordings as, by their Content-Type. */
const TYPES: Readonly<Record<string, RecordingType>> = {
  'audio/wav': 'audio/wav',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/mpeg': 'audio/mpeg',
};

/** What the bytes are, by their first ones: RIFF…WAVE, or MP3 (an ID3 tag or a frame sync). */
export function audioTypeOf(bytes: Buffer): RecordingType | undefined {
  if (bytes.length < 12) return undefined;
  if (bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WAVE')
    return 'audio/wav';
  if (bytes.toString('latin1', 0, 3) === 'ID3') return 'audio/mpeg';
  if (bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0) return 'audio/mpeg';
  return undefined;
}

/**
 * The URL, if it is on the recordings host: `https://<TWILIO_RECORDINGS_HOST>/…` (plain http only
 * outside production, for a local stand-in), with no credentials of its own.
 */
export function allowedRecordingUrl(settings: PhoneSettings, text: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const schemes = settings.recordingsSecure ? ['https:'] : ['https:', 'http:'];
  if (!schemes.includes(url.protocol) || url.username || url.password) return undefined;
  if (!settings.recordingsHost) return undefined;
  // The host as URL writes it (lower case, the scheme's own port dropped) on both sides.
  const allowed = new URL(`${url.protocol}//${settings.recordingsHost}`).host;
  return url.host === allowed ? url : undefined;
}

type Fetched =
  | { ok: true; content: Buffer; contentType: RecordingType }
  /** `retry`: the provider may have it later (404 at first, 5xx, a timeout). */
  | { ok: false; retry: boolean; reason: string };

/** Reads a body up to `limit` bytes; undefined past it (the rest is not read). */
async function readLimited(body: ReadableStream<Uint8Array>, limit: number) {
  const reader = body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(Buffer.from(value));
  }
}

/**
 * Asks the provider for the recording with the account's credentials. A redirect on its host
 * keeps them; one elsewhere (the provider's storage, with a signed link) is followed only over
 * https and without them: the credentials never leave the recordings host.
 */
async function requestRecording(settings: PhoneSettings, first: URL): Promise<Response> {
  const credentials = Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString(
    'base64',
  );
  const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  let url = first;
  let onHost = true;
  for (let hops = 0; ; hops += 1) {
    const response = await fetch(url, {
      headers: {
        ...(onHost ? { Authorization: `Basic ${credentials}` } : {}),
        Accept: 'audio/wav, audio/x-wav, audio/mpeg',
      },
      redirect: 'manual',
      signal,
    });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) return response;
    await response.body?.cancel();
    if (hops >= MAX_REDIRECTS) throw new RefusedRedirect(response.status);
    const target = new URL(location, url);
    const same = onHost ? allowedRecordingUrl(settings, target.href) : undefined;
    if (same && same.origin === first.origin) url = same;
    else if (target.protocol === 'https:' && !target.username && !target.password) {
      url = target;
      onHost = false;
    } else throw new RefusedRedirect(response.status);
  }
}

class RefusedRedirect extends Error {
  constructor(readonly status: number) {
    super(`a redirect (${status}) that is not followed`);
  }
}

/** Fetches a recording and checks it is audio of an accepted type, under the size limit. */
export async function fetchRecording(settings: PhoneSettings, url: URL): Promise<Fetched> {
  let response: Response;
  try {
    response = await requestRecording(settings, url);
  } catch (error) {
    if (error instanceof RefusedRedirect) return { ok: false, retry: false, reason: error.message };
    return { ok: false, retry: true, reason: (error as Error).message };
  }
  const refuse = async (retry: boolean, reason: string): Promise<Fetched> => {
    await response.body?.cancel();
    return { ok: false, retry, reason };
  };
  if (response.status === 404) return refuse(true, 'not there yet (404)');
  if (response.status === 429 || response.status >= 500)
    return refuse(true, `the provider answered ${response.status}`);
  if (response.status !== 200) return refuse(false, `the provider answered ${response.status}`);
  const declared = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const type = TYPES[declared];
  if (!type) return refuse(false, `not an accepted audio type: ${declared.slice(0, 60)}`);
  if (Number(response.headers.get('content-length') ?? 0) > RECORDING_MAX_BYTES)
    return refuse(false, 'too large');
  if (!response.body) return { ok: false, retry: true, reason: 'no body' };
  let content: Buffer | undefined;
  try {
    content = await readLimited(response.body, RECORDING_MAX_BYTES);
  } catch (error) {
    return { ok: false, retry: true, reason: (error as Error).message };
  }
  if (!content) return { ok: false, retry: false, reason: 'too large' };
  if (audioTypeOf(content) !== type)
    return { ok: false, retry: false, reason: `the bytes are not ${type}` };
  return { ok: true, content, contentType: type };
}

/**
 * Fetches a phone request's recording from the provider and stores it with the request. A URL off
 * the recordings host is refused before anything is asked of it; a 404 (the provider still
 * writing the file), a 5xx or a timeout throws, so pg-boss tries again, up to RECORDING_TRIES in
 * all; anything else is given up on at once, and the handler's page says the recording could not
 * be fetched. Run twice, it stores the recording once.
 */
export async function runFetchRecording(deps: Deps, data: unknown): Promise<void> {
  const parsed = jobData.safeParse(data);
  if (!parsed.success) {
    deps.logger.warn({ queue: FETCH_RECORDING_QUEUE }, 'a recording job with unusable data');
    return;
  }
  const { requestId, recordingUrl, recordingSid } = parsed.data;
  const log = { requestId, recordingSid };
  const settings = phoneSettingsOf(deps.config);
  const url = allowedRecordingUrl(settings, recordingUrl);
  if (!url) {
    deps.logger.warn(log, 'a recording URL off the recordings host was refused');
    await giveUpRecording(deps, requestId, recordingSid);
    return;
  }
  const attempt = await startRecordingFetch(deps, requestId, recordingSid);
  if (attempt === undefined) return;
  const fetched = await fetchRecording(settings, url);
  if (fetched.ok) {
    await attachRecording(deps, requestId, recordingSid, fetched);
    return;
  }
  if (fetched.retry && attempt < RECORDING_TRIES)
    throw new Error(`recording ${recordingSid}: ${fetched.reason}; to be tried again`);
  deps.logger.warn({ ...log, reason: fetched.reason, attempt }, 'a recording could not be fetched');
  await giveUpRecording(deps, requestId, recordingSid);
}

export const fetchRecordingJob: JobDefinition = {
  name: FETCH_RECORDING_QUEUE,
  queue: RETRY,
  run: runFetchRecording,
};

/** The queue exists (the worker makes it too, but a request may be filed before it starts). */
export function ensureRecordingQueue(boss: PgBoss): Promise<void> {
  return ensureQueue(boss, FETCH_RECORDING_QUEUE, RETRY);
}

/** Queues the fetch in the filing's transaction: a request is never filed without it. */
export async function queueRecordingFetch(
  boss: PgBoss,
  trx: Knex.Transaction,
  job: RecordingJob,
): Promise<void> {
  await boss.send(FETCH_RECORDING_QUEUE, job, { ...RETRY, db: await bossDbFor(trx) });
}
