import { Router, type Request, type RequestHandler, type Response } from 'express';
import { NotFoundError, type FieldError } from '../../lib/errors.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import { idParam } from '../../lib/params.ts';
import { languageSwitchFrom } from '../../middleware/language.ts';
import { requireCitizen } from '../../middleware/auth.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import type { Module, ModuleContext } from '../module.ts';
import {
  presentListItem,
  presentPoll,
  presentResults,
  resultsChart,
  votedText,
  type Standing,
} from './polls.present.ts';
import { statusOf, type Poll, type VoterRow } from './polls.repository.ts';
import { eligibility, versionOf, type VoteRefusal } from './polls.service.ts';
import { resultsCsv, resultsJson } from './results.ts';

export const POLLS_HUB_ENTRY: HubEntry = {
  id: 'polls',
  href: '/polls',
  titleKey: 'polls.citizen.hub.title',
  descriptionKey: 'polls.citizen.hub.description',
  access: 'account',
};

const text = 'polls.citizen';

/** On the account page, for a citizen (not a staff account): the open polls they may still vote in. */
export const openPollsSummary: NonNullable<Module['accountSummary']> = async (ctx, user) => {
  if (user.roles.length) return undefined;
  const { open } = await ctx.services.polls.published();
  const theirs = open.filter((poll) => !eligibility(poll, user));
  const voted = await ctx.services.polls.votesOf(
    theirs.map((poll) => poll.id),
    user,
  );
  return {
    textKey: `${text}.account.open`,
    params: { count: theirs.filter((poll) => !voted.has(poll.id)).length },
    href: '/polls',
  };
};

/**
 * The citizens' pages: /polls, a poll with its vote form and confirmation step, and a closed
 * poll's results (in the page, and as CSV, JSON and SVG at stable addresses). A draft is a 404
 * for everyone, as a poll that does not exist.
 *
 * The choice travels only in the bodies of the two POSTs (the form, then the confirmation): never
 * in an address (addresses are logged), the session, a flash message, the audit log or a log line.
 */
export function createPollsRouter(ctx: ModuleContext): Router {
  const router = Router();
  router.get('/polls', listPage(ctx));
  router.get('/polls/:id', async (req, res) =>
    renderPoll(ctx, req, res, await publishedPoll(ctx, req)),
  );
  router.post('/polls/:id/vote', requireCitizen, chooseStep(ctx));
  router.post('/polls/:id/vote/confirm', requireCitizen, confirmStep(ctx));
  router.get('/polls/:id/results.csv', resultsFile(ctx, 'csv'));
  router.get('/polls/:id/results.json', resultsFile(ctx, 'json'));
  router.get('/polls/:id/results.svg', resultsFile(ctx, 'svg'));
  return router;
}

/** The published poll with this id, if any (a draft is none). */
async function findPublished(ctx: ModuleContext, id: number): Promise<Poll | undefined> {
  const poll = await ctx.services.polls.poll(id);
  return poll?.published_at ? poll : undefined;
}

/** The published poll at this address; a draft, a missing poll or a malformed id is a 404. */
async function publishedPoll(ctx: ModuleContext, req: Request): Promise<Poll> {
  const poll = await findPublished(ctx, idParam(req));
  if (!poll) throw new NotFoundError();
  return poll;
}

