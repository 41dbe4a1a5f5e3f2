import argon2 from 'argon2';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';

/** OWASP's argon2id parameters: 19 MiB, 2 iterations, 1 lane. */
const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const MIN_PASSWORD_LENGTH = 10;
export const MIN_STAFF_PASSWORD_LENGTH = 14;
export const MAX_PASSWORD_LENGTH = 256;

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(path.resolve('data', 'common-passwords.txt'), 'utf8')
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter(Boolean),
  );
  return common;
}

export type PasswordProblem =
  | 'tooShort'
  | 'tooShortStaff'
  | 'tooLong'
  | 'containsUsername'
  | 'repeated'
  | 'common'
  | 'tooSimple';

/**
 * True when the password is one piece said again and again: `admin-admin-admin`, `abcabcabc`,
 * `Summer2026 summer2026` (case, spaces and punctuation between the pieces do not count).
 */
export function isRepetition(password: string): boolean {
  const letters = password.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  return letters.length > 0 && /^(.+?)\1+$/su.test(letters);
}

/**
 * Why a password is not acceptable, or undefined when it is. Too short says for whom: a citizen
 * is told 10 characters, a member of staff 14, each with nothing about the other's rule.
 */
export function passwordProblem(
  password: string,
  username: string | null,
  minLength = MIN_PASSWORD_LENGTH,
): PasswordProblem | undefined {
  if (password.length < minLength)
    return minLength >= MIN_STAFF_PASSWORD_LENGTH ? 'tooShortStaff' : 'tooShort';
  if (password.length > MAX_PASSWORD_LENGTH) return 'tooLong';
  const lower = password.toLowerCase();
  if (username && lower.includes(username.toLowerCase())) return 'containsUsername';
  if (commonPasswords().has(lower)) return 'common';
  if (new Set(lower).size < 4) return 'tooSimple';
  if (isRepetition(password)) return 'repeated';
  return undefined;
}

/**
 * At most one argon2 computation per core at a time: each takes 19 MiB, so a burst of sign-ins
 * queues here instead of growing the process's memory (and no faster: the work is CPU bound).
 */
const MAX_PARALLEL = Math.max(1, availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

export function hashSecret(secret: string): Promise<string> {
  return limited(() => argon2.hash(secret, ARGON2_OPTIONS));
}

export async function verifySecret(hash: string, secret: string): Promise<boolean> {
  try {
    return await limited(() => argon2.verify(hash, secret));
  } catch {
    return false;
  }
}

/** A hash to verify against when there is no account, so a missing account takes as long as a wrong password. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashSecret('no-such-account-placeholder');
  return dummyHash;
}
