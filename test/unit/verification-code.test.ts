import { describe, expect, it } from 'vitest';
import {
  formatVerificationCode,
  newVerificationCode,
  parseVerificationCode,
} from '../../src/features/certificates/verification-code.ts';

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

describe('verification codes', () => {
  it('are 12 characters of the 32 that cannot be mistaken for one another', () => {
    expect(ALPHABET).toHaveLength(32);
    for (let i = 0; i < 2000; i += 1) {
      const code = newVerificationCode();
      expect(code).toMatch(/^[2-9A-HJ-NP-Z]{12}$/);
      // No zero or O, no one or I.
      expect(code).not.toMatch(/[01OI]/);
    }
  });

  it('are printed in three groups of four and read back as typed or scanned', () => {
    expect(formatVerificationCode('7KQ3M9XP2HRT')).toBe('7KQ3-M9XP-2HRT');
    for (const typed of ['7KQ3-M9XP-2HRT', '7kq3m9xp2hrt', ' 7KQ3 M9XP 2HRT ', '7KQ3--M9XP-2HRT\n'])
      expect(parseVerificationCode(typed), typed).toBe('7KQ3M9XP2HRT');
    for (let i = 0; i < 200; i += 1) {
      const code = newVerificationCode();
      expect(parseVerificationCode(formatVerificationCode(code))).toBe(code);
    }
  });

  it('refuses what cannot be a code: look-alikes, wrong length, other characters, other types', () => {
    for (const bad of [
      '',
      '7KQ3-M9XP-2HR',
      '7KQ3-M9XP-2HRTX',
      '7KQ3-M9XP-2HR0',
      '7KQ3-M9XP-2HRO',
      '7KQ3-M9XP-2HR1',
      '7KQ3-M9XP-2HRI',
      '7KQ3-M9XP-2HR!',
      '7KQ3_M9XP_2HRT',
      'ΑΒΓΔ-M9XP-2HRT',
      '7KQ3-M9XP-2HRT'.padEnd(41, ' '),
    ])
      expect(parseVerificationCode(bad), JSON.stringify(bad)).toBeUndefined();
    for (const other of [undefined, null, 12, ['7KQ3M9XP2HRT'], { code: '7KQ3M9XP2HRT' }])
      expect(parseVerificationCode(other)).toBeUndefined();
  });

  it('are random: 10,000 new codes are all different and use the whole alphabet evenly', () => {
    const codes = Array.from({ length: 10_000 }, () => newVerificationCode());
    expect(new Set(codes).size).toBe(codes.length);
    const counts = new Map<string, number>();
    for (const code of codes) for (const c of code) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect([...counts.keys()].sort().join('')).toBe(ALPHABET);
    // 120,000 characters: 3,750 each expected; a fair draw stays well within ±10%.
    for (const [c, n] of counts) expect(Math.abs(n - 3750), c).toBeLessThan(375);
    // No position is stuck: each of the 12 takes many values.
    for (let at = 0; at < 12; at += 1)
      expect(new Set(codes.map((code) => code[at])).size, `position ${at}`).toBe(32);
  });
});
