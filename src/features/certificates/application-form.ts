import type { Request, RequestHandler, Response } from 'express';
import { ValidationError, type FieldError } from '../../lib/errors.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import { formatDate, formatMoney } from '../../lib/format.ts';
import { languageSwitchFrom } from '../../middleware/language.ts';
import { formatPostalAddress, postalAddressOf } from '../accounts/postal-address.ts';
import { auditContext } from '../audit/audit.repository.ts';
import type { ModuleContext } from '../module.ts';
import { fullNameOf } from '../roll/roll.repository.ts';
import { applyable, presentOwed, presentType, typeNameOf } from './certificates.present.ts';
import { listTypes, type CertificateTypeRow } from './certificates.repository.ts';
import { POST_ADDRESS_MAX, PURPOSE_MAX, SealUnavailableError } from './certificates.service.ts';

const FIELDS = ['type', 'subject', 'purpose', 'delivery', 'postAddress'] as const;
export type ApplicationForm = Record<(typeof FIELDS)[number], string>;
const ALL_METHODS = ['email', 'post', 'pickup'] as const;
const text = 'certificates.citizen';

/** A verified citizen (a clerk checked their identity and recorded their AFM) may apply. */
export const mayApply = (user: Express.User) => Boolean(user.identity_verified_at && user.afm);

/** The page that says certificates open after the in-person identity check. */
export function renderNotVerified(
  req: Request,
  res: Response,
  status = 403,
  types: unknown[] = [],
) {
  res.status(status).render('certificates/views/not-verified', {
    pageTitle: req.t(`${text}.title`),
    types,
  });
}

/**
 * The people the citizen may name as the certificate's subject: themselves and, for a type that
 * allows it (or before a type is chosen), the members of their own family record.
 */
async function subjectsFor(ctx: ModuleContext, req: Request, type: CertificateTypeRow | undefined) {
  const { own, members } = await ctx.services.certificates.subjectsOf(req.user!.afm!, type);
  const self = { value: 'self', label: own ? fullNameOf(own) : req.user!.full_name };
  const others = members.map((member) => ({
    value: String(member.id),
    label: `${fullNameOf(member)} (${req.t(`certificates.relations.${member.relation}`)}${
      member.deceased_on ? `, ${req.t(`${text}.form.deceased`)}` : ''
    })`,
  }));
  return { onRoll: Boolean(own), subjects: [self, ...others] };
}

/** The application form, empty (with the type from the address) or as sent, with its errors. */
export async function renderApplicationForm(
  ctx: ModuleContext,
  req: Request,
  res: Response,
  form: { values?: ApplicationForm; errors?: readonly FieldError[] } = {},
): Promise<void> {
  const types = (await listTypes(ctx.deps.db, { activeOnly: true })).filter(applyable);
  const asked = typeof req.query.type === 'string' ? req.query.type : '';
  const values: ApplicationForm = form.values ?? {
    type: types.some((type) => type.code === asked) ? asked : '',
    subject: 'self',
    purpose: '',
    delivery: '',
    postAddress: formatAddress(req.user!),
  };
  const chosen = types.find((type) => type.code === values.type);
  const { onRoll, subjects } = await subjectsFor(ctx, req, chosen);
  const errors = form.errors ?? [];
  languageSwitchFrom(
    res,
    `/certificates/new${values.type ? `?type=${encodeURIComponent(values.type)}` : ''}`,
  );
  res.status(errors.length ? 400 : 200).render('certificates/views/new', {
    pageTitle: chosen ? typeNameOf(chosen, req.lang) : req.t(`${text}.form.title`),
    breadcrumbs: [{ href: '/certificates', text: req.t(`${text}.title`) }],
    types: types.map((type) => presentType(req, type)),
    chosen: chosen && presentType(req, chosen),
    // Without a type, every way (the service checks the chosen type's).
    methods: chosen?.delivery_methods ?? ALL_METHODS,
    subjects,
    // Someone not on the roll can still ask for the no-debt certificate (the AFM is enough).
    notOnRoll: !onRoll && chosen?.template !== 'no_debt',
    email: req.user!.email,
    purposeMax: PURPOSE_MAX,
    postAddressMax: POST_ADDRESS_MAX,
    values,
    ...presentErrors(req, errors),
  });
}

function formatAddress(user: Express.User): string {
  const address = postalAddressOf(user);
  return address ? formatPostalAddress(address) : '';
}

/** 'self', a roll id, or 0 (nobody: the service answers it as it answers any stranger). */
function subjectOf(value: string): 'self' | number {
  if (value === 'self' || value === '') return 'self';
  return /^[1-9]\d{0,9}$/.test(value) ? Number(value) : 0;
}

/** POST /certificates: the service decides; the page shows its answer. */
export function submitApplication(ctx: ModuleContext): RequestHandler {
  return async (req, res) => {
    const user = req.user!;
    if (!mayApply(user)) return renderNotVerified(req, res);
    const values = formFields(req.body, FIELDS);
    let result;
    try {
      result = await ctx.services.certificates.apply(
        {
          user,
          typeCode: values.type,
          subject: subjectOf(values.subject),
          purpose: values.purpose,
          delivery: values.delivery,
          postAddress: values.postAddress,
          channel: 'web',
        },
        auditContext(req),
      );
    } catch (error) {
      if (error instanceof ValidationError)
        return renderApplicationForm(ctx, req, res, { values, errors: error.errors });
      if (error instanceof SealUnavailableError) {
        req.log.error({ err: error }, 'certificate seal unavailable');
        res.setHeader('Retry-After', '300');
        return res.status(503).render('certificates/views/unavailable', {
          pageTitle: req.t(`${text}.unavailable.title`),
        });
      }
      throw error;
    }
    if (!result.ok) {
      languageSwitchFrom(res, '/certificates');
      return res.render('certificates/views/owes', {
        pageTitle: req.t(`${text}.owes.title`),
        breadcrumbs: [{ href: '/certificates', text: req.t(`${text}.title`) }],
        items: presentOwed(req, result.owes.overdue),
        overdue: formatMoney(result.owes.overdueCents, req.lang),
      });
    }
    const { application, issued } = result;
    req.session.flash = issued
      ? { key: `${text}.notice.issued.${application.delivery}` }
      : {
          key: `${text}.notice.submitted`,
          params: {
            reference: application.reference,
            deadline: formatDate(application.deadline, req.lang),
          },
        };
    res.redirect(303, `/certificates/${application.reference}`);
  };
}
