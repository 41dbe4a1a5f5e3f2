/**
 * ISO 11649 creditor references ("RF" + 2 check digits + up to 21 letters and digits): made from a
 * reference body, checked, and printed in groups of four. The database has the same rules
 * (rf_make, rf_valid: finance migrations) for imports; both are tested against node-iso11649.
 */

const BODY = /^[0-9A-Z]{1,21}$/;

/** The reference as digits: letters count A=10 … Z=35. */
function digitsOf(value: string): string {
  let digits = '';
  for (const char of value)
    digits += char >= '0' && char <= '9' ? char : String(char.charCodeAt(0) - 55);
  return digits;
}

/** The number mod 97, a chunk at a time (the digits are far past Number's exact range). */
function mod97(digits: string): number {
  let rest = 0;
  for (let i = 0; i < digits.length; i += 7)
    rest = Number(String(rest) + digits.slice(i, i + 7)) % 97;
  return rest;
}

/** Upper case, without spaces: how a reference is compared and stored. */
export function compactRf(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** The RF reference for a body of 1–21 letters and digits. */
export function makeRf(body: string): string {
  const compact = compactRf(body);
  if (!BODY.test(compact)) throw new RangeError('An RF reference body is 1–21 letters and digits');
  const check = 98 - mod97(digitsOf(`${compact}RF00`));
  return `RF${String(check).padStart(2, '0')}${compact}`;
}

/** Whether a reference (spaces and case ignored) is a valid RF reference. */
export function isValidRf(value: string): boolean {
  const compact = compactRf(value);
  if (!/^RF[0-9]{2}[0-9A-Z]{1,21}$/.test(compact)) return false;
  // 98 - (n mod 97) is always 02…98: 00, 01 and 99 are never a check.
  const check = Number(compact.slice(2, 4));
  if (check < 2 || check > 98) return false;
  return mod97(digitsOf(compact.slice(4) + compact.slice(0, 4))) === 1;
}

/** Printed in groups of four, as banks and the notice print it: "RF18 5390 0754 7034". */
export function formatRf(value: string): string {
  return compactRf(value).replace(/(.{4})(?=.)/g, '$1 ');
}
