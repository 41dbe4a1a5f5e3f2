import type { Knex } from 'knex';
import type { Conn } from '../db/knex.ts';
import { LinkInvalidError } from './errors.ts';
import { hashToken, newToken } from './tokens.ts';

/**
 * One-time links: an account's activation or password reset, a staff invitation, and links that
 * concern no account at all (a booking, a third person invited to a video call). The address
 * carries a random token; only its hash is kept. A link works until it expires or is used, once.
 * Each module names its own purposes ('activation', 'booking_confirm', ...).
 */
export interface OneTimeLink {
  id: number;
  user_id: number | null;
  purpose: string;
  data: Record<string, unknown>;
  expires_at: Date;
  used_at: Date | null;
}

export interface NewLink {
  purpose: string;
  expiresAt: Date;
  /** The account it acts on; none for a link given to someone without one. */
  userId?: number;
  /** What the link needs to know when followed (the new email address, the booking). */
  data?: Record<string, unknown>;
}

/** What a link is looked up as, and where the page about a dead one sends the visitor. */
export interface LinkLookup {
  purpose: string;
  now: Date;
  /** The way to a new link ('/password-reset') and the string key that says so. */
  next?: LinkInvalidError['next'];
}

const TABLE = 'one_time_links';

/**
 * A new link; the account's earlier unused links of the same purpose stop working (one reset
 * link at a time). Returns the raw token, which is never stored.
 */
export async function issueLink(conn: Conn, link: NewLink): Promise<string> {
  if (link.userId !== undefined) await supersedeLinks(conn, link.userId, link.purpose);
  const { token, hash } = newToken();
  await conn(TABLE).insert({
    user_id: link.userId ?? null,
    purpose: link.purpose,
    token_hash: hash,
    expires_at: link.expiresAt,
    data: JSON.stringify(link.data ?? {}),
  });
  return token;
}

/** Ends the account's unused links of `purpose` (marked as superseded, not as used by someone). */
export async function supersedeLinks(conn: Conn, userId: number, purpose: string): Promise<void> {
  await conn(TABLE)
    .where({ user_id: userId, purpose })
    .whereNull('used_at')
    .update({ used_at: conn.fn.now(), data: conn.raw(`data || '{"superseded": true}'::jsonb`) });
}

/** A link that can still be used (the page before its form); throws LinkInvalidError if not. */
export async function checkLink(
  conn: Conn,
  token: string,
  lookup: LinkLookup,
): Promise<OneTimeLink> {
  return usable(await findLink(conn, token, lookup.purpose), lookup);
}

/**
 * Uses the link, inside the caller's transaction: the row is locked (FOR UPDATE), so of two
 * clicks at once one uses it and the other finds it used. Throws LinkInvalidError if it cannot
 * be used; what the caller then does in the transaction commits with the link marked used.
 */
export async function consumeLink(
  trx: Knex.Transaction,
  token: string,
  lookup: LinkLookup,
): Promise<OneTimeLink> {
  const link = usable(await findLink(trx, token, lookup.purpose, true), lookup);
  await trx(TABLE).where({ id: link.id }).update({ used_at: trx.fn.now() });
  return { ...link, used_at: lookup.now };
}

/** The mail worker, once the mail with the link is sent: the link is valid for `seconds` from now. */
export async function startLinkValidity(
  conn: Conn,
  link: { tokenHash: string; seconds: number },
  now: Date,
): Promise<void> {
  await conn(TABLE)
    .where({ token_hash: link.tokenHash })
    .whereNull('used_at')
    .update({ expires_at: new Date(now.getTime() + link.seconds * 1000) });
}

async function findLink(
  conn: Conn,
  token: string,
  purpose: string,
  forUpdate = false,
): Promise<OneTimeLink | undefined> {
  // Not one of ours (newToken makes 43 URL-safe characters): no need to ask the database.
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const query = conn(TABLE)
    .where({ token_hash: hashToken(token), purpose })
    .first();
  if (forUpdate) query.forUpdate();
  return (await query) as OneTimeLink | undefined;
}

function usable(link: OneTimeLink | undefined, lookup: LinkLookup): OneTimeLink {
  if (!link) throw new LinkInvalidError('unknown', lookup.next);
  if (link.used_at) throw new LinkInvalidError('used', lookup.next);
  if (link.expires_at <= lookup.now) throw new LinkInvalidError('expired', lookup.next);
  return link;
}
