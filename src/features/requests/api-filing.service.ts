import type { Knex } from 'knex';
import type { Deps } from '../../deps.ts';
import { athensDate } from '../../lib/format.ts';
import { dueDate } from '../../lib/working-days.ts';
import { localFeast } from '../site/local-feast.ts';
import type { CategoryRow } from './categories.repository.ts';
import { formatReference } from './reference.ts';
import { insertEvent, insertRequest, nextRequestNumber } from './requests.repository.ts';
import { tellHandlersOfNewRequest } from './staff/handling.notify.ts';

export interface FilingWithoutAccount {
  category: CategoryRow;
  /** Where it came from (`api`: an Open311 app); the queue filters by it. */
  channel: 'api';
  title: string;
  description: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  lang: 'el' | 'en';
}

/** The due date of a request filed now in this category (working days, the local feast too). */
export async function dueDateFor(
  deps: Pick<Deps, 'clock' | 'modules' | 'db' | 'config' | 'contentCache'>,
  category: CategoryRow,
): Promise<string> {
  return dueDate(deps.clock.now(), category.deadline_days, await localFeast(deps));
}

/**
 * Files a request for someone without an account here (an Open311 app's user), inside the
 * caller's transaction, as the web form's filing does (requests.service.ts): the reference from
 * the year's sequence, the given due date, the first event of its timeline and the handlers'
 * mail. `user_id` stays null: the request is never linked to an account. The caller records the
 * reporter, audits the filing and tells the reporter.
 */
export async function fileWithoutAccount(
  deps: Pick<Deps, 'mailer' | 'clock'>,
  trx: Knex.Transaction,
  input: FilingWithoutAccount,
  due: string,
): Promise<{ id: number; reference: { display: string; url: string } }> {
  const year = Number(athensDate(deps.clock.now()).slice(0, 4));
  const number = await nextRequestNumber(trx, year);
  const id = await insertRequest(trx, {
    year,
    number,
    user_id: null,
    category_id: input.category.id,
    department_id: input.category.department_id,
    kind: 'request',
    channel: input.channel,
    title: input.title,
    description: input.description,
    address: input.address,
    lat: input.lat,
    lng: input.lng,
    due_date: due,
    lang: input.lang,
  });
  await insertEvent(trx, {
    request_id: id,
    kind: 'submitted',
    status: 'submitted',
    by_citizen: true,
  });
  const reference = formatReference({ year, number });
  await tellHandlersOfNewRequest(deps, trx, {
    departmentId: input.category.department_id,
    reference,
    title: input.title,
    category: input.category.name,
    dueDate: due,
  });
  return { id, reference };
}
