import type { Request, Response } from 'express';
import type { Db } from '../../../db/knex.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { idParam } from '../../../lib/params.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { historyOf } from '../../audit/audit.repository.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { STATUS_TAG } from '../polls.present.ts';
import { allPolls, pollById, statusOf, turnoutOf, type Poll } from '../polls.repository.ts';
import { PHONE_OPTIONS_MAX } from '../polls.service.ts';
import {
  DATE_FIELDS,
  DESCRIPTION_MAX,
  ELECTORATES,
  LABEL_MAX,
  QUESTION_MAX,
  SPOKEN_MAX,
  emptyPollForm,
  formOfPoll,
  optionField,
  type PollForm,
} from './poll-form.ts';
import { presentPollHistory } from './poll-history.ts';
import type { Refusal } from './poll-lock.ts';
import { REASON_MAX } from './poll-state.service.ts';

export const POLLS = '/staff/polls';

const LIMITS = {
  question: QUESTION_MAX,
  description: DESCRIPTION_MAX,
  label: LABEL_MAX,
  spoken: SPOKEN_MAX,
  phoneOptions: PHONE_OPTIONS_MAX,
};

type PageDeps = { db: Db; clock: { now(): Date } };

/** The poll the route names, drafts included, or a 404. */
export async function pollOf(deps: PageDeps, req: Request): Promise<Poll> {
  const poll = await pollById(deps.db, idParam(req));
  if (!poll) throw new NotFoundError();
  return poll;
}

/**
 * A poll as the editors' pages show it: its status now (tagged in the citizens' pages' colours),
 * its times on Athens' clock, how many have voted by web and by phone (never what), and what may
 * still be done with it: nothing once it has closed but reading its results.
 */
function present(req: Request, poll: Poll, turnout: { web: number; phone: number }, now: Date) {
  const status = statusOf(poll, now);
  const votes = turnout.web + turnout.phone;
  const running = status === 'open' || status === 'upcoming';
  const closed = status === 'closed';
  return {
    id: poll.id,
    question: req.lang === 'en' ? poll.question_en : poll.question_el,
    status,
    statusTag: STATUS_TAG[status],
    opens: formatDateTime(poll.opens_at, req.lang),
    closes: formatDateTime(poll.closes_at, req.lang),
    electorate: req.t(`polls.electorate.${poll.electorate}`),
    byPhone: poll.by_phone,
    published: poll.published_at ? formatDateTime(poll.published_at, req.lang) : undefined,
    closedEarly: poll.closed_early_at
      ? { at: formatDateTime(poll.closed_early_at, req.lang), reason: poll.closed_early_reason }
      : undefined,
    turnout: poll.published_at ? { ...turnout, total: votes } : undefined,
    /** What the page says above the details: closed, or frozen by its votes. */
    notice: closed ? ('closed' as const) : votes > 0 ? ('frozen' as const) : undefined,
    editable: votes === 0 && !closed,
    can: {
      publish: status === 'draft',
      withdraw: running && votes === 0,
      remove: votes === 0 && !closed,
      close: running,
    },
    content: poll,
  };
}

export type PresentedPoll = ReturnType<typeof present>;

/** The editors' list: every poll, the newest first, with its turnout once published. */
export async function renderList(deps: PageDeps, req: Request, res: Response): Promise<void> {
  const polls = await allPolls(deps.db);
  const turnout = await turnoutOf(
    deps.db,
    polls.map((poll) => poll.id),
  );
  const now = deps.clock.now();
  res.render('polls/staff/views/list', {
    pageTitle: req.t('polls.staff.title'),
    polls: polls.map((poll) => present(req, poll, turnout.get(poll.id)!, now)),
  });
}

/**
 * A poll's page (or the new poll's form): its details, turnout and actions above the form while
 * nobody has voted, above its content read-only once someone has. `errors` without `values`
 * are a refusal shown at the top.
 */
