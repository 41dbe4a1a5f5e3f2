import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODULES } from '../../src/features/index.ts';
import { keysOf, localesOf } from '../../src/features/registry.ts';
import { ValidationError } from '../../src/lib/errors.ts';
import { fields, parseEuroCents, parseForm, parseOrThrow } from '../../src/lib/forms.ts';

const schema = z.object({
  name: fields.text(20),
  day: fields.date(),
  born: fields.dateParts(),
  afm: fields.afm(),
  phone: fields.phone(),
  slug: fields.slug(),
  amount: fields.amountCents(),
});

const good = {
  name: '  Μαρία  ',
  day: '2028-02-29',
  born: { day: '7', month: '3', year: '1990' },
  afm: '090000045',
  phone: '6912345678',
  slug: 'epidoma-enoikiou',
  amount: '1.234,50 €',
};

describe('parseForm and the shared field schemas', () => {
  it('reads a good form into typed values', () => {
    expect(parseForm(schema, good)).toEqual({
      ok: true,
      data: {
        name: 'Μαρία',
        day: '2028-02-29',
        born: '1990-03-07',
        afm: '090000045',
        phone: '+306912345678',
        slug: 'epidoma-enoikiou',
        amount: 123450,
      },
    });
  });

  it('says what is wrong, one key per field, each named in both languages', () => {
    const result = parseForm(schema, {
      name: ['an', 'array'],
      day: '2026-02-31',
      born: { day: '31', month: '4', year: '2026' },
      afm: '123456789',
      phone: '{12}',
      slug: 'Με Κενά',
      amount: '12,345',
    });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(Object.fromEntries(errors.map((e) => [e.field, e.key]))).toEqual({
      name: 'errors.field.invalid',
      day: 'errors.field.date',
      born: 'errors.field.date',
      afm: 'errors.field.afm',
      phone: 'errors.field.phone',
      slug: 'errors.field.slug',
      amount: 'errors.field.amount',
    });
    const strings = localesOf(MODULES);
    for (const lang of ['el', 'en'] as const) {
      const keys = keysOf(strings[lang]);
      for (const error of errors) expect(keys, `${error.key} ${lang}`).toContain(error.key);
      expect(keys).toContain('errors.field.required');
      expect(keys).toContain('errors.field.dateIncomplete');
    }
    const empty = parseForm(schema, { born: { day: '', month: '3', year: '' } });
    expect(empty.ok ? [] : empty.errors.map((e) => e.key)).toEqual([
      'errors.field.invalid',
      'errors.field.invalid',
      'errors.field.dateIncomplete',
      'errors.field.invalid',
      'errors.field.invalid',
      'errors.field.invalid',
      'errors.field.invalid',
    ]);
    expect(() => parseOrThrow(schema, {})).toThrow(ValidationError);
  });

  it('reads euro amounts as people type them', () => {
    expect(parseEuroCents('12,50')).toBe(1250);
    expect(parseEuroCents('12.50')).toBe(1250);
    expect(parseEuroCents('12,5')).toBe(1250);
    expect(parseEuroCents('1.234')).toBe(123400);
    expect(parseEuroCents('1.234.567,89')).toBe(123456789);
    expect(parseEuroCents('€ 7')).toBe(700);
    for (const bad of ['', '12,345', '1,2,3', '-5', '12.345,6,7', 'δώδεκα', '1e5'])
      expect(parseEuroCents(bad), bad).toBeUndefined();
  });
});
