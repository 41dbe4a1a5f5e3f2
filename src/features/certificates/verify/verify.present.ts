import type { Request } from 'express';
import { athensDate, formatDate } from '../../../lib/format.ts';
import type { Verification } from '../certificates.service.ts';

/** The GOV.UK tag of each state; its text says the state, the colour only helps. */
const STATUS_TAG: Record<Verification['status'], string> = {
  valid: 'govuk-tag--green',
  revoked: 'govuk-tag--red',
  expired: 'govuk-tag--grey',
};

/**
 * What /verify/<code> shows of a certificate, in the page's language: its state (a revocation
 * with its date, never the clerk's reason), type, number, dates, the holder's masked name, the
 * issued file's SHA-256 and whose seal it bears.
 */
export function presentVerification(req: Request, verification: Verification, sealedBy: string) {
  const { certificate, type, status } = verification;
  const t = (key: string, params?: Record<string, unknown>) =>
    req.t(`certificates.verify.result.${key}`, params);
  const revokedOn = certificate.revoked_at
    ? formatDate(athensDate(certificate.revoked_at), req.lang)
    : '';
  const validUntil = certificate.valid_until ? formatDate(certificate.valid_until, req.lang) : '';
  return {
    status,
    statusTag: STATUS_TAG[status],
    statusText: t(`status.${status}`),
    statusLead: t(`lead.${status === 'valid' && !validUntil ? 'validNoExpiry' : status}`, {
      date: status === 'revoked' ? revokedOn : validUntil,
    }),
    typeName: req.lang === 'en' ? type.name_en : type.name_el,
    number: certificate.number,
    issuedOn: formatDate(athensDate(certificate.issued_at), req.lang),
    validUntil: validUntil || t('noExpiry'),
    revokedOn,
    holder: verification.holderMasked,
    sha256: certificate.file_sha256,
    sealedBy,
  };
}
