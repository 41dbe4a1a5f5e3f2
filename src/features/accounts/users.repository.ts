import type { Conn } from '../../db/knex.ts';

/** A staff role: a name from the `roles` table, declared by the module that introduces it. */
export type Role = string;

export interface UserRow {
  id: number;
  /** With the password: an account that signs in only with TaxisNet has neither. */
  username: string | null;
  full_name: string;
  email: string;
  phone_e164: string | null;
  password_hash: string | null;
  ivr_pin_hash: string | null;
  status: 'pending' | 'active' | 'disabled';
  roles: Role[];
  identity_verified_at: Date | null;
  /** How the identity was established, with `identity_verified_at`. */
  identity_channel: IdentityChannel | null;
  /** The AFM GSIS gave at TaxisNet sign-in (one account per AFM), and since when. */
  taxisnet_afm: string | null;
  taxisnet_linked_at: Date | null;
  afm: string | null;
  lang: 'el' | 'en';
  activated_at: Date | null;
  created_at: Date;
  /** Bumped by the database when the password changes or the account is disabled (see auth.ts). */
  credential_version: number;
  /** The optional postal address (postal-address.ts): street, postcode and city, or none. */
  address_street: string | null;
  address_number: string | null;
  address_postcode: string | null;
  address_city: string | null;
}

/** Where a person's identity was checked: at the counter, by TaxisNet, on a ΚΕΠ video call. */
export type IdentityChannel = 'counter' | 'taxisnet' | 'video';

export type NewUser = Pick<
  UserRow,
  'username' | 'full_name' | 'email' | 'phone_e164' | 'password_hash' | 'ivr_pin_hash' | 'lang'
> &
  Partial<
    Pick<
      UserRow,
      | 'status'
      | 'roles'
      | 'activated_at'
      | 'taxisnet_afm'
      | 'taxisnet_linked_at'
      | 'identity_verified_at'
      | 'identity_channel'
      | 'afm'
    >
  >;

export async function insertUser(conn: Conn, user: NewUser): Promise<UserRow> {
  const [row] = (await conn('users').insert(user).returning('*')) as UserRow[];
  return row!;
}

export async function findUserById(conn: Conn, id: number): Promise<UserRow | undefined> {
  return (await conn('users').where({ id }).first()) as UserRow | undefined;
}

/** What people type to sign in, as it is compared and counted: trimmed, case-folded. */
export function normaliseLogin(login: string): string {
  return login.normalize('NFC').trim().toLowerCase();
}

/** By username or email, case-insensitively: people sign in with either. */
export async function findUserByLogin(conn: Conn, login: string): Promise<UserRow | undefined> {
  const value = normaliseLogin(login);
  if (!value) return undefined;
  return (await conn('users')
    .whereRaw('lower(username) = ?', [value])
    .orWhereRaw('lower(email) = ?', [value])
    .orderByRaw('lower(username) = ? DESC', [value])
    .first()) as UserRow | undefined;
}

/** The account TaxisNet sign-in opens: the one linked to the AFM. */
export async function findUserByTaxisnetAfm(conn: Conn, afm: string): Promise<UserRow | undefined> {
  return (await conn('users').where({ taxisnet_afm: afm }).first()) as UserRow | undefined;
}

/** The account whose identity was checked with this AFM (at most one: users_verified_afm_key). */
export async function findVerifiedUserByAfm(conn: Conn, afm: string): Promise<UserRow | undefined> {
  return (await conn('users').where({ afm }).whereNotNull('identity_verified_at').first()) as
    UserRow | undefined;
}

export async function findUserByEmail(conn: Conn, email: string): Promise<UserRow | undefined> {
  return (await conn('users')
    .whereRaw('lower(email) = ?', [email.trim().toLowerCase()])
    .first()) as UserRow | undefined;
}

export async function usernameTaken(conn: Conn, username: string): Promise<boolean> {
  return Boolean(
    await conn('users').whereRaw('lower(username) = ?', [username.toLowerCase()]).first('id'),
  );
}

export async function emailTaken(
  conn: Conn,
  email: string,
  exceptUserId?: number,
): Promise<boolean> {
  const query = conn('users').whereRaw('lower(email) = ?', [email.toLowerCase()]);
  if (exceptUserId) query.whereNot('id', exceptUserId);
  return Boolean(await query.first('id'));
}

export async function phoneTakenByActive(
  conn: Conn,
  phone: string,
  exceptUserId?: number,
): Promise<boolean> {
  const query = conn('users').where({ phone_e164: phone, status: 'active' });
  if (exceptUserId) query.whereNot('id', exceptUserId);
  return Boolean(await query.first('id'));
}

export async function updateUser(
  conn: Conn,
  id: number,
  changes: Partial<Omit<UserRow, 'id'>>,
): Promise<void> {
  await conn('users')
    .where({ id })
    .update({ ...changes, updated_at: conn.fn.now() });
}

/** Signs the account out everywhere (all its sessions), e.g. after a password reset. */
export async function deleteSessionsOf(
  conn: Conn,
  userId: number,
  exceptSid?: string,
): Promise<void> {
  const query = conn('session').whereRaw(`(sess->'passport'->>'user') = ?`, [String(userId)]);
  if (exceptSid) query.whereNot('sid', exceptSid);
  await query.delete();
}

/** The account's credential version as the database has it now (bumped by its trigger). */
export async function credentialVersionOf(conn: Conn, id: number): Promise<number> {
  const row = (await conn('users').where({ id }).first('credential_version')) as {
    credential_version: number;
  };
  return row.credential_version;
}

/** The account, its row locked for the rest of the transaction. */
export async function lockUser(conn: Conn, id: number): Promise<UserRow | undefined> {
  return (await conn('users').where({ id }).forUpdate().first()) as UserRow | undefined;
}

export async function deleteUser(conn: Conn, id: number): Promise<void> {
  await conn('users').where({ id }).delete();
}

/**
 * Deletes the citizens' accounts still pending whose registration, and latest activation link,
 * are older than `cutoff` (never staff, nor an account a clerk has checked; one TaxisNet verified
 * and nobody confirmed goes like any other). Returns their ids.
 */
export async function deletePendingCitizensOlderThan(conn: Conn, cutoff: Date): Promise<number[]> {
  const result = (await conn.raw(
    `DELETE FROM users u
      WHERE u.status = 'pending' AND u.roles = '{}' AND u.activated_at IS NULL
        AND (u.identity_verified_at IS NULL OR u.identity_channel = 'taxisnet')
        AND u.created_at < :cutoff
        AND NOT EXISTS (SELECT 1 FROM one_time_links t
                         WHERE t.user_id = u.id AND t.purpose = 'activation'
                           AND t.created_at >= :cutoff)
     RETURNING u.id`,
    { cutoff },
  )) as { rows: { id: number }[] };
  return result.rows.map((row) => row.id);
}
