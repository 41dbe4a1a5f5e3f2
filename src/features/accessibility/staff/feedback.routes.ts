import { Router, type Request } from 'express';
import { NotFoundError } from '../../../lib/errors.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { auditContext, recordAudit } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { readSetting } from '../../settings/settings.ts';
import {
  feedbackExists,
  listAnsweredFeedback,
  listOpenFeedback,
  markFeedbackAnswered,
  type FeedbackRow,
} from '../feedback.repository.ts';

/** Answered reports shown below the open ones: the latest, enough to check a recent answer. */
const ANSWERED_SHOWN = 50;

/**
 * /staff/accessibility-feedback (admins): the reports sent through the accessibility statement's
 * form, those waiting for an answer first; each can be marked answered (audited), and the
 * retention rule deletes it `accessibility.feedbackDays` later.
 */
export function createFeedbackRouter({ deps }: ModuleContext): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const open = await listOpenFeedback(deps.db);
    const answered = await listAnsweredFeedback(deps.db, ANSWERED_SHOWN);
    res.render('accessibility/staff/views/feedback', {
      pageTitle: req.t('accessibility.staff.title'),
      days: await readSetting(deps, 'accessibility.feedbackDays'),
      open: open.map((row) => present(req, row)),
      answered: answered.map((row) => ({
        ...present(req, row),
        answeredOn: formatDateTime(row.answered_at!, req.lang),
        answeredBy: row.answered_by_name ?? '',
      })),
    });
  });
  router.post('/:id/answered', async (req, res) => {
    const id = idParam(req);
    const marked = await deps.db.transaction(async (trx) => {
      const done = await markFeedbackAnswered(trx, id, req.user!.id, deps.clock.now());
      if (done)
        await recordAudit(
          trx,
          {
            action: 'accessibility.feedback_answered',
            actorId: req.user!.id,
            entity: { type: 'accessibility_feedback', id },
          },
          auditContext(req),
        );
      return done;
    });
    if (!marked && !(await feedbackExists(deps.db, id))) throw new NotFoundError();
    req.session.flash = {
      key: marked ? 'accessibility.staff.marked' : 'accessibility.staff.alreadyAnswered',
      params: { id: String(id) },
    };
    res.redirect(303, '/staff/accessibility-feedback');
  });
  return router;
}

function idParam(req: Request): number {
  const text = String(req.params.id);
  if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > 2_147_483_647) throw new NotFoundError();
  return Number(text);
}

function present(req: Request, row: FeedbackRow) {
  return {
    id: row.id,
    receivedOn: formatDateTime(row.created_at, req.lang),
    where: row.page ?? '',
    whatLines: row.what.split('\n'),
    name: row.name ?? '',
    email: row.email ?? '',
    lang: row.lang,
  };
}
