import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Services } from '../../../services.ts';
import type { Deps } from '../../../deps.ts';
import { idParam } from '../../../lib/params.ts';
import { formFields, presentErrors } from '../../../lib/form.ts';
import { formatPhone } from '../../../lib/phone.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { HubEntry } from '../../hub/hub-entry.ts';
import type { FormError } from '../../decisions/staff/decision-form.ts';
import { readContactForm } from './contact-form.ts';
import { DOCUMENT_TYPES } from './counter.service.ts';

type Counter = Services['counter'];

/** A citizen's record; its forms (verify, revoke, contact) are answered with it. */
async function renderRecord(
  counter: Counter,
  req: Request,
  res: Response,
  id: number,
  form: { errors?: FormError[]; values?: Record<string, string> } = {},
  status = 200,
): Promise<void> {
  const user = await counter.findCitizen(id);
  languageSwitchFrom(res, `/staff/citizens/${id}`);
  res.status(status).render('identity/staff/views/record', {
    pageTitle: user.full_name,
    citizen: { ...user, phone: user.phone_e164 ? formatPhone(user.phone_e164) : '' },
    checks: await counter.identityChecks(id),
    documentTypes: DOCUMENT_TYPES,
    values: form.values ?? {},
    ...presentErrors(req, form.errors ?? []),
  });
}

/** Back to the record, with a message (post/redirect/get). */
function done(req: Request, res: Response, id: number, key: string): void {
  req.session.flash = { key };
  res.redirect(303, `/staff/citizens/${id}`);
}

/** What the check opens today: the e-services on offer that need it, or that none does yet. */
function openedByCheck(req: Request, hubEntries: readonly HubEntry[]) {
  const opened = hubEntries.filter((entry) => entry.access === 'verified');
  return opened.length
    ? {
        key: 'staff.counter.verifiedOpens',
        params: { services: opened.map((entry) => req.t(entry.titleKey)).join(', ') },
      }
    : { key: 'staff.counter.verifiedNothingYet' };
}

/** /staff/citizens: find a citizen, check identity in person, revoke, resend activation, correct contact details. */
export function createCounterRouter(
  _deps: Deps,
  hubEntries: readonly HubEntry[],
  { counter }: Pick<Services, 'counter'>,
): Router {
  const router = Router();

  router.get('/', search(counter));
  router.get('/:id', async (req, res) => renderRecord(counter, req, res, idParam(req)));
  router.post('/:id/verify', verify(counter, hubEntries));
  router.post('/:id/revoke', revoke(counter));
  router.post('/:id/resend-activation', resendActivation(counter));
  router.post('/:id/contact', correctContact(counter));

  return router;
}

function search(counter: Counter): RequestHandler {
  return async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 100) : '';
    const results = q.length >= 2 ? await counter.findCitizens(q) : [];
    res.render('identity/staff/views/search', {
      pageTitle: req.t('staff.counter.title'),
      q,
      searched: q.length >= 2,
      results: results.map((r) => ({ ...r, phone: r.phone_e164 ? formatPhone(r.phone_e164) : '' })),
      tooShort: q.length === 1,
    });
  };
}

function verify(counter: Counter, hubEntries: readonly HubEntry[]): RequestHandler {
  return async (req, res) => {
    const id = idParam(req);
    const values = formFields(req.body, ['documentType', 'documentNumber', 'afm', 'present']);
    const errors = await counter.verifyIdentity(id, values, req.user!.id, auditContext(req));
    if (errors.length) return renderRecord(counter, req, res, id, { errors, values }, 400);
    req.session.flash = openedByCheck(req, hubEntries);
    res.redirect(303, `/staff/citizens/${id}`);
  };
}

function revoke(counter: Counter): RequestHandler {
  return async (req, res) => {
    const id = idParam(req);
    const { reason } = formFields(req.body, ['reason']);
    const errors = await counter.revokeIdentity(id, reason, req.user!.id, auditContext(req));
    if (errors.length)
      return renderRecord(counter, req, res, id, { errors, values: { reason } }, 400);
    done(req, res, id, 'staff.counter.revoked');
  };
}

function resendActivation(counter: Counter): RequestHandler {
  return async (req, res) => {
    const id = idParam(req);
    const sent = await counter.resendActivation(id, req.user!.id, auditContext(req));
    done(req, res, id, sent ? 'staff.counter.activationSent' : 'staff.counter.alreadyActive');
  };
}

function correctContact(counter: Counter): RequestHandler {
  return async (req, res) => {
    const id = idParam(req);
    const { values, change, document, errors } = readContactForm(req.body);
    if (!errors.length) {
      const citizen = await counter.findCitizen(id);
      const context = auditContext(req);
      errors.push(
        ...(await counter.correctContact(citizen, change, document, req.user!.id, context)),
      );
    }
    if (errors.length) return renderRecord(counter, req, res, id, { errors, values }, 400);
    done(req, res, id, 'staff.counter.contactCorrected');
  };
}
