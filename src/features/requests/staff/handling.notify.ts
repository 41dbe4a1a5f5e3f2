import type { Knex } from 'knex';
import type { Deps } from '../../../deps.ts';
import type { Localized } from '../../../lib/localized.ts';
import { formatReference } from '../reference.ts';
import { handlersToTellAtOnce, peopleToTell } from './handling.repository.ts';

/** What changed, as the update email names it (`emails.request-updated.changes.<change>`). */
export type PublicChange = 'status' | 'answer' | 'merged' | 'moved' | 'reopened';

/**
 * Tells the citizen who filed a request and everyone following it, each in their language, inside
 * the change's transaction. Only what the citizen may see goes in: never an internal note.
 */
export async function tellCitizens(
  deps: Pick<Deps, 'mailer'>,
  trx: Knex.Transaction,
  request: { id: number; year: number; number: number; title: string | null },
  change: {
    change: PublicChange;
    status: string;
    note: string | null;
    /** The original a duplicate was merged into; the department a request moved to. */
    original?: string;
    department?: Localized;
  },
): Promise<number> {
  const ref = formatReference(request);
  const people = await peopleToTell(trx, request.id);
  for (const person of people)
    await deps.mailer.send(
      'request-updated',
      { email: person.email, lang: person.lang === 'en' ? 'en' : 'el' },
      {
        fullName: person.full_name,
        reference: ref.display,
        title: request.title ?? '',
        path: `/requests/${change.original ? change.original.replace(/^ΑΙΤ-/, '') : ref.url}`,
        change: change.change,
        status: change.status,
        note: change.note ?? '',
        original: change.original ?? '',
        department: change.department ?? null,
      },
      trx,
    );
  return people.length;
}

/** Each handler of the department who asked to hear of every arrival (not the daily digest). */
export async function tellHandlersOfNewRequest(
  deps: Pick<Deps, 'mailer'>,
  trx: Knex.Transaction,
  request: {
    departmentId: number;
    reference: { display: string; url: string };
    title: string;
    category: Localized;
    dueDate: string;
  },
): Promise<void> {
  for (const handler of await handlersToTellAtOnce(trx, request.departmentId))
    await deps.mailer.send(
      'request-new-for-handlers',
      { email: handler.email, lang: handler.lang === 'en' ? 'en' : 'el' },
      {
        fullName: handler.full_name,
        reference: request.reference.display,
        path: `/staff/requests/${request.reference.url}`,
        title: request.title,
        category: request.category,
        dueDate: request.dueDate,
      },
      trx,
    );
}
