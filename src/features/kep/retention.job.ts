import type { Deps } from '../../deps.ts';
import { eraseEndedCallFacts } from './call/call-retention.ts';
import { readKepSettings } from './kep.settings.ts';

/** Appointments erased per transaction: short locks, and a long backlog still goes in one run. */
const BATCH = 200;
const DAY = 86_400_000;

type RetentionDeps = Pick<
  Deps,
  'db' | 'clock' | 'documents' | 'modules' | 'config' | 'contentCache' | 'logger'
>;

/**
 * The rule kep.retention: N days after an appointment ended (N: kep.retentionDays) its
 * special-category data goes, the accessibility needs and the uploaded documents (rows and
 * files), and with them the call's personal facts (call/call-retention.ts); a week after a mail
 * its calendar file goes. The appointment itself stays, marked with when its needs were erased
 * (`needs_erased_at`), so a second run finds nothing to do. Files are removed once their rows'
 * deletion has committed: a rolled-back batch leaves every document as it was. Returns how many
 * records it deleted or emptied (an appointment counts when it had needs to erase).
 */
export async function eraseExpiredDetails(deps: RetentionDeps): Promise<number> {
  const { retentionDays } = await readKepSettings(deps);
  let erased = 0;
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - retentionDays * DAY);
  for (;;) {
    const { ids, keys, withNeeds } = await deps.db.transaction(async (trx) => {
      const due = (await trx('kep_appointments')
        .where('ends_at', '<', cutoff)
        .whereNull('needs_erased_at')
        .orderBy('id')
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .select(
          'id',
          trx.raw(
            'needs_sign_language OR needs_lip_reading OR needs_other IS NOT NULL AS has_needs',
          ),
        )) as { id: number; has_needs: boolean }[];
      const dueIds = due.map((row) => row.id);
      if (!dueIds.length) return { ids: dueIds, keys: [] as string[], withNeeds: 0 };
      const documents = (await trx('kep_documents')
        .whereIn('appointment_id', dueIds)
        .del()
        .returning('document_key')) as { document_key: string }[];
      await trx('kep_appointments').whereIn('id', dueIds).update({
        needs_sign_language: false,
        needs_lip_reading: false,
        needs_other: null,
        needs_erased_at: now,
      });
      return {
        ids: dueIds,
        keys: documents.map((d) => d.document_key),
        withNeeds: due.filter((row) => row.has_needs).length,
      };
    });
    for (const key of keys) await removeStored(deps, key);
    erased += withNeeds + keys.length;
    if (ids.length < BATCH) break;
  }
  erased += await eraseEndedCallFacts(deps, cutoff, (key) => removeStored(deps, key));
  return erased + (await removeSentCalendarFiles(deps));
}

/** A mail is sent (or given up) within hours: its .ics is kept a week, then removed. */
const MAIL_FILE_DAYS = 7;

/** The appointment mails' .ics files older than a week: rows and stored files; how many. */
async function removeSentCalendarFiles(deps: RetentionDeps): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - MAIL_FILE_DAYS * DAY);
  let removed = 0;
  for (;;) {
    const keys = (await deps.db.transaction(async (trx) => {
      const due = (await trx('kep_mail_files')
        .where('created_at', '<', cutoff)
        .orderBy('created_at')
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .pluck('document_key')) as string[];
      if (due.length) await trx('kep_mail_files').whereIn('document_key', due).del();
      return due;
    })) as string[];
    for (const key of keys) await removeStored(deps, key);
    removed += keys.length;
    if (keys.length < BATCH) return removed;
  }
}

/** A stored file gone; a key the store refuses (never one it made) is logged, not fatal. */
async function removeStored(deps: Pick<Deps, 'documents' | 'logger'>, key: string): Promise<void> {
  try {
    await deps.documents.remove(key);
  } catch (error) {
    deps.logger.warn({ err: error, key }, 'kep: a stored document could not be removed');
  }
}
