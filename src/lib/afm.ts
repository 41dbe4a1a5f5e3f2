/**
 * The Greek tax number (ΑΦΜ): 9 digits; the sum of d[i] * 2^(8-i) over the first 8, mod 11,
 * mod 10, equals the 9th. All zeros is not a number anyone holds.
 */
export function isValidAfm(value: string): boolean {
  if (!/^\d{9}$/.test(value) || value === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(value[i]) * 2 ** (8 - i);
  return (sum % 11) % 10 === Number(value[8]);
}

/** A document number as kept after the check: the first two and last two characters. */
export function maskDocumentNumber(value: string): string {
  if (value.length <= 4) return '•'.repeat(value.length);
  return `${value.slice(0, 2)}${'•'.repeat(value.length - 4)}${value.slice(-2)}`;
}

/** A document number as typed at the counter: capitals, without spaces. */
export function normaliseDocumentNumber(value: string): string {
  return value.trim().toUpperCase().replace(/\s+/g, '');
}

// Latin capitals that look like Greek ones: a Greek identity card's ΑΚ123456 is typed either way.
const LATIN_TO_GREEK: Record<string, string> = {
  A: 'Α',
  B: 'Β',
  E: 'Ε',
  Z: 'Ζ',
  H: 'Η',
  I: 'Ι',
  K: 'Κ',
  M: 'Μ',
  N: 'Ν',
  O: 'Ο',
  P: 'Ρ',
  T: 'Τ',
  Y: 'Υ',
  X: 'Χ',
};

/**
 * The form two document numbers are compared in: normalised, without hyphens, and with Latin
 * look-alikes read as the Greek capitals they resemble (ΑΚ-123456 = ak 123456).
 */
export function comparableDocumentNumber(value: string): string {
  return normaliseDocumentNumber(value)
    .replace(/-/g, '')
    .replace(/[ABEZHIKMNOPTYX]/g, (letter) => LATIN_TO_GREEK[letter]!);
}
