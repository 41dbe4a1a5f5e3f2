import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Deps } from '../../deps.ts';
import { formatDate } from '../../lib/format.ts';
import { pick } from '../../lib/localized.ts';
import type { PublicUpdate } from '../requests/staff/handling.notify.ts';
import { formatReference } from '../requests/reference.ts';
import { findReporterContact, insertStatusLink } from './open311.repository.ts';

/** A status link's token is 32 random bytes; only its SHA-256 is kept. */
export const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

/** A new read-only status link for the request (each mail gets its own; all stay valid). */
export async function issueStatusLink(trx: Knex.Transaction, requestId: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await insertStatusLink(trx, requestId, hashToken(token));
  return `/requests/status/${token}`;
}

const langOf = (lang: string) => (lang === 'en' ? 'en' : 'el');

/** The confirmation to the Open311 reporter, with the status link, in the filing's transaction. */
export async function tellReporterOfFiling(
  deps: Pick<Deps, 'mailer'>,
  trx: Knex.Transaction,
  request: { id: number; reference: { display: string }; title: string; dueDate: string },
): Promise<void> {
  const contact = await findReporterContact(trx, request.id);
  if (!contact) return;
  const lang = langOf(contact.lang);
  await deps.mailer.send(
    'open311-request-submitted',
    { email: contact.email, lang },
    {
      firstName: contact.first_name ?? '',
      reference: request.reference.display,
      title: request.title,
      dueDate: formatDate(request.dueDate, lang),
      path: await issueStatusLink(trx, request.id),
    },
    trx,
  );
}

/**
 * Tells the Open311 reporter of a request (if it has one, with an email) what changed, with a
 * fresh status link: the counterpart of `tellCitizens` (requests/staff/handling.notify.ts), which
 * mails accounts only, called with the same arguments in the same transaction. Never an internal
 * note; the reporter is never matched to an account. Returns how many it told (0 or 1).
 */
export async function tellApiReporter(
  deps: Pick<Deps, 'mailer'>,
  trx: Knex.Transaction,
  request: { id: number; year: number; number: number; title: string | null },
  change: PublicUpdate,
): Promise<number> {
  const contact = await findReporterContact(trx, request.id);
  if (!contact) return 0;
  const lang = langOf(contact.lang);
  await deps.mailer.send(
    'open311-request-updated',
    { email: contact.email, lang },
    {
      firstName: contact.first_name ?? '',
      reference: formatReference(request).display,
      title: request.title ?? '',
      change: change.change,
      status: change.status,
      note: change.note ?? '',
      original: change.original ?? '',
      department: change.department ? pick(change.department, lang) : '',
      byCitizen: change.byCitizen ?? false,
      path: await issueStatusLink(trx, request.id),
    },
    trx,
  );
  return 1;
}
