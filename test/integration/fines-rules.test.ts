import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULES } from '../../src/features/index.ts';
import { csrfFrom, postForm } from '../helpers/accounts.ts';
import { aFine, fineCitizen, lookUp, postObjection } from '../helpers/fines.ts';
import { afmFrom, signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';
import { eraseInOneTransaction } from '../../src/features/privacy/erasure.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const $ = (html: string) => cheerio.load(html);
const RULES = '/staff/finance/rules';
const rule = (day: string, month: string, year: string, extra: Record<string, string> = {}) => ({
  'effectiveFrom-day': day,
  'effectiveFrom-month': month,
  'effectiveFrom-year': year,
  reductionPercent: '20',
  reductionDays: '5',
  objectionDays: '30',
  note: 'Απόφαση Δημοτικού Συμβουλίου 12/2027',
  ...extra,
});

describe('the fine rules (finance)', () => {
  it('lists the rules, newest first, to finance only', async () => {
    const finance = await signedInStaff(ctx.app, ctx.db, ['finance']);
    const res = await finance.agent.get(RULES);
    expect(res.status).toBe(200);
    const rows = $(res.text)('tbody tr');
    expect(rows.first().text()).toContain('1 Ιουλίου 2025');
    expect(rows.last().text()).toContain('1 Ιανουαρίου 2018');
    expect(rows.last().text()).toContain('50');
    const nav = $(res.text)('a[href="/staff/finance/rules"]');
    expect(nav.length).toBeGreaterThan(0);
    const editor = await signedInStaff(ctx.app, ctx.db, ['editor']);
    expect((await editor.agent.get(RULES)).status).toBe(403);
    const citizen = await fineCitizen(ctx.app, ctx.db);
    expect((await citizen.agent.get(RULES)).status).toBe(403);
  });

  it('adds a rule, audited, and fines on and after its day follow it', async () => {
    const finance = await signedInStaff(ctx.app, ctx.db, ['finance']);
    const res = await postForm(
      finance.agent,
      `${RULES}/new`,
      `${RULES}/new`,
      rule('1', '1', '2027'),
    );
    expect(res.status).toBe(303);
    const saved = (await ctx.db('fine_rules').where({ effective_from: '2027-01-01' }).first()) as {
      id: number;
      reduction_percent: number;
      created_by: number;
    };
    expect(saved).toMatchObject({ reduction_percent: 20, created_by: finance.id });
    expect(
      await ctx.db('audit_log').where({ action: 'fine_rule.created', entity_id: saved.id }).first(),
    ).toMatchObject({ actor_id: finance.id, entity_type: 'fine_rule' });
    const list = await finance.agent.get(RULES);
    expect($(list.text)('.govuk-notification-banner').text()).toContain('προστέθηκε');

    const citizen = await fineCitizen(ctx.app, ctx.db);
    const dayBefore = await aFine(ctx.db, {
      offenceAt: '2026-12-31T12:00:00Z',
      amountCents: 10000,
    });
    const onTheDay = await aFine(ctx.db, { offenceAt: '2027-01-01T12:00:00Z', amountCents: 10000 });
    await lookUp(citizen.agent, dayBefore.noticeNumber, dayBefore.plate);
    await lookUp(citizen.agent, onTheDay.noticeNumber, onTheDay.plate);
    const before = $((await citizen.agent.get(`/fines/${dayBefore.id}`)).text);
    expect(before('#fine-reduction').length).toBe(0);
    expect(before('#fine-rules').text()).toContain('1 Ιουλίου 2025');
    const after = $((await citizen.agent.get(`/fines/${onTheDay.id}`)).text);
    expect(after('#fine-reduction').text()).toContain('80,00');
    expect(after('#fine-reduction').text()).toContain('6 Ιανουαρίου 2027');
    expect(after('#fine-objection-deadline').text()).toBe('31 Ιανουαρίου 2027');
    expect(after('#fine-rules').text()).toContain('1 Ιανουαρίου 2027');
  });

  it('edits a rule, audited with what changed', async () => {
    const finance = await signedInStaff(ctx.app, ctx.db, ['finance']);
    await postForm(finance.agent, `${RULES}/new`, `${RULES}/new`, rule('1', '3', '2028'));
    const { id } = (await ctx.db('fine_rules').where({ effective_from: '2028-03-01' }).first()) as {
      id: number;
    };
    const form = $((await finance.agent.get(`${RULES}/${id}`)).text);
    expect(form('#effectiveFrom-day').attr('value')).toBe('1');
    expect(form('#effectiveFrom-month').attr('value')).toBe('3');
    expect(form('#objectionDays').attr('value')).toBe('30');
    const res = await postForm(
      finance.agent,
      `${RULES}/${id}`,
      `${RULES}/${id}`,
      rule('1', '3', '2028', { objectionDays: '45' }),
    );
    expect(res.status).toBe(303);
    expect(await ctx.db('fine_rules').where({ id }).first()).toMatchObject({ objection_days: 45 });
    const audit = (await ctx
      .db('audit_log')
      .where({ action: 'fine_rule.updated', entity_id: id })
      .first()) as { details: { changes: Record<string, unknown> } };
    expect(audit.details.changes).toEqual({ objection_days: { before: 30, after: 45 } });
    expect((await finance.agent.get(`${RULES}/999999`)).status).toBe(404);
  });

  it('never changes a rule in effect: fines issued under it keep it', async () => {
    const finance = await signedInStaff(ctx.app, ctx.db, ['finance']);
    const inEffect = (await ctx
      .db('fine_rules')
      .where({ effective_from: '2025-07-01' })
      .first()) as {
      id: number;
      objection_days: number;
    };
    const form = $((await finance.agent.get(`${RULES}/${inEffect.id}`)).text);
    expect(form('#rule-in-effect').text()).toContain('Ο κανόνας ισχύει ήδη');
    expect(form(`form[action="${RULES}/${inEffect.id}"]`).length).toBe(0);
    const res = await finance.agent
      .post(`${RULES}/${inEffect.id}`)
      .type('form')
      .send({
        ...rule('1', '7', '2025', { objectionDays: '10' }),
        _csrf: await csrfFrom(finance.agent, `${RULES}/new`),
      });
    expect(res.status).toBe(400);
    expect((await ctx.db('fine_rules').where({ id: inEffect.id }).first()).objection_days).toBe(
      inEffect.objection_days,
    );
    // Nor is a rule still to come moved to a day that has passed.
    await postForm(finance.agent, `${RULES}/new`, `${RULES}/new`, rule('1', '6', '2029'));
    const future = (await ctx.db('fine_rules').where({ effective_from: '2029-06-01' }).first()) as {
      id: number;
    };
    const moved = await postForm(
      finance.agent,
      `${RULES}/${future.id}`,
      `${RULES}/${future.id}`,
      rule('1', '6', '2024'),
    );
    expect(moved.status).toBe(400);
    expect($(moved.text)('#effectiveFrom-error').text()).toContain('ισχύει ήδη');
  });

  it('says what is wrong at each field, in Greek and English', async () => {
    const finance = await signedInStaff(ctx.app, ctx.db, ['finance']);
    const bad = rule('31', '2', '2027', {
      reductionPercent: '150',
      reductionDays: '-1',
      objectionDays: '0',
      note: 'x'.repeat(501),
    });
    const el = await postForm(finance.agent, `${RULES}/new`, `${RULES}/new`, bad);
    expect(el.status).toBe(400);
    const page = $(el.text);
    expect(page('.govuk-error-summary a[href="#effectiveFrom-day"]').text()).toContain(
      'ημερομηνία',
    );
    expect(page('#reductionPercent-error').text()).toContain('0 έως 100');
    expect(page('#reductionDays-error').text()).toContain('0 έως 365');
    expect(page('#objectionDays-error').text()).toContain('1 έως 365');
    expect(page('#note-error').text()).toContain('μεγάλο');
    expect(page('#reductionPercent').attr('value')).toBe('150');
    await finance.agent.get(`${RULES}?lang=en`);
    const en = await postForm(finance.agent, `${RULES}/new`, `${RULES}/new`, {
      ...rule('', '', ''),
      reductionPercent: 'ten',
    });
    expect($(en.text)('#effectiveFrom-error').text()).toContain('day, a month and a year');
    expect($(en.text)('#reductionPercent-error').text()).toContain('whole number from 0 to 100');
    const taken = await postForm(
      finance.agent,
      `${RULES}/new`,
      `${RULES}/new`,
      rule('1', '3', '2028'),
    );
    expect(taken.status).toBe(400);
    expect($(taken.text)('#effectiveFrom-error').text()).toContain('already starts');
    // A new rule never reaches back over fines already issued.
    const past = await postForm(
      finance.agent,
      `${RULES}/new`,
      `${RULES}/new`,
      rule('1', '1', '2026'),
    );
    expect(past.status).toBe(400);
    expect($(past.text)('#effectiveFrom-error').text()).toContain('still to come');
    // The two seeded rules and the three added by the tests before: nothing more.
    expect(await ctx.db('fine_rules').count()).toEqual([{ count: 2 + 3 }]);
  });
});

describe("a citizen's fines data", () => {
  it('is exported and erased (looked-up fines; objections kept without the account)', async () => {
    const fines = MODULES.find((m) => m.name === 'fines')!;
    const citizen = await fineCitizen(ctx.app, ctx.db);
    // This file runs on the real clock: an offence of yesterday is within its objection deadline.
    const fine = await aFine(ctx.db, {
      offenceAt: new Date(Date.now() - 86_400_000).toISOString(),
    });
    await lookUp(citizen.agent, fine.noticeNumber, fine.plate);
    await postObjection(citizen.agent, fine.id, {
      capacity: 'driver',
      driverAfm: afmFrom('98765432'),
      declaration: 'yes',
      text: 'Δεν ήμουν εγώ.',
    });
    const person = { userId: citizen.id, afm: null };
    const exported = await fines.exportFor!(person, ctx.db);
    expect(exported).toMatchObject({
      finesLookedUp: [{ noticeNumber: fine.noticeNumber }],
      fineObjections: [{ noticeNumber: fine.noticeNumber, text: 'Δεν ήμουν εγώ.' }],
    });
    await eraseInOneTransaction(ctx.deps, person, [fines]);
    expect(await ctx.db('fine_access').where({ user_id: citizen.id })).toEqual([]);
    expect(await ctx.db('fine_objections').where({ fine_id: fine.id }).select('user_id')).toEqual([
      { user_id: null },
    ]);
  });
});
