import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertArrangement, insertDebt, insertFine } from '../helpers/finance.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

/** A valid AFM from 8 digits: the check digit appended. */
const afmOf = (first8: string) => {
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(first8[i]) * 2 ** (8 - i);
  return `${first8}${(sum % 11) % 10}`;
};

// 15 June 2026, noon in Athens; a test may move it.
let now = new Date('2026-06-15T09:00:00Z');
let ctx: TestContext;
let serial = 0;
/** A fresh AFM per case, so the cases do not see each other's rows. */
const freshAfm = () => afmOf(String(30_000_000 + (serial += 1)));
const status = (afm: string) => ctx.services.dues.debtStatus(afm);

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => now } });
});
afterAll(() => ctx.close());

describe('debtStatus: whether a person owes nothing overdue', () => {
  it('is clear with nothing at all', async () => {
    expect(await status(freshAfm())).toEqual({
      clear: true,
      outstandingCents: 0,
      overdueCents: 0,
      overdue: [],
    });
  });

  it('is clear when all that is owed is not yet due, and counts it as outstanding', async () => {
    const afm = freshAfm();
    await insertDebt(ctx.db, { afm, amountCents: 10_000, paidCents: 2_500, dueDate: '2026-06-15' });
    await insertFine(ctx.db, {
      noticeNumber: `ΚΟΚ-${afm}`,
      plate: 'ΗΡΑ1000',
      ownerAfm: afm,
      offenceAt: '2026-06-01T08:00:00Z',
      amountCents: 4_000,
      dueDate: '2026-07-01',
    });
    expect(await status(afm)).toMatchObject({
      clear: true,
      outstandingCents: 11_500,
      overdueCents: 0,
    });
  });

  it('is not clear with a debt past its due date that is not fully paid', async () => {
    const afm = freshAfm();
    const debt = await insertDebt(ctx.db, {
      afm,
      type: 'WATER',
      period: '2026Β',
      amountCents: 9_000,
      paidCents: 1_000,
      dueDate: '2026-06-14',
    });
    await insertDebt(ctx.db, { afm, amountCents: 5_000, paidCents: 5_000, dueDate: '2026-01-31' });
    const result = await status(afm);
    expect(result).toMatchObject({ clear: false, outstandingCents: 8_000, overdueCents: 8_000 });
    expect(result.overdue).toEqual([
      expect.objectContaining({
        kind: 'debt',
        id: debt.id,
        rf: debt.rf,
        dueDate: '2026-06-14',
        remainingCents: 8_000,
        period: '2026Β',
        typeName: { el: 'Ύδρευση και αποχέτευση', en: 'Water and sewerage' },
      }),
    ]);
  });

  it('leaves out a paid overdue debt and another AFM’s overdue debt', async () => {
    const afm = freshAfm();
    await insertDebt(ctx.db, { afm, amountCents: 5_000, paidCents: 5_000, dueDate: '2026-01-31' });
    await insertDebt(ctx.db, { afm: freshAfm(), amountCents: 5_000, dueDate: '2026-01-31' });
    expect(await status(afm)).toMatchObject({ clear: true, outstandingCents: 0 });
  });

  it('counts a debt in an arrangement by its instalments: clear while they are paid on time', async () => {
    const afm = freshAfm();
    const arrangement = await insertArrangement(ctx.db, {
      afm,
      decidedOn: '2026-01-10',
      instalments: [
        { dueDate: '2026-02-28', amountCents: 3_000, paidCents: 3_000 },
        { dueDate: '2026-07-31', amountCents: 3_000 },
      ],
    });
    await insertDebt(ctx.db, {
      afm,
      amountCents: 6_000,
      dueDate: '2025-12-31',
      arrangementId: arrangement.id,
    });
    expect(await status(afm)).toMatchObject({
      clear: true,
      outstandingCents: 3_000,
      overdueCents: 0,
    });
  });

  it('is not clear with an arrangement instalment past due and unpaid', async () => {
    const afm = freshAfm();
    const arrangement = await insertArrangement(ctx.db, {
      afm,
      decidedOn: '2026-01-10',
      instalments: [
        { dueDate: '2026-05-31', amountCents: 3_000, paidCents: 1_000 },
        { dueDate: '2026-07-31', amountCents: 3_000 },
      ],
    });
    const result = await status(afm);
    expect(result).toMatchObject({ clear: false, outstandingCents: 5_000, overdueCents: 2_000 });
    expect(result.overdue).toEqual([
      expect.objectContaining({
        kind: 'instalment',
        id: arrangement.instalments[0]!.id,
        arrangementId: arrangement.id,
        number: 1,
        remainingCents: 2_000,
      }),
    ]);
  });

  it('is not clear with an unpaid fine in the person’s name past its due date, and only then', async () => {
    const afm = freshAfm();
    const fine = (status: 'unpaid' | 'paid' | 'objection' | 'cancelled', n: number) =>
      insertFine(ctx.db, {
        noticeNumber: `ΚΟΚ-${afm}-${n}`,
        plate: 'ΗΡΑ2000',
        ownerAfm: afm,
        offenceAt: '2026-03-01T08:00:00Z',
        amountCents: 8_000,
        paidCents: status === 'paid' ? 8_000 : 0,
        dueDate: '2026-05-01',
        status,
      });
    await fine('paid', 1);
    await fine('objection', 2);
    await fine('cancelled', 3);
    expect((await status(afm)).clear).toBe(true);
    const unpaid = await fine('unpaid', 4);
    const result = await status(afm);
    expect(result).toMatchObject({ clear: false, outstandingCents: 8_000, overdueCents: 8_000 });
    expect(result.overdue).toEqual([
      expect.objectContaining({ kind: 'fine', id: unpaid.id, noticeNumber: `ΚΟΚ-${afm}-4` }),
    ]);
  });

  it('turns overdue when the day after the due date begins in Athens, not in UTC', async () => {
    const afm = freshAfm();
    await insertDebt(ctx.db, { afm, amountCents: 1_000, dueDate: '2026-06-15' });
    expect((await status(afm)).clear).toBe(true);
    // 21:30 UTC on 15 June is 00:30 on the 16th in Athens (summer time).
    now = new Date('2026-06-15T21:30:00Z');
    try {
      expect(await status(afm)).toMatchObject({ clear: false, overdueCents: 1_000 });
    } finally {
      now = new Date('2026-06-15T09:00:00Z');
    }
  });
});
