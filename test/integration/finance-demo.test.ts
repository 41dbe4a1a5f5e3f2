import * as cheerio from 'cheerio';
import { validate } from 'node-iso11649';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, seedDemoAccounts } from '../../src/db/demo-accounts.ts';
import { seedDemoData } from '../../src/db/seed.ts';
import { MODULES } from '../../src/features/index.ts';
import { newAgent, signIn } from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const NOW = new Date('2026-12-02T08:00:00Z');
let ctx: TestContext;
const financeModule = () => MODULES.find((m) => m.name === 'finance')!;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => NOW } });
  await seedDemoAccounts(ctx.db, { production: false, now: NOW });
  const options = { municipality: 'Δήμος Αγίου Νικολάου', today: NOW };
  expect(await seedDemoData(ctx.db, ctx.deps.documents, options, [financeModule()])).toEqual([
    'finance',
  ]);
  // A second start leaves the demo data as it is.
  expect(await seedDemoData(ctx.db, ctx.deps.documents, options, [financeModule()])).toEqual([]);
});
afterAll(async () => {
  await ctx.close();
});

describe('the financial system demo export (seeds/finance, Windows-1253)', () => {
  it('goes through the same import: four imports, each merged, none rejected', async () => {
    const imports = await ctx
      .db('finance_imports')
      .orderBy('id')
      .select('kind', 'status', 'encoding', 'rows_read');
    expect(imports).toEqual([
      { kind: 'debts', status: 'merged', encoding: 'windows-1253', rows_read: 8 },
      { kind: 'fines', status: 'merged', encoding: 'windows-1253', rows_read: 4 },
      { kind: 'arrangements', status: 'merged', encoding: 'windows-1253', rows_read: 12 },
      { kind: 'payments', status: 'merged', encoding: 'windows-1253', rows_read: 12 },
    ]);
    for (const table of ['debts', 'fines', 'arrangement_instalments'])
      for (const { rf } of await ctx.db(table).select('rf')) expect(validate(rf), rf).toBe(true);
  });

  it('gives the demo citizens what the README promises: debts, an instalment plan, nothing owed', async () => {
    const afm = (username: string) =>
      DEMO_ACCOUNTS.find((a) => a.username === username)!.identityCheck!.afm;
    const owed = async (username: string) =>
      (
        await ctx
          .db('debts')
          .where({ afm: afm(username) })
          .select(
            ctx.db.raw('coalesce(sum(amount_cents - paid_cents), 0)::int AS owed'),
            ctx.db.raw('count(*)::int AS debts'),
          )
      )[0] as { owed: number; debts: number };
    expect(await owed('demo.verified')).toEqual({
      debts: 5,
      owed: 8640 - 4000 + 12480 + 45000 + 12350,
    });
    expect(await owed('demo.nodebt')).toEqual({ debts: 0, owed: 0 });
    const plan = await ctx
      .db('arrangements')
      .where({ afm: afm('demo.instalments') })
      .first();
    const instalments = await ctx
      .db('arrangement_instalments')
      .where({ arrangement_id: plan.id })
      .orderBy('number');
    expect(instalments.map((i) => i.paid_cents)).toEqual([...Array(8).fill(7000), 0, 0, 0, 0]);
    expect(
      await ctx.db('debts').where({ arrangement_id: plan.id }).pluck('source_id'),
    ).toHaveLength(2);
    const left = await ctx
      .db('payments')
      .whereNot({ outcome: 'matched' })
      .orderBy('bank_reference')
      .pluck('outcome');
    expect(left.sort()).toEqual(['duplicate', 'unknown']);
  });

  it('shows the demo finance account the imports and the two payments to check', async () => {
    const account = DEMO_ACCOUNTS.find((a) => a.username === 'demo.finance')!;
    const agent = newAgent(ctx.app);
    expect((await signIn(agent, account.username, account.password)).status).toBe(303);
    const $ = cheerio.load((await agent.get('/staff/finance')).text);
    expect($('table tbody tr')).toHaveLength(4);
    expect($('.govuk-warning-text').text()).toContain('2');
    expect($('table').text()).toContain('Δεδομένα επίδειξης');
  });
});
