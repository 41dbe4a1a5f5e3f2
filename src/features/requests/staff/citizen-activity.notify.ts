import type { Knex } from 'knex';
import type { Deps } from '../../../deps.ts';
import { pick, type Lang, type Localized } from '../../../lib/localized.ts';
import { formatReference } from '../reference.ts';

/** What the citizen did, as the handlers' email names it (`emails.request-citizen-activity.<what>`). */
export type CitizenActivity = 'comment' | 'photo' | 'reopened' | 'withdrawn';

/**
 * Whom a citizen's comment or reopening concerns: the request's assignee, or, while nobody has
 * it, every active handler of its department. Never someone who has lost the handler role.
 */
async function handlersConcerned(
  conn: Knex.Transaction,
  request: { department_id: number; assignee_id?: number | null },
): Promise<{ email: string; lang: Lang; full_name: string }[]> {
  const query = conn('users as u')
    .where('u.status', 'active')
    .whereRaw(`'handler' = ANY (u.roles)`)
    .select('u.email', 'u.lang', 'u.full_name');
  if (request.assignee_id) query.where('u.id', request.assignee_id);
  else
    query.whereIn(
      'u.id',
      conn('department_handlers').where({ department_id: request.department_id }).select('user_id'),
    );
  return (await query) as { email: string; lang: Lang; full_name: string }[];
}

/** Tells the handlers concerned that the citizen added something or reopened the request. */
export async function tellHandlersOfCitizen(
  deps: Pick<Deps, 'mailer'>,
  trx: Knex.Transaction,
  request: {
    year: number;
    number: number;
    title: string | null;
    /** Named instead of a title not given yet (a phone request). */
    category_name?: Localized;
    department_id: number;
    assignee_id?: number | null;
  },
  activity: { what: CitizenActivity; text: string },
): Promise<void> {
  const ref = formatReference(request);
  for (const handler of await handlersConcerned(trx, request)) {
    const lang = handler.lang === 'en' ? 'en' : 'el';
    await deps.mailer.send(
      'request-citizen-activity',
      { email: handler.email, lang },
      {
        fullName: handler.full_name,
        reference: ref.display,
        title: request.title ?? (request.category_name ? pick(request.category_name, lang) : ''),
        path: `/staff/requests/${ref.url}`,
        what: activity.what,
        text: activity.text,
      },
      trx,
    );
  }
}
