import type { Knex } from 'knex';
import type { Deps } from '../../deps.ts';
import { formatDate } from '../../lib/format.ts';
import type { AuditContext } from '../audit/audit.repository.ts';
import type { UserRow } from '../accounts/users.repository.ts';
import { listActiveCategories, type CategoryRow } from './categories.repository.ts';
import { formatReference } from './reference.ts';
import { findRequestOfRecording, insertPendingRecording } from './recordings.repository.ts';
import { listLatestFiledBy, type LatestRequest, type RequestKind } from './requests.repository.ts';
import { insertFiled, prepareFiling, type FilingDeps } from './requests.service.ts';

export interface PhoneFiling {
  categoryId: number;
  kind?: RequestKind;
  /** What the caller's `<Record>` left at the provider (fetched later by a job). */
  recording: { sid: string; durationSeconds: number };
  /** The calling number (E.164), null when withheld: the daily limit per address counts it. */
  callerNumber: string | null;
}

export type PhoneFiled =
  | { ok: true; id: number; reference: { display: string; url: string }; dueDate: string }
  | { ok: false; reason: 'category' | 'tooMany' };

/** Work done with the filing, in its transaction (queueing the recording's fetch). */
export type AlongsideFiling = (trx: Knex.Transaction, filed: { id: number }) => Promise<void>;

const isTakenRecording = (error: unknown) =>
  (error as { code?: string; constraint?: string }).code === '23505' &&
  (error as { constraint?: string }).constraint === 'request_recordings_recording_sid_key';

/** The request a recording already filed for this account, as a filing's answer. */
async function filedWith(
  deps: Pick<Deps, 'db'>,
  user: UserRow,
  recordingSid: string,
): Promise<PhoneFiled | undefined> {
  const existing = await findRequestOfRecording(deps.db, recordingSid);
  if (!existing || existing.user_id !== user.id) return undefined;
  return {
    ok: true,
    id: existing.id,
    reference: formatReference(existing),
    dueDate: formatDate(existing.due_date, user.lang),
  };
}

/**
 * Files a request by phone, as the web form files one (the same daily limits, due date, audit
 * entry, confirmation email and handlers' mail: requests.service.ts), with channel `phone`, no
 * title and no place (its handler adds them) and, for its description, a sentence in the
 * caller's language saying it is in the recording; the recording is noted to be fetched. A
 * recording files one request: the same one filed again (a provider's retry) answers with the
 * request it filed.
 */
export async function filePhoneRequest(
  deps: FilingDeps & Pick<Deps, 'i18n'>,
  user: UserRow,
  input: PhoneFiling,
  context: AuditContext,
  alongside?: AlongsideFiling,
): Promise<PhoneFiled> {
  const again = await filedWith(deps, user, input.recording.sid);
  if (again) return again;
  // A withheld number counts as the account's own phone (every withheld caller is not one line).
  const addressKey = `phone:${input.callerNumber ?? user.phone_e164 ?? `account:${user.id}`}`;
  const prepared = await prepareFiling(deps, user, input.categoryId, addressKey);
  if (!prepared.ok) return prepared;
  const { category, due, now } = prepared;
  const lang = user.lang === 'en' ? 'en' : 'el';
  try {
    const filed = await deps.db.transaction(async (trx) => {
      const done = await insertFiled(deps, trx, {
        user,
        request: {
          kind: input.kind ?? 'request',
          channel: 'phone',
          title: null,
          description: deps.i18n.t(lang)('requests.phone.description'),
          address: null,
          lat: null,
          lng: null,
          lang,
          showName: false,
        },
        category,
        due,
        now,
        photos: [],
        context,
      });
      await insertPendingRecording(trx, {
        request_id: done.id,
        recording_sid: input.recording.sid,
        duration_seconds: input.recording.durationSeconds,
      });
      await alongside?.(trx, { id: done.id });
      return done;
    });
    return { ok: true, id: filed.id, reference: filed.reference, dueDate: formatDate(due, lang) };
  } catch (error) {
    const taken = isTakenRecording(error) && (await filedWith(deps, user, input.recording.sid));
    if (taken) return taken;
    throw error;
  }
}

/**
 * The categories that take requests, in the form's order; kept in memory until a category (or a
 * request) changes (work_changed), so a phone menu's step need not ask the database.
 */
export async function activeCategories(
  deps: Pick<Deps, 'db' | 'workCache'>,
): Promise<CategoryRow[]> {
  return deps.workCache.get('requests:active-categories', () => listActiveCategories(deps.db));
}

/** The citizen's own latest requests (three by default), newest first: for the phone's status. */
export async function latestRequests(
  deps: Pick<Deps, 'db'>,
  userId: number,
  limit = 3,
): Promise<LatestRequest[]> {
  return listLatestFiledBy(deps.db, userId, limit);
}
