import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser, newAgent, signIn, type Agent } from '../helpers/accounts.ts';
import { countRenders, untilKept, untilListening, untilShown } from '../helpers/caches.ts';
import { insertDebt, insertDebtPayment } from '../helpers/finance.ts';
import { afmFrom } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

/**
 * A verified citizen's dues page is kept rendered per session, language, URL and Athens day
 * (the dues module's keptPages, personal-pages.ts) in the work cache, until a write to the
 * finance tables announces itself (NOTIFY work_changed: finance's dues_notify triggers).
 */
let ctx: TestContext;
let renders: () => number;
// 23:55 in Athens: a few minutes before the next day.
let now = new Date('2026-12-02T21:55:00Z');
const AFM_A = afmFrom('41000001');
const AFM_B = afmFrom('41000002');
let maria: Agent;
let nikos: Agent;
let debt: { id: number; rf: string };

async function verified(name: string, afm: string): Promise<Agent> {
  const user = await createActiveUser(ctx.db, name, {
    identity_verified_at: now,
    identity_channel: 'counter',
    afm,
  });
  const agent = newAgent(ctx.app);
  expect((await signIn(agent, user.username, user.password)).status).toBe(303);
  return agent;
}

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => now } });
  renders = countRenders(ctx.app);
  debt = await insertDebt(ctx.db, { afm: AFM_A, amountCents: 12_480, dueDate: '2026-12-02' });
  await insertDebt(ctx.db, { afm: AFM_B, amountCents: 99_900, dueDate: '2027-01-31' });
  maria = await verified('kept-dues-maria', AFM_A);
  nikos = await verified('kept-dues-nikos', AFM_B);
  for (const cache of [ctx.deps.workCache, ctx.deps.userCache, ctx.deps.sessionCache])
    await untilListening(cache);
});
afterAll(() => ctx.close());

describe('a citizen’s dues page kept rendered', () => {
  it('is answered from memory, to its own session only, never stored by the browser', async () => {
    const first = await untilKept(maria, '/dues', renders);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toMatch(/no-store/);
    expect(first.text).toContain('124,80');
    const before = renders();
    const again = await maria.get('/dues');
    expect(renders()).toBe(before);
    expect(again.text).toContain('124,80');
    const other = await untilKept(nikos, '/dues', renders);
    expect(other.text).toContain('999,00');
    expect(other.text).not.toContain('124,80');
  });

  it('shows a payment matched by another process as soon as its NOTIFY arrives', async () => {
    await untilKept(maria, '/dues', renders);
    await insertDebtPayment(ctx.db, {
      debtId: debt.id,
      rf: debt.rf,
      amountCents: 2_480,
      paidAt: now.toISOString(),
    });
    await ctx.db('debts').where({ id: debt.id }).update({ paid_cents: 2_480 });
    await untilShown(maria, '/dues', '100,00');
  });

  it('is made again on a new Athens day: a debt due today is overdue tomorrow', async () => {
    const today = await untilKept(maria, '/dues', renders);
    expect(today.text).not.toContain('Ληξιπρόθεσμη');
    now = new Date('2026-12-02T22:02:00Z');
    const tomorrow = await maria.get('/dues');
    expect(tomorrow.text).toContain('Ληξιπρόθεσμη');
  });
});
