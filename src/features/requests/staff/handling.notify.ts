import type { Knex } from 'knex';
import type { Deps } from '../../../deps.ts';
import { formatDate } from '../../../lib/format.ts';
import { pick, type Localized } from '../../../lib/localized.ts';
import { tellApiReporter } from '../../open311/reporter-mail.ts';
import { formatReference } from '../reference.ts';
import { handlersToTellAtOnce, peopleToTell } from './recipients.repository.ts';

/** What changed, as the update email names it (`emails.request-updated.changes.<change>`). */
export type PublicChange =
  'status' | 'answer' | 'merged' | 'moved' | 'reopened' | 'document' | 'withdrawn';

/** A change as the people outside the municipality are told of it (never an internal note). */
export interface PublicUpdate {
  change: PublicChange;
  status: string;
  note: string | null;
  /** The original a duplicate was merged into; the department a request moved to. */
  original?: string;
  department?: Localized;
  /** The note is the citizen's own words (a reopening's reason), not the department's. */
  byCitizen?: boolean;
}

/**
 * Tells the citizen who filed a request and everyone following it, each in their language, inside
 * the change's transaction. Only what the citizen may see goes in: never an internal note.
 */
export async function tellCitizens(
  deps: Pick<Deps, 'mailer'>,
  trx: Knex.Transaction,
  /** With no title yet (a phone request), the mail names its category, when given. */
  request: {
    id: number;
    year: number;
    number: number;
    title: string | null;
    category_name?: Localized;
  },
  change: PublicUpdate,
): Promise<number> {
  const ref = formatReference(request);
  const people = await peopleToTell(trx, request.id);
  for (const person of people) {
    const lang = person.lang === 'en' ? 'en' : 'el';
    await deps.mailer.send(
      'request-updated',
      { email: person.email, lang },
      {
        fullName: person.full_name,
        reference: ref.display,
        title: request.title ?? (request.category_name ? pick(request.category_name, lang) : ''),
        path: `/requests/${change.original ? change.original.replace(/^ΑΙΤ-/, '') : ref.url}`,
        change: change.change,
        status: change.status,
        note: change.note ?? '',
        original: change.original ?? '',
        department: change.department ? pick(change.department, lang) : '',
        byCitizen: change.byCitizen ?? false,
      },
      trx,
    );
  }
  // A request filed through Open311 has a reporter without an account: their email gets it too.
  return people.length + (await tellApiReporter(deps, trx, request, change));
}

/** Each handler of the department who asked to hear of every arrival (not the daily digest). */
export async function tellHandlersOfNewRequest(
  deps: Pick<Deps, 'mailer'>,
  trx: Knex.Transaction,
  request: {
    departmentId: number;
    reference: { display: string; url: string };
    /** None yet (a phone request): the mail names its category instead. */
    title: string | null;
    category: Localized;
    dueDate: string;
  },
): Promise<void> {
  for (const handler of await handlersToTellAtOnce(trx, request.departmentId)) {
    const lang = handler.lang === 'en' ? 'en' : 'el';
    await deps.mailer.send(
      'request-new-for-handlers',
      { email: handler.email, lang },
      {
        fullName: handler.full_name,
        reference: request.reference.display,
        path: `/staff/requests/${request.reference.url}`,
        title: request.title ?? pick(request.category, lang),
        category: pick(request.category, lang),
        dueDate: formatDate(request.dueDate, lang),
      },
      trx,
    );
  }
}