export async function renderPoll(
  deps: PageDeps,
  req: Request,
  res: Response,
  poll: Poll | undefined,
  form: { values?: PollForm; errors?: FieldError[]; status?: number } = {},
): Promise<void> {
  const turnout = poll ? (await turnoutOf(deps.db, [poll.id])).get(poll.id)! : undefined;
  const presented = poll ? present(req, poll, turnout!, deps.clock.now()) : undefined;
  const errors = form.errors ?? [];
  const action = poll ? `${POLLS}/${poll.id}` : `${POLLS}/new`;
  languageSwitchFrom(res, action);
  res.status(form.status ?? (errors.length ? 400 : 200)).render('polls/staff/views/poll', {
    pageTitle: presented ? presented.question : req.t('polls.staff.newTitle'),
    breadcrumbs: [{ href: POLLS, text: req.t('polls.staff.title') }],
    poll: presented,
    action,
    values: form.values ?? (poll ? formOfPoll(poll) : emptyPollForm()),
    electorates: ELECTORATES,
    optionField,
    limits: LIMITS,
    reasonMax: REASON_MAX,
    ...presentFormErrors(req, errors, [...DATE_FIELDS]),
  });
}

/** Where a refusal's message links to: the closing time, or the poll's details. */
const REFUSAL_TARGET: Partial<Record<Refusal, string>> = { closes_in_past: 'closesAt' };

/** The poll's page again, with why the action was not taken (409: the poll's state forbids it). */
export async function renderRefusal(
  deps: PageDeps,
  req: Request,
  res: Response,
  refusal: Refusal,
): Promise<void> {
  const poll = await pollOf(deps, req);
  const field = REFUSAL_TARGET[refusal] ?? 'poll-details';
  const errors = [{ field, key: `polls.staff.refused.${refusal}` }];
  await renderPoll(deps, req, res, poll, { errors, status: 409 });
}

/** Closing early: the poll, the reason asked for (kept with its error if any). */
export function renderClose(
  req: Request,
  res: Response,
  poll: Poll,
  form: { reason?: string; errors?: FieldError[] } = {},
): void {
  const errors = form.errors ?? [];
  const action = `${POLLS}/${poll.id}/close`;
  languageSwitchFrom(res, action);
  res.status(errors.length ? 400 : 200).render('polls/staff/views/close', {
    pageTitle: req.t('polls.staff.close.title'),
    breadcrumbs: [
      { href: POLLS, text: req.t('polls.staff.title') },
      {
        href: `${POLLS}/${poll.id}`,
        text: req.lang === 'en' ? poll.question_en : poll.question_el,
      },
    ],
    poll,
    question: req.lang === 'en' ? poll.question_en : poll.question_el,
    action,
    reason: form.reason ?? '',
    reasonMax: REASON_MAX,
    ...presentFormErrors(req, errors),
  });
}

/** Deleting is asked about first, on a page of its own. */
export function renderDeleteConfirm(req: Request, res: Response, poll: Poll): void {
  const question = req.lang === 'en' ? poll.question_en : poll.question_el;
  res.render('staff/confirm', {
    pageTitle: req.t('polls.staff.delete.title'),
    breadcrumbs: [
      { href: POLLS, text: req.t('polls.staff.title') },
      { href: `${POLLS}/${poll.id}`, text: question },
    ],
    title: req.t('polls.staff.delete.title'),
    itemName: question,
    lead: req.t('polls.staff.delete.lead'),
    action: `${POLLS}/${poll.id}/delete`,
    yes: req.t('polls.staff.delete.yes'),
    cancel: req.t('polls.staff.delete.cancel'),
    cancelHref: `${POLLS}/${poll.id}`,
  });
}

/** The poll's audit history: who created, changed, published or closed it, and when. */
export async function renderHistory(deps: PageDeps, req: Request, res: Response): Promise<void> {
  const poll = await pollOf(deps, req);
  res.render('staff/history', {
    pageTitle: req.t('staff.history.title'),
    itemTitle: req.lang === 'en' ? poll.question_en : poll.question_el,
    backHref: `${POLLS}/${poll.id}`,
    entries: presentPollHistory(req, await historyOf(deps.db, { type: 'poll', id: poll.id })),
  });
}
