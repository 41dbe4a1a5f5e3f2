import type { Conn } from '../../db/knex.ts';
import { hashToken, newToken } from '../../lib/tokens.ts';

export type TokenPurpose =
  'activation' | 'password_reset' | 'email_change' | 'staff_invite' | 'registration_cancel';

export interface TokenRow {
  id: number;
  user_id: number;
  purpose: TokenPurpose;
  data: Record<string, unknown>;
  expires_at: Date;
  used_at: Date | null;
}

/** A new single-use token; earlier unused tokens of the same purpose stop working. Returns the raw token (never stored). */
export async function issueToken(
  conn: Conn,
  options: {
    userId: number;
    purpose: TokenPurpose;
    expiresAt: Date;
    data?: Record<string, unknown>;
  },
): Promise<string> {
  await conn('user_tokens')
    .where({ user_id: options.userId, purpose: options.purpose })
    .whereNull('used_at')
    .update({ used_at: conn.fn.now(), data: conn.raw(`data || '{"superseded": true}'::jsonb`) });
  const { token, hash } = newToken();
  await conn('user_tokens').insert({
    user_id: options.userId,
    purpose: options.purpose,
    token_hash: hash,
    expires_at: options.expiresAt,
    data: JSON.stringify(options.data ?? {}),
  });
  return token;
}

export type TokenState =
  { state: 'valid'; token: TokenRow } | { state: 'used' | 'expired' | 'unknown'; token?: TokenRow };

/** Looks a token up (FOR UPDATE inside a transaction, so two clicks cannot both use it). */
export async function findToken(
  conn: Conn,
  raw: string,
  purpose: TokenPurpose,
  now: Date,
  forUpdate = false,
): Promise<TokenState> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(raw)) return { state: 'unknown' };
  const query = conn('user_tokens')
    .where({ token_hash: hashToken(raw), purpose })
    .first();
  if (forUpdate) query.forUpdate();
  const token = (await query) as TokenRow | undefined;
  if (!token) return { state: 'unknown' };
  if (token.used_at) return { state: 'used', token };
  if (token.expires_at <= now) return { state: 'expired', token };
  return { state: 'valid', token };
}

export async function markTokenUsed(conn: Conn, id: number): Promise<void> {
  await conn('user_tokens').where({ id }).update({ used_at: conn.fn.now() });
}

/** The mail worker, once the mail with the link is sent: the link is valid for `seconds` from now. */
export async function startLinkValidity(
  conn: Conn,
  link: { tokenHash: string; seconds: number },
  now: Date,
): Promise<void> {
  await conn('user_tokens')
    .where({ token_hash: link.tokenHash })
    .whereNull('used_at')
    .update({ expires_at: new Date(now.getTime() + link.seconds * 1000) });
}
