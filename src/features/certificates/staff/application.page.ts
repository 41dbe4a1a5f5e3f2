import type { Request, Response } from 'express';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { athensDate, formatDate, formatDateTime, kilobytes } from '../../../lib/format.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import type { ModuleContext } from '../../module.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import {
  applicationById,
  certificateOfApplication,
  typeByCode,
  type ApplicationRow,
  type DeliveryState,
} from '../certificates.repository.ts';
import { TEMPLATE_FIELDS, type CertificateFields } from '../document.ts';
import { formatVerificationCode } from '../verification-code.ts';
import { applicationPeople, nameOf, timelineOf } from './queue.repository.ts';

export interface ApplicationForm {
  values?: Record<string, string>;
  errors?: FieldError[];
  /** 409 when someone else changed the application meanwhile; 503 when the seal is missing. */
  status?: number;
}

const QUEUE = '/staff/certificates';

/** What the roll says (or, once issued, what the certificate printed), as label/value pairs. */
function rollFacts(fields: CertificateFields) {
  return (
    [
      ['fullName', fields.fullName],
      ['fatherName', fields.fatherName],
      ['motherName', fields.motherName],
      ['birthDate', fields.birthDate],
      ['birthPlace', fields.birthPlace],
      ['afm', fields.afm],
      ['recordNumber', fields.recordNumber],
      ['municipalUnit', fields.municipalUnit],
      ['address', fields.address],
      ['maritalStatus', fields.maritalStatus],
      ['deceasedOn', fields.deceasedOn],
    ] as const
  ).filter(([, value]) => value !== '');
}

/** What may be done to an issued certificate's delivery now (the service checks it again). */
function deliveryActionsOf(application: ApplicationRow, revoked: boolean): DeliveryState[] {
  if (application.status !== 'issued' || revoked) return [];
  if (application.delivery === 'post') return application.delivery_state ? [] : ['posted'];
  if (application.delivery !== 'pickup') return [];
  if (!application.delivery_state) return ['ready_for_pickup'];
  return application.delivery_state === 'ready_for_pickup' ? ['handed_over'] : [];
}

/**
 * /staff/certificates/<id>: the application (who asked, for whom, how it is to be delivered, its
 * deadline and timeline), the roll's data for it, and the actions its state allows.
 */
export async function renderApplication(
  ctx: ModuleContext,
  req: Request,
  res: Response,
  id: number,
  form: ApplicationForm = {},
): Promise<void> {
  const { db } = ctx.deps;
  const application = await applicationById(db, id);
  const type = application && (await typeByCode(db, application.type_code));
  if (!application || !type) throw new NotFoundError();
  const lang = req.lang;
  const open = application.status === 'submitted' || application.status === 'in_progress';
  const certificate = await certificateOfApplication(db, id);
  const fields = certificate?.fields ?? (await ctx.services.certificates.draftFields(application));
  const people = await applicationPeople(db, application);
  const today = athensDate(ctx.deps.clock.now());
  const errors = form.errors ?? [];
  const page = `${QUEUE}/${id}`;
  languageSwitchFrom(res, page);
  const values = form.values ?? {};
  const events = await timelineOf(db, id);
  res
    .status(form.status ?? (errors.length ? 400 : 200))
    .render('certificates/staff/views/application', {
      pageTitle: req.t('certificates.staff.application.title', {
        reference: application.reference,
      }),
      breadcrumbs: [{ href: QUEUE, text: req.t('certificates.staff.queue.title') }],
      page,
      application: {
        id,
        reference: application.reference,
        status: application.status,
        open,
        type: lang === 'en' ? type.name_en : type.name_el,
        template: type.template,
        subject: application.subject_name,
        relation:
          people.subject && application.subject_person_id !== application.applicant_person_id
            ? people.subject.relation
            : '',
        applicantName: people.applicant?.full_name ?? '',
        applicantEmail: people.applicant?.email ?? '',
        applicantAfm: people.applicant?.afm ?? '',
        purpose: application.purpose ?? '',
        delivery: application.delivery,
        deliveryState: application.delivery_state,
        postAddress: application.post_address ?? '',
        channel: application.channel,
        submitted: formatDateTime(application.created_at, lang),
        deadline: formatDate(application.deadline, lang),
        overdue: open && application.deadline < today,
        dueToday: open && application.deadline === today,
        handler: people.handlerName ?? '',
        rejectionReason: application.rejection_reason ?? '',
        onRoll: Boolean(application.subject_person_id),
      },
      facts: rollFacts(fields),
      members: fields.members,
      // The issue form: each field the template prints, as the roll has it, with a reason box.
      issueFields: open
        ? TEMPLATE_FIELDS[type.template].map((name) => ({
            name,
            value: values[`fields.${name}`] ?? fields[name],
            original: fields[name],
            reason: values[`reasons.${name}`] ?? '',
          }))
        : [],
      certificate: certificate && {
        number: certificate.number,
        code: formatVerificationCode(certificate.verification_code),
        issued: formatDateTime(certificate.issued_at, lang),
        issuedBy: (await nameOf(db, certificate.issued_by)) ?? '',
        validUntil: certificate.valid_until ? formatDate(certificate.valid_until, lang) : '',
        kb: kilobytes(certificate.file_bytes),
        href: `${page}/certificate.pdf`,
        revoked: certificate.revoked_at ? formatDateTime(certificate.revoked_at, lang) : '',
        revokedBy: (await nameOf(db, certificate.revoked_by)) ?? '',
        revocationReason: certificate.revocation_reason ?? '',
        corrections: certificate.corrections,
      },
      deliveryActions: deliveryActionsOf(application, Boolean(certificate?.revoked_at)),
      events: events.map((event) => ({
        kind: event.kind,
        note: event.note ?? '',
        iso: event.at.toISOString(),
        when: formatDateTime(event.at, lang),
        who:
          event.actor_id === null
            ? ''
            : event.actor_id === application.user_id
              ? req.t('certificates.staff.application.byApplicant')
              : (event.actor_name ?? ''),
      })),
      values,
      ...presentFormErrors(req, errors),
    });
}
