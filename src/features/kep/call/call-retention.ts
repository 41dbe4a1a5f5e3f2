import type { Knex } from 'knex';
import type { Deps } from '../../../deps.ts';
import { ERASED_IDENTITY_FACTS } from '../kep.erasure.ts';
import { GUEST_LINK } from './guests.service.ts';

/** Rows per statement: short locks, and a long backlog still goes in one run. */
const BATCH = 200;

/**
 * The personal facts of the calls of appointments that ended before `cutoff` (the retention rule
 * kep.retention, N days after the appointment): the helpers' names and emails (their relation
 * and times stay) and their invitation links, the log of who entered when, the identity check's
 * document (type, masked number) and why it failed (whether it was confirmed stays), the result
 * PDF (how it was sent stays), and the appointments' manage links. Each part in batches, each
 * finding nothing the second time. Returns how many records it deleted or emptied; a stored
 * file goes (`removeFile`) once its row's batch has committed.
 */
export async function eraseEndedCallFacts(
  deps: Pick<Deps, 'db'>,
  cutoff: Date,
  removeFile: (key: string) => Promise<void>,
): Promise<number> {
  const ended = (trx: Knex.Transaction) =>
    trx('kep_appointments').where('ends_at', '<', cutoff).select('id');
  let count = 0;
  const inBatches = async (step: (trx: Knex.Transaction) => Promise<number>) => {
    for (;;) {
      const done = await deps.db.transaction(step);
      count += done;
      if (done < BATCH) return;
    }
  };

  // The links first: they name the guest rows whose names go next.
  await inBatches((trx) =>
    trx('one_time_links')
      .whereIn(
        'id',
        trx('one_time_links as l')
          .join(
            'kep_call_guests as g',
            (on) => void on.on(trx.raw("l.data->>'guestId' = g.id::text")),
          )
          .where('l.purpose', GUEST_LINK)
          .whereIn('g.appointment_id', ended(trx))
          .limit(BATCH)
          .select('l.id'),
      )
      .delete(),
  );
  await inBatches((trx) =>
    trx('kep_call_guests')
      .whereIn(
        'id',
        trx('kep_call_guests')
          .whereIn('appointment_id', ended(trx))
          .where((q) => q.whereNotNull('name').orWhereNotNull('email'))
          .limit(BATCH)
          .forUpdate()
          .skipLocked()
          .select('id'),
      )
      .update({ name: null, email: null }),
  );
  await inBatches((trx) =>
    trx('kep_call_joins')
      .whereIn(
        'id',
        trx('kep_call_joins').whereIn('appointment_id', ended(trx)).limit(BATCH).select('id'),
      )
      .delete(),
  );
  for (;;) {
    const keys = await deps.db.transaction(async (trx) => {
      const due = (await trx('kep_calls')
        .whereIn('appointment_id', ended(trx))
        .where((q) => {
          for (const column of Object.keys(ERASED_IDENTITY_FACTS)) void q.orWhereNotNull(column);
        })
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .select('appointment_id', 'result_document_key')) as {
        appointment_id: number;
        result_document_key: string | null;
      }[];
      if (due.length)
        await trx('kep_calls')
          .whereIn(
            'appointment_id',
            due.map((row) => row.appointment_id),
          )
          .update(ERASED_IDENTITY_FACTS);
      return due;
    });
    count += keys.length;
    // Once their rows' batch has committed: a rolled-back one leaves every file as it was.
    for (const row of keys) if (row.result_document_key) await removeFile(row.result_document_key);
    if (keys.length < BATCH) break;
  }
  await inBatches((trx) =>
    trx('kep_manage_tokens')
      .whereIn(
        'token_hash',
        trx('kep_manage_tokens')
          .whereIn('appointment_id', ended(trx))
          .limit(BATCH)
          .select('token_hash'),
      )
      .delete(),
  );
  return count;
}
