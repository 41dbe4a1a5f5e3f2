import { randomInt } from 'node:crypto';

/** 32 characters without look-alikes (no 0/O, 1/I): 12 of them are 60 random bits. */
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A new verification code, stored as 12 characters ('7KQ3M9XP2HRT'). */
export function newVerificationCode(): string {
  let code = '';
  for (let i = 0; i < 12; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** As printed and typed: '7KQ3-M9XP-2HRT'. */
export function formatVerificationCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}`;
}

/**
 * A code as someone typed or scanned it, or undefined when it cannot be one: dashes and spaces
 * dropped, lower case raised.
 */
export function parseVerificationCode(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > 40) return undefined;
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  return /^[2-9A-HJ-NP-Z]{12}$/.test(code) ? code : undefined;
}
