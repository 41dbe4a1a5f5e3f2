import type { Knex } from 'knex';
import type { Lang, Localized } from '../../lib/localized.ts';
import type { ErasureContext, Person } from '../module.ts';
import { scrubIdentifiers, identifiersOf } from './identifiers.ts';
import { insertEvent } from './requests.repository.ts';
import { tellHandlersOfCitizen } from './staff/citizen-activity.notify.ts';
import { tellCitizens } from './staff/handling.notify.ts';

/**
 * A person's requests when their account is deleted, in the deletion's transaction.
 *
 * What goes: their name on every request (`user_id` set to null: the request no longer points at
 * the account, whose row becomes an empty 'erased' tombstone; `show_name` off), what they wrote
 * (the description, the title of a request never made public, their comments and reasons: each
 * replaced by a neutral marker in the request's language), their photos but those a handler
 * approved for the public list of a public request, the recordings of their phone requests, the
 * requests they follow, and their name, username, email, phone or AFM wherever a handler's note
 * or a request's text has it (replaced by "[erased]").
 *
 * What stays, and why: the requests themselves with their public facts (category, department,
 * place, status, dates, the department's public notes and answer, the documents it attached, and
 * a public request's title and approved photos). They are the municipality's record of its work
 * and of the public list, which it must keep (public task, GDPR Art. 6(1)(e) and 17(3)(b)); with
 * the above gone, nothing in them names the person.
 *
 * Open requests are closed as withdrawn (a 'withdrawn' event by the citizen), as if they had
 * withdrawn them: the handlers concerned and the other people following are told as on closing.
 */
export async function eraseRequests(
  person: Person,
  trx: Knex.Transaction,
  context: ErasureContext,
): Promise<void> {
  const identifiers = await identifiersOf(trx, person);
  // First, so that the person hears nothing of their own requests' withdrawal.
  await trx('request_followers').where({ user_id: person.userId }).delete();
  await scrubIdentifiers(trx, identifiers, context.deps.i18n);
  const filed = (await trx('requests')
    .where({ user_id: person.userId })
    .orderBy('id')
    .pluck('id')) as number[];
  await eraseFiledRequests(trx, filed, context);
  await trx('request_events').where({ actor_id: person.userId }).update({ actor_id: null });
  // Citizens only download documents; should an account that attached one be erased, it stays
  // (the department's record), unnamed.
  await trx('request_documents')
    .where({ uploaded_by: person.userId })
    .update({ uploaded_by: null });
}

interface FiledRow {
  id: number;
  year: number;
  number: number;
  status: string;
  title: string | null;
  lang: Lang;
  department_id: number;
  assignee_id: number | null;
  category_name: Localized;
  /** Public by the public list's rule: its title and approved photos are public facts. */
  shown: boolean;
}

const SHOWN_SQL = '(r.public AND c.may_be_public)';

/**
 * Erases what the filer of these requests gave (see eraseRequests), the filer being an account
 * or an Open311 reporter whose details the caller has already removed: open ones are withdrawn.
 */
export async function eraseFiledRequests(
  trx: Knex.Transaction,
  ids: readonly number[],
  context: ErasureContext,
): Promise<void> {
  if (!ids.length) return;
  const { deps } = context;
  const now = deps.clock.now();
  const rows = (await trx('requests as r')
    .join('request_categories as c', 'c.id', 'r.category_id')
    .whereIn('r.id', ids)
    .orderBy('r.id')
    .forUpdate('r')
    .select(
      'r.id',
      'r.year',
      'r.number',
      'r.status',
      'r.title',
      'r.lang',
      'r.department_id',
      'r.assignee_id',
      'c.name as category_name',
      trx.raw(`${SHOWN_SQL} AS shown`),
    )) as FiledRow[];
  await trx('requests')
    .whereIn('id', ids)
    .update({ user_id: null, show_name: false, updated_at: now });
  for (const row of rows) {
    const marker = deps.i18n.t(row.lang)('requests.erasure.text');
    if (row.status !== 'closed' && row.status !== 'merged') await withdraw(trx, row, context);
    await trx('requests')
      .where({ id: row.id })
      .update({
        description: marker,
        ...(row.shown || row.title === null ? {} : { title: marker }),
      });
  }
  await trx.raw(
    `UPDATE request_events e SET public_note = CASE WHEN r.lang = 'en' THEN ? ELSE ? END
      FROM requests r
     WHERE r.id = e.request_id AND e.request_id = ANY (?) AND e.by_citizen
       AND e.public_note IS NOT NULL`,
    [
      deps.i18n.t('en')('requests.erasure.text'),
      deps.i18n.t('el')('requests.erasure.text'),
      [...ids],
    ],
  );
  await trx('request_events')
    .whereIn('request_id', ids)
    .where({ by_citizen: true })
    .update({ actor_id: null });
  await removeFiles(trx, ids, context);
}

/** Their photos not shown to the public, and their recordings: rows now, files after commit. */
async function removeFiles(
  trx: Knex.Transaction,
  ids: readonly number[],
  context: ErasureContext,
): Promise<void> {
  const photos = (await trx.raw(
    `DELETE FROM request_photos p USING requests r, request_categories c
      WHERE p.request_id = r.id AND c.id = r.category_id AND p.request_id = ANY (?)
        AND NOT (p.approved_at IS NOT NULL AND ${SHOWN_SQL})
      RETURNING p.file`,
    [[...ids]],
  )) as { rows: { file: string }[] };
  for (const photo of photos.rows) context.removeAfterCommit(photo.file);
  const recordings = (await trx('request_recordings')
    .whereIn('request_id', ids)
    .delete()
    .returning('stored_name')) as { stored_name: string | null }[];
  for (const recording of recordings)
    if (recording.stored_name) context.removeAfterCommit(recording.stored_name);
}

/**
 * Closes an open request as its citizen's withdrawal: a 'withdrawn' event (by the citizen, no
 * note), the handlers concerned and its other followers told as on any closing. The mails name
 * its title only if it is public (its category otherwise).
 */
async function withdraw(
  trx: Knex.Transaction,
  row: FiledRow,
  context: ErasureContext,
): Promise<void> {
  const now = context.deps.clock.now();
  await trx('requests')
    .where({ id: row.id })
    .update({ status: 'closed', closed_at: now, updated_at: now });
  await insertEvent(trx, {
    request_id: row.id,
    kind: 'withdrawn',
    status: 'closed',
    by_citizen: true,
  });
  const request = { ...row, title: row.shown ? row.title : null };
  await tellHandlersOfCitizen(context.deps, trx, request, { what: 'withdrawn', text: '' });
  await tellCitizens(context.deps, trx, request, {
    change: 'withdrawn',
    status: 'closed',
    note: null,
  });
}
