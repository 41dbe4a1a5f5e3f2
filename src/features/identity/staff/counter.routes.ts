import { Router, type Request, type Response } from 'express';
import type { Services } from '../../../services.ts';
import type { Deps } from '../../../deps.ts';
import { idParam } from '../../../lib/params.ts';
import { formFields, presentErrors } from '../../../lib/form.ts';
import { formatPhone } from '../../../lib/phone.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import { emailSchema, phoneSchema, validate } from '../../accounts/accounts.schemas.ts';
import type { HubEntry } from '../../hub/hub-entry.ts';
import type { FormError } from '../../decisions/staff/decision-form.ts';
import { identityChecksOf, searchCitizens } from './citizens.repository.ts';
import { presentedDocumentErrors } from './contact-correction.service.ts';
import { DOCUMENT_TYPES } from './counter.service.ts';

/** /staff/citizens: find a citizen, check identity in person, revoke, resend activation, correct contact details. */
export function createCounterRouter(
  deps: Deps,
  hubEntries: readonly HubEntry[],
  services: Pick<Services, 'counter' | 'contactCorrection'>,
): Router {
  const { counter, contactCorrection: correctContact } = services;
  const router = Router();

  router.get('/', async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 100) : '';
    const results = q.length >= 2 ? await searchCitizens(deps.db, q) : [];
    res.render('staff/citizens/search', {
      pageTitle: req.t('staff.counter.title'),
      q,
      searched: q.length >= 2,
      results: results.map((r) => ({ ...r, phone: r.phone_e164 ? formatPhone(r.phone_e164) : '' })),
      tooShort: q.length === 1,
    });
  });

  const renderRecord = async (
    req: Request,
    res: Response,
    id: number,
    errors: FormError[] = [],
    values: Record<string, string> = {},
    status = 200,
  ) => {
    const user = await counter.citizen(id);
    // The record's forms (verify, revoke, contact) are answered with the record.
    languageSwitchFrom(res, `/staff/citizens/${id}`);
    res.status(status).render('staff/citizens/record', {
      pageTitle: user.full_name,
      citizen: { ...user, phone: user.phone_e164 ? formatPhone(user.phone_e164) : '' },
      checks: await identityChecksOf(deps.db, id),
      documentTypes: DOCUMENT_TYPES,
      values,
      ...presentErrors(req, errors),
    });
  };
  const done = (req: Request, res: Response, id: number, key: string) => {
    req.session.flash = { key };
    res.redirect(303, `/staff/citizens/${id}`);
  };

  router.get('/:id', async (req, res) => renderRecord(req, res, idParam(req)));

  router.post('/:id/verify', async (req, res) => {
    const id = idParam(req);
    const values = formFields(req.body, ['documentType', 'documentNumber', 'afm', 'present']);
    const errors = await counter.verify(id, values, req.user!.id, auditContext(req));
    if (errors.length)
      return renderRecord(
        req,
        res,
        id,
        errors,
        { ...values, documentNumber: values.documentNumber },
        400,
      );
    // Only what the check opens today: the e-services on offer that need it, or that none does yet.
    const opened = hubEntries.filter((entry) => entry.access === 'verified');
    req.session.flash = opened.length
      ? {
          key: 'staff.counter.verifiedOpens',
          params: { services: opened.map((entry) => req.t(entry.titleKey)).join(', ') },
        }
      : { key: 'staff.counter.verifiedNothingYet' };
    res.redirect(303, `/staff/citizens/${id}`);
  });

  router.post('/:id/revoke', async (req, res) => {
    const id = idParam(req);
    const { reason } = formFields(req.body, ['reason']);
    const errors = await counter.revoke(id, reason, req.user!.id, auditContext(req));
    if (errors.length) return renderRecord(req, res, id, errors, { reason }, 400);
    done(req, res, id, 'staff.counter.revoked');
  });

  router.post('/:id/resend-activation', async (req, res) => {
    const id = idParam(req);
    const sent = await counter.resendActivation(id, req.user!.id, auditContext(req));
    done(req, res, id, sent ? 'staff.counter.activationSent' : 'staff.counter.alreadyActive');
  });

  router.post('/:id/contact', async (req, res) => {
    const id = idParam(req);
    const values = formFields(req.body, [
      'phone',
      'email',
      'contactDocumentType',
      'contactDocumentNumber',
    ]);
    const errors: FormError[] = [];
    let phone: string | undefined;
    let email: string | undefined;
    if (values.phone.trim()) {
      const parsed = validate(phoneSchema, values.phone);
      if (parsed.data) phone = parsed.data;
      else
        errors.push({
          field: 'phone',
          key: parsed.errors[0]?.key ?? 'accounts.errors.phoneFormat',
        });
    }
    if (values.email.trim()) {
      const parsed = validate(emailSchema, values.email);
      if (parsed.data) email = parsed.data;
      else
        errors.push({
          field: 'email',
          key: parsed.errors[0]?.key ?? 'accounts.errors.emailFormat',
        });
    }
    if (!phone && !email && !errors.length)
      errors.push({ field: 'phone', key: 'staff.counter.errors.nothingToChange' });
    const document = { type: values.contactDocumentType, number: values.contactDocumentNumber };
    errors.push(...presentedDocumentErrors(document));
    if (!errors.length)
      errors.push(
        ...(await correctContact(
          await counter.citizen(id),
          { phone, email },
          document,
          req.user!.id,
          auditContext(req),
        )),
      );
    if (errors.length) return renderRecord(req, res, id, errors, values, 400);
    done(req, res, id, 'staff.counter.contactCorrected');
  });

  return router;
}
