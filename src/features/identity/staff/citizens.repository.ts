import type { Conn } from '../../../db/knex.ts';

export interface CitizenListRow {
  id: number;
  username: string;
  full_name: string;
  email: string;
  phone_e164: string | null;
  status: string;
  identity_verified_at: Date | null;
}

export interface IdentityCheckRow {
  id: number;
  document_type: string;
  document_number_masked: string;
  afm: string;
  checked_at: Date;
  clerk_username: string | null;
  revoked_at: Date | null;
  revoke_reason: string | null;
}

/**
 * Part of a name, username, email or phone, whatever the case and accents (trigram index), or an
 * AFM.
 */
export async function searchCitizens(
  conn: Conn,
  query: string,
  limit = 50,
): Promise<CitizenListRow[]> {
  const digits = query.replace(/[\s()-]/g, '');
  const term =
    /^\+?\d+$/.test(digits) && digits.length >= 4
      ? digits.replace(/^0030|^\+?30(?=\d{10}$)/, '')
      : query;
  return (await conn('users')
    .where((where) => {
      where.whereRaw(
        `public.search_fold(full_name || ' ' || coalesce(username, '') || ' ' || email || ' ' || coalesce(phone_e164, '')) LIKE '%' || public.search_fold(?) || '%'`,
        [term],
      );
      // An AFM: the one the counter recorded or the one TaxisNet gave.
      if (/^\d{9}$/.test(digits)) where.orWhere({ afm: digits }).orWhere({ taxisnet_afm: digits });
    })
    .whereRaw(`roles = '{}'`)
    .select('id', 'username', 'full_name', 'email', 'phone_e164', 'status', 'identity_verified_at')
    .orderBy('full_name')
    .limit(limit)) as CitizenListRow[];
}

export async function identityChecksOf(conn: Conn, userId: number): Promise<IdentityCheckRow[]> {
  return (await conn('identity_checks as i')
    .leftJoin('users as c', 'c.id', 'i.clerk_id')
    .where('i.user_id', userId)
    .select(
      'i.id',
      'i.document_type',
      'i.document_number_masked',
      'i.afm',
      'i.checked_at',
      'c.username as clerk_username',
      'i.revoked_at',
      'i.revoke_reason',
    )
    .orderBy('i.id', 'desc')) as IdentityCheckRow[];
}

/** The check on file (not revoked) that a correction of contact details is compared with. */
export interface CheckOnFile {
  document_type: string;
  document_number_masked: string;
  document_number_hash: string | null;
}

export async function currentCheckOf(conn: Conn, userId: number): Promise<CheckOnFile | undefined> {
  return (await conn('identity_checks')
    .where({ user_id: userId })
    .whereNull('revoked_at')
    .orderBy('id', 'desc')
    .first('document_type', 'document_number_masked', 'document_number_hash')) as
    CheckOnFile | undefined;
}

export interface NewIdentityCheck {
  user_id: number;
  clerk_id: number;
  document_type: string;
  document_number_masked: string;
  document_number_hash: string;
  afm: string;
  channel?: 'counter' | 'video';
}

export async function insertIdentityCheck(conn: Conn, check: NewIdentityCheck): Promise<void> {
  await conn('identity_checks').insert(check);
}

/** Revokes the citizen's checks still in force. */
export async function revokeChecksOf(
  conn: Conn,
  userId: number,
  revoke: { clerkId: number; reason: string },
): Promise<void> {
  await conn('identity_checks').where({ user_id: userId }).whereNull('revoked_at').update({
    revoked_at: conn.fn.now(),
    revoked_by: revoke.clerkId,
    revoke_reason: revoke.reason,
  });
}

/** What the identity check needs of the account. */
export interface AccountForCheck {
  id: number;
  roles: string[];
  status: string;
  identity_verified_at: Date | null;
  taxisnet_afm: string | null;
}

/** The account's row, locked for the rest of the transaction. */
export async function lockAccountForCheck(
  conn: Conn,
  id: number,
): Promise<AccountForCheck | undefined> {
  return (await conn('users').where({ id }).forUpdate().first()) as AccountForCheck | undefined;
}
