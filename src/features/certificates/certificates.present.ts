import type { Request } from 'express';
import {
  athensDate,
  formatDate,
  formatDateTime,
  formatMoney,
  kilobytes,
} from '../../lib/format.ts';
import type { Lang } from '../../lib/localized.ts';
import type { OverdueItem } from '../dues/debt-status.ts';
import type {
  ApplicationRow,
  CertificateRow,
  CertificateTypeRow,
  EventRow,
} from './certificates.repository.ts';
import { formatVerificationCode } from './verification-code.ts';

/** Where an application stands as the citizen reads it (revoked and expired are the certificate's). */
export type ShownStatus = ApplicationRow['status'] | 'revoked' | 'expired';

/** The GOV.UK tag colour of each standing; the tag's text says it, the colour only helps. */
const STATUS_TAG: Record<ShownStatus, string> = {
  submitted: 'govuk-tag--blue',
  in_progress: 'govuk-tag--yellow',
  issued: 'govuk-tag--green',
  rejected: 'govuk-tag--red',
  withdrawn: 'govuk-tag--grey',
  revoked: 'govuk-tag--red',
  expired: 'govuk-tag--grey',
};

const text = 'certificates.citizen';

export const typeNameOf = (type: Pick<CertificateTypeRow, 'name_el' | 'name_en'>, lang: Lang) =>
  lang === 'en' ? type.name_en : type.name_el;

/** A type can be applied for online: active and without a fee (fees are paid at the ΚΕΠ for now). */
export const applyable = (type: CertificateTypeRow) => type.active && type.fee_cents === 0;

/** A type in the catalogue, in the page's language. */
export function presentType(req: Request, type: CertificateTypeRow) {
  return {
    code: type.code,
    name: typeNameOf(type, req.lang),
    description: req.lang === 'en' ? type.description_en : type.description_el,
    when:
      type.issue_mode === 'instant'
        ? req.t(`${text}.catalogue.instant`)
        : req.t(`${text}.catalogue.deadline`, { count: type.deadline_days }),
    who: req.t(`${text}.catalogue.who.${type.who}`),
    fee:
      type.fee_cents > 0
        ? req.t(`${text}.catalogue.fee`, { amount: formatMoney(type.fee_cents, req.lang) })
        : '',
    validity: type.validity_months
      ? req.t(`${text}.catalogue.validity`, { count: type.validity_months })
      : '',
    delivery: type.delivery_methods.map((method) => req.t(`${text}.delivery.${method}`)).join(', '),
    applyable: applyable(type),
  };
}

/** The standing shown for an application and its certificate on a day (Athens). */
export function shownStatus(
  application: Pick<ApplicationRow, 'status'>,
  certificate: Pick<CertificateRow, 'revoked_at' | 'valid_until'> | undefined,
  today: string,
): ShownStatus {
  if (application.status !== 'issued' || !certificate) return application.status;
  if (certificate.revoked_at) return 'revoked';
  if (certificate.valid_until && certificate.valid_until < today) return 'expired';
  return 'issued';
}

/** How the document is reaching the citizen, or how it will. */
function deliveryText(
  req: Request,
  application: Pick<ApplicationRow, 'status' | 'delivery' | 'delivery_state'>,
) {
  if (application.delivery_state)
    return req.t(`${text}.deliveryState.${application.delivery_state}`);
  if (application.status === 'issued')
    return req.t(`${text}.deliveryState.pending.${application.delivery}`);
  return req.t(`${text}.delivery.${application.delivery}`);
}

/** A row of "My applications". */
export function presentApplicationRow(
  req: Request,
  row: ApplicationRow & {
    name_el: string;
    name_en: string;
    revoked_at: Date | null;
    valid_until: string | null;
  },
  today: string,
) {
  const status = shownStatus(row, row.status === 'issued' ? row : undefined, today);
  return {
    reference: row.reference,
    typeName: typeNameOf(row, req.lang),
    subjectName: row.subject_name,
    date: formatDate(athensDate(row.created_at), req.lang),
    status,
    statusText: req.t(`${text}.status.${status}`),
    tag: STATUS_TAG[status],
    delivery: deliveryText(req, row),
  };
}

/** An application's page: what was asked, where it stands, and the certificate once issued. */
export function presentApplication(
  req: Request,
  input: {
    application: ApplicationRow;
    type: CertificateTypeRow;
    certificate: CertificateRow | undefined;
    events: EventRow[];
    today: string;
  },
) {
  const { application, type, certificate, today } = input;
  const status = shownStatus(application, certificate, today);
  const open = application.status === 'submitted' || application.status === 'in_progress';
  return {
    reference: application.reference,
    typeName: typeNameOf(type, req.lang),
    subjectName: application.subject_name,
    purpose: application.purpose ?? '',
    delivery: req.t(`${text}.delivery.${application.delivery}`),
    postAddress: application.delivery === 'post' ? (application.post_address ?? '') : '',
    deliveryState: deliveryText(req, application),
    submittedAt: formatDateTime(application.created_at, req.lang),
    deadline: open ? formatDate(application.deadline, req.lang) : '',
    status,
    statusText: req.t(`${text}.status.${status}`),
    tag: STATUS_TAG[status],
    rejectionReason: application.status === 'rejected' ? (application.rejection_reason ?? '') : '',
    certificate: certificate && {
      number: certificate.number,
      issuedAt: formatDateTime(certificate.issued_at, req.lang),
      validUntil: certificate.valid_until ? formatDate(certificate.valid_until, req.lang) : '',
      verificationCode: formatVerificationCode(certificate.verification_code),
      href: `/certificates/${application.reference}/certificate.pdf`,
      fileName: `${application.reference}.pdf`,
      kb: kilobytes(certificate.file_bytes),
      revokedAt: certificate.revoked_at ? formatDateTime(certificate.revoked_at, req.lang) : '',
      revocationReason: certificate.revocation_reason ?? '',
    },
    events: input.events.map((event) => ({
      kind: event.kind,
      what: req.t(`${text}.events.${event.kind}`),
      when: formatDateTime(event.at, req.lang),
      note: event.kind === 'rejected' || event.kind === 'revoked' ? (event.note ?? '') : '',
    })),
  };
}

/** What a refused no-debt certificate says is owed, each with where to see it. */
export function presentOwed(req: Request, items: readonly OverdueItem[]) {
  return items.map((item) => {
    const params = {
      date: formatDate(item.dueDate, req.lang),
      amount: formatMoney(item.remainingCents, req.lang),
    };
    if (item.kind === 'debt')
      return {
        href: `/dues/${item.id}`,
        text: req.t(`${text}.owes.debt`, {
          ...params,
          type: (req.lang === 'en' ? item.typeName?.en : item.typeName?.el) ?? '',
          period: item.period ?? '',
        }),
      };
    if (item.kind === 'instalment')
      return {
        href: `/dues#arrangement-${item.arrangementId}`,
        text: req.t(`${text}.owes.instalment`, { ...params, number: item.number }),
      };
    return {
      href: '/dues#fines',
      text: req.t(`${text}.owes.fine`, { ...params, notice: item.noticeNumber ?? '' }),
    };
  });
}