/** The address's id, or undefined for one that is not (the results files answer their own 404). */
function idOrNone(req: Request): number | undefined {
  try {
    return idParam(req);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** Where the visitor stands in this poll: anonymous, voted (day and channel), refused, or free to vote. */
async function standingIn(ctx: ModuleContext, poll: Poll, user?: Express.User): Promise<Standing> {
  if (!user) return { kind: 'anonymous' };
  const voted = await ctx.services.polls.voted(poll.id, user);
  if (voted) return { kind: 'voted', voted };
  const reason = eligibility(poll, user);
  return reason ? { kind: 'ineligible', reason } : { kind: 'mayVote' };
}

function listPage(ctx: ModuleContext): RequestHandler {
  return async (req, res) => {
    const now = ctx.deps.clock.now();
    const { open, upcoming, closed } = await ctx.services.polls.published();
    const user = req.user;
    const votes = user
      ? await ctx.services.polls.votesOf(
          [...open, ...closed].map((poll) => poll.id),
          user,
        )
      : new Map<number, VoterRow>();
    // Also for an upcoming poll (no tag there, but no phone line for an account that may not vote).
    const standing = (poll: Poll): Standing | undefined => {
      if (!user) return undefined;
      const voted = votes.get(poll.id);
      if (voted) return { kind: 'voted', voted };
      if (statusOf(poll, now) === 'closed') return undefined;
      const reason = eligibility(poll, user);
      return reason ? { kind: 'ineligible', reason } : { kind: 'mayVote' };
    };
    res.render('polls/views/list', {
      pageTitle: req.t(`${text}.title`),
      open: open.map((poll) => presentListItem(req, poll, now, standing(poll))),
      upcoming: upcoming.map((poll) => presentListItem(req, poll, now, standing(poll))),
      closed: closed.map((poll) => presentListItem(req, poll, now, standing(poll))),
    });
  };
}

/** Why the vote was not taken, as the poll's page says it above the poll as it now stands. */
type Refusal = Exclude<VoteRefusal, 'not_found' | 'no_such_option' | 'not_by_phone'>;

const REFUSAL_STATUS: Record<Refusal, number> = {
  already_voted: 409,
  poll_changed: 409,
  closed: 409,
  not_open: 409,
  staff: 403,
  not_verified: 403,
  inactive: 403,
};

interface PollPageExtra {
  refusal?: Refusal;
  errors?: readonly FieldError[];
}

/**
 * A poll's page as it stands for this visitor now: the form, the day they voted, why they
 * cannot, when it opens, or its results. After a POST it also carries the refusal or the
 * form's error, with the status that says so.
 */
async function renderPoll(
  ctx: ModuleContext,
  req: Request,
  res: Response,
  poll: Poll,
  extra: PollPageExtra = {},
): Promise<void> {
  const now = ctx.deps.clock.now();
  const standing = await standingIn(ctx, poll, req.user);
  const shown = presentPoll(req, poll, now, standing);
  const results = shown.status === 'closed' ? await ctx.services.polls.results(poll) : undefined;
  const errors = extra.errors ?? [];
  const status = extra.refusal ? REFUSAL_STATUS[extra.refusal] : errors.length ? 400 : 200;
  languageSwitchFrom(res, shown.href);
  res.status(status).render('polls/views/poll', {
    pageTitle: shown.question,
    breadcrumbs: [{ href: '/polls', text: req.t(`${text}.title`) }],
    poll: shown,
    standing: standing.kind,
    ineligible: standing.kind === 'ineligible' ? standing.reason : '',
    voted: standing.kind === 'voted' ? votedText(req, standing.voted) : '',
    signInHref: `/login?next=${encodeURIComponent(shown.href)}`,
    refusal: extra.refusal ?? '',
    results: results && presentResults(req, poll, results),
    ...presentErrors(req, errors),
  });
}

/** Why this citizen cannot vote in this poll now, whatever they chose; undefined if they can. */
async function refusalFor(ctx: ModuleContext, poll: Poll, user: Express.User) {
  const status = statusOf(poll, ctx.deps.clock.now());
  if (status === 'closed') return 'closed';
  if (status !== 'open') return 'not_open';
  if (await ctx.services.polls.voted(poll.id, user)) return 'already_voted';
  return eligibility(poll, user);
}

/** The option sent in `choice` (its position, as the form writes it), if the poll has it. */
function chosenOption(poll: Poll, value: string) {
  return /^[1-9]\d?$/.test(value)
    ? poll.options.find((option) => option.position === Number(value))
    : undefined;
}

const CHOOSE: FieldError = { field: 'choice', key: `${text}.vote.errors.choose` };

/**
 * POST /polls/:id/vote: the form sent. With a choice, the check before the vote (every option
 * again, the chosen one checked, and the poll's version: a vote counts only for what was shown);
 * without, the form again with its error. The page is the same length whatever was chosen and
 * goes out uncompressed (`no-transform`), so its size on the wire does not tell the choice.
 */
function chooseStep(ctx: ModuleContext): RequestHandler {
  return async (req, res) => {
    const poll = await publishedPoll(ctx, req);
    const refusal = await refusalFor(ctx, poll, req.user!);
    if (refusal) return renderPoll(ctx, req, res, poll, { refusal });
    const option = chosenOption(poll, formFields(req.body, ['choice']).choice);
    if (!option) return renderPoll(ctx, req, res, poll, { errors: [CHOOSE] });
    // No refusal: this citizen may vote.
    const shown = presentPoll(req, poll, ctx.deps.clock.now(), { kind: 'mayVote' });
    languageSwitchFrom(res, shown.href);
    res.setHeader('Cache-Control', 'no-store, no-transform');
    res.render('polls/views/confirm', {
      pageTitle: req.t(`${text}.confirm.title`),
      breadcrumbs: [
        { href: '/polls', text: req.t(`${text}.title`) },
        { href: shown.href, text: shown.question },
      ],
      poll: shown,
      chosen: option.position,
      version: versionOf(poll),
    });
  };
}

/**
 * POST /polls/:id/vote/confirm: the vote, cast by the service (web channel) for the poll as the
 * check page showed it. Recorded: a message that says so (not what) and the poll's page.
 * Refused: the poll's page as it stands, saying why (edited meanwhile: look at it again).
 */
function confirmStep(ctx: ModuleContext): RequestHandler {
  return async (req, res) => {
    const poll = await publishedPoll(ctx, req);
    const { choice, version } = formFields(req.body, ['choice', 'version']);
    const result = await ctx.services.polls.vote({
      user: req.user!,
      pollId: poll.id,
      // Not one of the poll's options: a position no poll has, refused in the service's order.
      option: chosenOption(poll, choice)?.position ?? 0,
      channel: 'web',
      version,
    });
    if (result.ok) {
      req.session.flash = { key: `${text}.notice.voted` };
      return res.redirect(303, `/polls/${poll.id}`);
    }
    const { reason } = result;
    if (reason === 'not_found') throw new NotFoundError();
    if (reason === 'no_such_option' || reason === 'not_by_phone')
      return renderPoll(ctx, req, res, poll, { errors: [CHOOSE] });
    return renderPoll(ctx, req, res, poll, { refusal: reason });
  };
}

/**
 * A closed poll's results as a file: CSV (for Excel), JSON or the chart as SVG. Until the poll
 * closes (and for a draft or no poll at all) a 404 that says results come after the close.
 */
function resultsFile(ctx: ModuleContext, format: 'csv' | 'json' | 'svg'): RequestHandler {
  return async (req, res) => {
    const id = idOrNone(req);
    const poll = id === undefined ? undefined : await findPublished(ctx, id);
    const results = poll && (await ctx.services.polls.results(poll));
    if (!poll || !results) {
      const message = req.t(`${text}.results.${poll ? 'notYet' : 'noPoll'}`);
      res.status(404);
      if (format === 'json') return res.json({ error: poll ? 'not_closed' : 'not_found', message });
      return res.type('text/plain; charset=utf-8').send(`${message}\n`);
    }
    if (format === 'json') return res.json(resultsJson(poll, results));
    if (format === 'svg')
      return res.type('image/svg+xml; charset=utf-8').send(resultsChart(req, poll, results, true));
    res.attachment(`poll-${poll.id}-results.csv`);
    res.type('text/csv; charset=utf-8').send(resultsCsv(poll, results));
  };
}
