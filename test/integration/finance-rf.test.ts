import { randomInt } from 'node:crypto';
import { generate, validate } from 'node-iso11649';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactRf, formatRf, isValidRf, makeRf } from '../../src/lib/rf.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const randomBody = () =>
  Array.from({ length: randomInt(1, 22) }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
const BODIES = Array.from({ length: 3000 }, randomBody);

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.close();
});

describe('RF codes (ISO 11649), checked against node-iso11649', () => {
  it('makes the reference the oracle makes, in TypeScript and in SQL, for thousands of bodies', async () => {
    const fromSql = await ctx.deps.db.raw<{ rows: { body: string; rf: string; valid: boolean }[] }>(
      'SELECT body, rf_make(body) AS rf, rf_valid(rf_make(body)) AS valid FROM unnest(?::text[]) AS body',
      [BODIES],
    );
    expect(fromSql.rows).toHaveLength(BODIES.length);
    for (const [i, body] of BODIES.entries()) {
      const expected = generate(body);
      expect(makeRf(body)).toBe(expected);
      expect(fromSql.rows[i]).toEqual({ body, rf: expected, valid: true });
      expect(isValidRf(expected)).toBe(true);
      expect(validate(expected)).toBe(true);
    }
  });

  it('refuses what the oracle refuses: a wrong check digit, a changed character, odd shapes', async () => {
    const candidates = BODIES.slice(0, 1500).flatMap((body) => {
      const rf = makeRf(body);
      const check = Number(rf.slice(2, 4));
      const wrongCheck = `RF${String((check + 1 + randomInt(90)) % 99).padStart(2, '0')}${rf.slice(4)}`;
      const at = randomInt(4, rf.length);
      const swapped =
        rf.slice(0, at) + ALPHABET[(ALPHABET.indexOf(rf[at]!) + 1) % 36] + rf.slice(at + 1);
      return [wrongCheck, swapped];
    });
    candidates.push(
      'RF',
      'RF1',
      'XX18539007547034',
      'RF18 5390',
      `RF00${'1'.repeat(22)}`,
      'rf18539007547034',
    );
    const fromSql = await ctx.deps.db.raw<{ rows: { valid: boolean | null }[] }>(
      'SELECT rf_valid(rf) AS valid FROM unnest(?::text[]) WITH ORDINALITY AS c(rf, n) ORDER BY n',
      [candidates],
    );
    let refused = 0;
    for (const [i, candidate] of candidates.entries()) {
      const oracle = validate(candidate);
      // The database stores references compact and in capitals; TypeScript accepts them as typed.
      const stored = compactRf(candidate) === candidate;
      expect(isValidRf(candidate), candidate).toBe(oracle);
      if (stored) expect(fromSql.rows[i]!.valid, candidate).toBe(oracle);
      if (!oracle) refused += 1;
    }
    expect(refused).toBeGreaterThan(2900);
  });

  it('prints a reference in groups of four, and reads it back whatever the spacing', () => {
    expect(formatRf('RF18539007547034')).toBe('RF18 5390 0754 7034');
    expect(formatRf('rf18 5390 0754 7034 ')).toBe('RF18 5390 0754 7034');
    expect(isValidRf('RF18 5390 0754 7034')).toBe(true);
    expect(() => makeRf('ΑΒΓ')).toThrow(RangeError);
  });
});
