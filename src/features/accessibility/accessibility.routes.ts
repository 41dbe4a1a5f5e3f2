import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../deps.ts';
import type { FieldError } from '../../lib/errors.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import { formatDate } from '../../lib/format.ts';
import { readSetting } from '../settings/settings.ts';
import { FEEDBACK_FIELDS, sendFeedback, WHAT_MAX, type FeedbackForm } from './feedback.service.ts';
import {
  NON_COMPLIANT,
  OUT_OF_SCOPE,
  STATEMENT_PREPARED_ON,
  STATEMENT_REVIEWED_ON,
} from './statement.ts';

const EMPTY: FeedbackForm = { where: '', what: '', name: '', email: '' };

/**
 * /accessibility: the statement in the EU model, the same for every visitor (a kept public page,
 * no session); /accessibility/feedback: the form that reports a problem to the municipality
 * (a session path: its anonymous CSRF token), post/redirect/get to /accessibility/feedback/sent.
 */
export function createAccessibilityRouter(deps: Deps): Router {
  const router = Router();
  router.get('/accessibility', statement(deps));
  router.get('/accessibility/feedback', async (req, res) => {
    await renderForm(deps, req, res, { values: EMPTY, errors: [] });
  });
  router.post('/accessibility/feedback', receive(deps));
  router.get('/accessibility/feedback/sent', (req, res) => {
    res.render('accessibility/views/feedback-sent', {
      pageTitle: req.t('accessibility.feedback.sent.title'),
    });
  });
  return router;
}

function statement(deps: Deps): RequestHandler {
  return (req, res) => {
    res.render('accessibility/views/statement', {
      pageTitle: req.t('accessibility.statement.title'),
      siteAddress: deps.config.baseUrl,
      preparedOn: formatDate(STATEMENT_PREPARED_ON, req.lang),
      reviewedOn: formatDate(STATEMENT_REVIEWED_ON, req.lang),
      nonCompliant: NON_COMPLIANT,
      outOfScope: OUT_OF_SCOPE,
    });
  };
}

async function renderForm(
  deps: Deps,
  req: Request,
  res: Response,
  form: { values: FeedbackForm; errors: FieldError[] },
  status = 200,
): Promise<void> {
  res.status(status).render('accessibility/views/feedback', {
    pageTitle: req.t('accessibility.feedback.title'),
    breadcrumbs: [{ href: '/accessibility', text: req.t('accessibility.statement.title') }],
    values: form.values,
    whatMax: WHAT_MAX,
    days: await readSetting(deps, 'accessibility.feedbackDays'),
    ...presentErrors(req, form.errors),
  });
}

function receive(deps: Deps): RequestHandler {
  return async (req, res) => {
    const values = formFields(req.body, FEEDBACK_FIELDS);
    const result = await sendFeedback(deps, values, req.lang, req.ip ?? 'unknown');
    if (!result.ok) {
      await renderForm(deps, req, res, { values, errors: result.errors }, result.status);
      return;
    }
    res.redirect(303, '/accessibility/feedback/sent');
  };
}
