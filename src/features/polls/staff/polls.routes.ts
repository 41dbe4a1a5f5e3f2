import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { athensDate } from '../../../lib/format.ts';
import { idParam } from '../../../lib/params.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { statusOf } from '../polls.repository.ts';
import { createPollEditor, type PollEditor } from './poll-editor.service.ts';
import { hasVotes, type EditorResult } from './poll-lock.ts';
import { checkPollForm, readPollForm } from './poll-form.ts';
import {
  pollOf,
  POLLS,
  renderClose,
  renderDeleteConfirm,
  renderHistory,
  renderList,
  renderPoll,
  renderRefusal,
} from './poll.pages.ts';

type RouteDeps = Pick<Deps, 'db' | 'clock'>;

/**
 * The editors' pages (/staff/polls): the list with turnout, a poll's form while nobody has voted,
 * publishing, withdrawing, deleting, closing early, history. Never interim results: staff see
 * how many voted by web and by phone, and the public results once a poll has closed.
 */
export function createStaffPollsRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const editor = createPollEditor(deps);
  const router = Router();
  router.get('/', (req, res) => renderList(deps, req, res));
  router.get('/new', (req, res) => renderPoll(deps, req, res, undefined));
  router.post('/new', save(deps, editor, false));
  router.get('/:id', async (req, res) => renderPoll(deps, req, res, await pollOf(deps, req)));
  router.post('/:id', save(deps, editor, true));
  router.post(
    '/:id/publish',
    act(deps, (req) => editor.publish(...who(req)), 'published'),
  );
  router.post(
    '/:id/withdraw',
    act(deps, (req) => editor.withdraw(...who(req)), 'withdrawn'),
  );
  router.get('/:id/delete', async (req, res) => {
    const poll = await pollOf(deps, req);
    // Nothing to ask about once the poll has votes or has closed: it is not deleted then.
    const kept =
      statusOf(poll, deps.clock.now()) === 'closed' || (await hasVotes(deps.db, poll.id));
    if (kept) return res.redirect(303, `${POLLS}/${poll.id}`);
    renderDeleteConfirm(req, res, poll);
  });
  router.post('/:id/delete', async (req, res) => {
    const id = idParam(req);
    if (field(req, 'confirm') !== 'yes') return res.redirect(303, `${POLLS}/${id}/delete`);
    const result = await editor.remove(...who(req));
    if (!result.ok) return answer(deps, req, res, result, 'deleted');
    req.session.flash = { key: 'polls.staff.done.deleted' };
    res.redirect(303, POLLS);
  });
  router.get('/:id/close', async (req, res) => {
    const poll = await pollOf(deps, req);
    const status = statusOf(poll, deps.clock.now());
    if (status !== 'open' && status !== 'upcoming') return res.redirect(303, `${POLLS}/${poll.id}`);
    renderClose(req, res, poll);
  });
  router.post('/:id/close', async (req, res) => {
    const [id, staffId, context] = who(req);
    const reason = field(req, 'reason');
    const result = await editor.closeEarly(id, reason, staffId, context);
    if (!result.ok && 'errors' in result)
      return renderClose(req, res, await pollOf(deps, req), { reason, errors: result.errors });
    await answer(deps, req, res, result, 'closed');
  });
  router.get('/:id/history', (req, res) => renderHistory(deps, req, res));
  return router;
}

/** The poll id, the editor and where the request came from: what every action takes. */
const who = (req: Request) => [idParam(req), req.user!.id, auditContext(req)] as const;

const field = (req: Request, name: string): string => {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

/** Saves the form (a new draft, or changes); its problems shown at their fields. */
function save(deps: RouteDeps, editor: PollEditor, existing: boolean): RequestHandler {
  return async (req, res) => {
    const poll = existing ? await pollOf(deps, req) : undefined;
    // A poll that can no longer change says so, whatever was typed (checked again under lock).
    if (poll && (await hasVotes(deps.db, poll.id)))
      return renderRefusal(deps, req, res, 'has_votes');
    if (poll && statusOf(poll, deps.clock.now()) === 'closed')
      return renderRefusal(deps, req, res, 'closed');
    const values = readPollForm(req.body);
    const dateLabels = {
      opensAt: req.t('polls.staff.fields.opensAt'),
      closesAt: req.t('polls.staff.fields.closesAt'),
    };
    const thisYear = Number(athensDate(deps.clock.now()).slice(0, 4));
    const checked = checkPollForm(values, dateLabels, thisYear);
    const result: EditorResult = checked.input
      ? await editor.save(poll?.id, checked.input, req.user!.id, auditContext(req))
      : { ok: false, errors: checked.errors };
    if (!result.ok && 'errors' in result)
      return renderPoll(deps, req, res, poll, { values, errors: result.errors });
    await answer(deps, req, res, result, existing ? 'updated' : 'created');
  };
}

/** A change of state (publish, withdraw): back to the poll's page, or why it was refused. */
function act(
  deps: RouteDeps,
  change: (req: Request) => Promise<EditorResult>,
  doneKey: string,
): RequestHandler {
  return async (req, res) => answer(deps, req, res, await change(req), doneKey);
}

/**
 * Done: the message for the next page, and back to the poll. Refused (the poll's state forbids
 * it: votes came, it closed): the poll's page with why. Field errors are the caller's to show.
 */
async function answer(
  deps: RouteDeps,
  req: Request,
  res: Response,
  result: EditorResult,
  doneKey: string,
): Promise<void> {
  if (result.ok) {
    req.session.flash = { key: `polls.staff.done.${doneKey}` };
    return res.redirect(303, `${POLLS}/${result.id}`);
  }
  if ('errors' in result) throw new Error('field errors are shown by the form');
  await renderRefusal(deps, req, res, result.refused);
}
