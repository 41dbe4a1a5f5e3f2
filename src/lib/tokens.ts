import { createHash, randomBytes, randomInt } from 'node:crypto';

/** A random URL-safe token (256 bits) and the hash we store instead of it. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A 6-digit PIN for the phone line, leading zeros allowed. */
export function newPin(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}
