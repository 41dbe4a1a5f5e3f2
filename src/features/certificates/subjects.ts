import type { Conn } from '../../db/knex.ts';
import { personByAfm, recordWithMembers, type RollPerson } from '../roll/roll.repository.ts';
import { applyable } from './certificates.present.ts';
import { listTypes, type CertificateTypeRow } from './certificates.repository.ts';

/**
 * Who a certificate may be about, for the application form, the phone portal and `apply` alike.
 */

/** On the roll: a person the municipality still certifies (not struck off, not dead). */
export const onTheRoll = (person: RollPerson | undefined): person is RollPerson =>
  Boolean(person && !person.struck_off_on && !person.deceased_on);

/**
 * Only the next of kin certify about someone who has died (the other documents would certify a
 * dead person as living).
 */
export const certifiableAbout = (
  type: Pick<CertificateTypeRow, 'template'>,
  person: Pick<RollPerson, 'deceased_on'>,
) => !person.deceased_on || type.template === 'next_of_kin';

/** A type that lets the applicant name another member of their family record. */
export const allowsFamily = (type: Pick<CertificateTypeRow, 'who' | 'template'>) =>
  type.who === 'family' && type.template !== 'no_debt';

/**
 * A verified citizen's own person on the roll (by their AFM; undefined when not on it) and the
 * members of their family record they may name instead, for a type that allows it (or before a
 * type is chosen): everyone on the record who is not struck off, those who have died included
 * (the form marks them; `apply` takes them for the next of kin only).
 */
export async function subjectsOf(
  db: Conn,
  afm: string,
  type: Pick<CertificateTypeRow, 'who' | 'template'> | undefined,
): Promise<{ own: RollPerson | undefined; members: RollPerson[] }> {
  const own = await personByAfm(db, afm);
  if (!own || (type && !allowsFamily(type))) return { own, members: [] };
  const record = await recordWithMembers(db, own.record_id);
  const members = (record?.members ?? []).filter(
    (member) => member.id !== own.id && !member.struck_off_on,
  );
  return { own, members };
}

/** The types a verified citizen may ask for by phone: active, fee-free, by phone, in order. */
export async function phoneTypes(db: Conn): Promise<CertificateTypeRow[]> {
  return (await listTypes(db, { activeOnly: true })).filter(
    (type) => applyable(type) && type.by_phone,
  );
}
