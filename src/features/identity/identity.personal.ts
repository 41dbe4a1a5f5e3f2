import type { Knex } from 'knex';
import type { Person } from '../module.ts';
import { asStored } from './personal-data.ts';

/**
 * The person's identity checks as stored: the document's type and masked number, the AFM, where
 * and when, and any revocation with its reason. Not the clerk (another person), nor the
 * document number's hash (a secret kept to check a later correction against): only whether the
 * check holds one.
 */
export async function exportIdentityChecks(
  person: Person,
  conn: Knex,
): Promise<Record<string, unknown>> {
  const checks = (await conn('identity_checks')
    .where({ user_id: person.userId })
    .orderBy('id')
    .select(
      'document_type',
      'document_number_masked',
      conn.raw('document_number_hash IS NOT NULL AS document_number_hashed'),
      'afm',
      'channel',
      'checked_at',
      'revoked_at',
      'revoke_reason',
    )) as Record<string, unknown>[];
  return { identityChecks: checks.map(asStored) };
}

/**
 * The person's account is deleted: their identity checks keep that a check was made, of which
 * kind of document, where, when and by which clerk (and when it was revoked, by whom), as the
 * record of the clerk's work; the AFM, the masked number, its hash and the revocation's reason
 * (which may name them) go.
 */
export async function eraseIdentityChecks(person: Person, trx: Knex.Transaction): Promise<void> {
  await trx('identity_checks').where({ user_id: person.userId }).update({
    afm: null,
    document_number_masked: null,
    document_number_hash: null,
    revoke_reason: null,
  });
}
