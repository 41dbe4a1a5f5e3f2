import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser, newAgent, signIn, type Agent } from '../helpers/accounts.ts';
import {
  insertArrangement,
  insertDebt,
  insertDebtPayment,
  insertFine,
} from '../helpers/finance.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

/** A valid AFM from 8 digits: the check digit appended. */
const afmOf = (first8: string) => {
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(first8[i]) * 2 ** (8 - i);
  return `${first8}${(sum % 11) % 10}`;
};

// 15 June 2026, noon in Athens.
const NOW = new Date('2026-06-15T09:00:00Z');
const AFM_A = afmOf('11122233');
const AFM_B = afmOf('44455566');
const text = (html: string) => cheerio.load(html)('main').text().replace(/\s+/g, ' ');
const money = (value: string) => value.replace(/\u00a0/g, ' ');

let ctx: TestContext;
let citizenA: Agent;
let citizenB: Agent;
let unverified: Agent;
let noAfm: Agent;
const ids: Record<string, number> = {};
const rfs: Record<string, string> = {};
let arrangement: { id: number; instalments: { id: number; rf: string }[] };

/** The page in English; the agent's language (kept by the site) back to Greek afterwards. */
async function inEnglish(agent: Agent, path: string): Promise<string> {
  const res = await agent.get(`${path}?lang=en`);
  await agent.get(`${path}?lang=el`);
  return res.text;
}

async function verifiedAgent(name: string, afm: string | null): Promise<Agent> {
  const user = await createActiveUser(ctx.db, name, {
    identity_verified_at: NOW,
    identity_channel: 'counter',
    afm,
  });
  const agent = newAgent(ctx.app);
  await signIn(agent, user.username, user.password);
  return agent;
}

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => NOW } });
  citizenA = await verifiedAgent('dues-a', AFM_A);
  citizenB = await verifiedAgent('dues-b', AFM_B);
  noAfm = await verifiedAgent('dues-noafm', null);
  const plain = await createActiveUser(ctx.db, 'dues-plain', { afm: AFM_B });
  unverified = newAgent(ctx.app);
  await signIn(unverified, plain.username, plain.password);

  arrangement = await insertArrangement(ctx.db, {
    afm: AFM_A,
    decidedOn: '2025-12-20',
    instalments: [
      { dueDate: '2026-01-31', amountCents: 20_000, paidCents: 20_000 },
      { dueDate: '2026-05-31', amountCents: 20_000 },
      { dueDate: '2026-07-31', amountCents: 20_000 },
    ],
  });
  const debts = {
    overdue: { type: 'TAP', period: '2026', amountCents: 12_000, dueDate: '2026-03-31' },
    partPaid: {
      type: 'CLEANING_LIGHTING',
      period: '2026Α',
      property: 'Οδός Ρούσου Κούνδουρου 5',
      amountCents: 8_050,
      paidCents: 3_000,
      dueDate: '2026-09-30',
    },
    paid: {
      type: 'PAVEMENT',
      period: '2025',
      amountCents: 20_000,
      paidCents: 20_000,
      dueDate: '2025-12-31',
    },
    due: { type: 'KIOSK', period: '2026', amountCents: 30_000, dueDate: '2026-12-31' },
    arranged: {
      type: 'TAP',
      period: '2025',
      amountCents: 60_000,
      dueDate: '2025-06-30',
      arrangementId: arrangement.id,
    },
  };
  for (const [name, debt] of Object.entries(debts)) {
    const row = await insertDebt(ctx.db, { afm: AFM_A, ...debt });
    ids[name] = row.id;
    rfs[name] = row.rf;
  }
  const other = await insertDebt(ctx.db, {
    afm: AFM_B,
    amountCents: 77_700,
    dueDate: '2026-01-31',
  });
  ids.other = other.id;
  rfs.other = other.rf;
  await insertDebtPayment(ctx.db, {
    debtId: ids.paid!,
    rf: rfs.paid!,
    amountCents: 20_000,
    paidAt: '2025-12-01T10:00:00Z',
  });
  await insertDebtPayment(ctx.db, {
    debtId: ids.partPaid!,
    rf: rfs.partPaid!,
    amountCents: 3_000,
    paidAt: '2026-04-01T10:00:00Z',
  });
  await ctx.db('payments').insert({
    bank_reference: 'TEST-INSTALMENT-1',
    rf: arrangement.instalments[0]!.rf,
    amount_cents: 20_000,
    paid_at: '2026-01-20T10:00:00Z',
    outcome: 'matched',
    instalment_id: arrangement.instalments[0]!.id,
  });
  // A payment not matched (an unknown RF) is nobody's history.
  await ctx.db('payments').insert({
    bank_reference: 'TEST-UNKNOWN',
    rf: rfs.overdue!,
    amount_cents: 1_000,
    paid_at: '2026-05-01T10:00:00Z',
    outcome: 'unknown',
  });
  await insertFine(ctx.db, {
    noticeNumber: 'ΑΝ-2026-0001',
    plate: 'ΑΝΚ1234',
    ownerAfm: AFM_B,
    offenceAt: '2026-02-01T10:00:00Z',
    amountCents: 8_000,
    dueDate: '2026-04-01',
  });
});
afterAll(() => ctx.close());

describe('who may see /dues', () => {
  it('sends an anonymous visitor to sign in', async () => {
    const res = await request(ctx.app).get('/dues');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fdues');
  });

  it('shows a citizen whose identity was not checked the verification page, not their AFM debts', async () => {
    for (const path of ['/dues', `/dues/${ids.other}`, '/dues/statement.pdf']) {
      const res = await unverified.get(path);
      expect(res.status, path).toBe(403);
      expect(res.text).toContain('ταυτοπροσωπ');
      expect(res.text).not.toContain('777,00');
    }
  });

  it('tells a verified citizen without an AFM how to have it recorded', async () => {
    const res = await noAfm.get('/dues');
    expect(res.status).toBe(200);
    expect(text(res.text)).toContain('δεν έχει ΑΦΜ');
    expect((await noAfm.get(`/dues/${ids.overdue}`)).status).toBe(404);
    expect((await noAfm.get('/dues/statement.pdf')).status).toBe(404);
  });

  it('lists the service on the hub for verified citizens', async () => {
    const $ = cheerio.load((await citizenA.get('/')).text);
    expect($('a[href="/dues"]').length).toBeGreaterThan(0);
  });
});

describe("a verified citizen's dues", () => {
  it('lists every debt of their AFM with its standing, and none of anyone else', async () => {
    const res = await citizenA.get('/dues');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toContain('no-store');
    const $ = cheerio.load(res.text);
    const status = (name: string) => $(`tr[data-debt="${ids[name]}"]`).attr('data-status');
    expect(status('overdue')).toBe('overdue');
    expect(status('partPaid')).toBe('part_paid');
    expect(status('due')).toBe('due');
    expect(status('paid')).toBe('paid');
    // An arranged debt is paid through its instalments: listed under its arrangement, not here.
    expect($(`#open-debts tr[data-debt="${ids.arranged}"]`).length).toBe(0);
    expect($(`tr[data-debt="${ids.other}"]`).length).toBe(0);
    expect(res.text).not.toContain('777,00');
    // Open debts by due date; the paid one below, in its own section.
    const open = $('#open-debts tbody tr')
      .map((_i, row) => Number($(row).attr('data-debt')))
      .get();
    expect(open).toEqual([ids.overdue, ids.partPaid, ids.due]);
    expect($(`#paid-debts-table tr[data-debt="${ids.paid}"]`).length).toBe(1);
    // A row carries its type, period, property, what remains (of the amount, and what was paid),
    // due date and RF.
    const row = $(`tr[data-debt="${ids.partPaid}"]`).text().replace(/\s+/g, ' ');
    for (const part of [
      'Τέλη καθαριότητας και φωτισμού',
      '2026Α',
      'Οδός Ρούσου Κούνδουρου 5',
      '50,50 €',
      'από 80,50 €· πληρώθηκαν 30,00 €',
      '30 Σεπτεμβρίου 2026',
      rfs.partPaid!.replace(/(.{4})(?=.)/g, '$1 '),
    ])
      expect(money(row)).toContain(part);
  });

  it('lists the unpaid traffic fines of the AFM that count in what is owed, each linking to its page', async () => {
    const $ = cheerio.load((await citizenB.get('/dues')).text);
    const fine = (await ctx.db('fines').where({ notice_number: 'ΑΝ-2026-0001' }).first()) as {
      id: number;
    };
    expect($(`#fines-table a[href="/fines/${fine.id}"]`).text()).toBe('ΑΝ-2026-0001');
    expect(money($('#fines-table').text())).toContain('80,00 €');
    expect(money($('#owed-parts').text())).toContain('απλήρωτα πρόστιμα ΚΟΚ: 80,00 €');
    // Citizen A owns no fine: no such section.
    expect(cheerio.load((await citizenA.get('/dues')).text)('#fines-table').length).toBe(0);
  });

  it('marks overdue debts with a red tag that says so, not by colour alone', async () => {
    const $ = cheerio.load((await citizenA.get('/dues')).text);
    const tag = $(`tr[data-debt="${ids.overdue}"] .govuk-tag`);
    expect(tag.hasClass('govuk-tag--red')).toBe(true);
    expect(tag.text().trim()).toBe('Ληξιπρόθεσμη');
    expect($(`tr[data-debt="${ids.due}"] .govuk-tag`).hasClass('govuk-tag--red')).toBe(false);
    const en = cheerio.load(await inEnglish(citizenA, '/dues'));
    expect(en(`tr[data-debt="${ids.overdue}"] .govuk-tag`).text().trim()).toBe('Overdue');
  });

  it('totals the unpaid debts (in SQL), in each language', async () => {
    const $ = cheerio.load((await citizenA.get('/dues')).text);
    // 120,00 + 80,50 + 300,00 (the arranged 600,00 is not: its instalments are); paid 30,00;
    // overdue: the 120,00 alone.
    expect(money($('[data-total="amount"]').text().trim())).toBe('500,50 €');
    expect(money($('[data-total="paid"]').text().trim())).toBe('30,00 €');
    expect(money($('[data-total="remaining"]').text().trim())).toBe('470,50 €');
    expect(money($('[data-total="overdue"]').text())).toContain('1 οφειλή, υπόλοιπο 120,00 €');
    // The whole owed is the sum of its parts, each shown where it is listed.
    const parts = $('#owed-parts li')
      .map((_i, li) => money($(li).text().trim()))
      .get();
    expect(parts).toEqual([
      'απλήρωτες οφειλές: 470,50 €',
      'δόσεις ρυθμίσεων που απομένουν: 400,00 €',
    ]);
    const en = cheerio.load(await inEnglish(citizenA, '/dues'));
    expect(en('[data-total="remaining"]').text().trim()).toBe('€470.50');
  });

  it('says what is overdue: the debt and the unpaid instalment, with the whole outstanding', async () => {
    const $ = cheerio.load((await citizenA.get('/dues')).text);
    expect($('#debt-status').attr('data-clear')).toBe('false');
    const status = money($('#debt-status').text().replace(/\s+/g, ' '));
    // 120,00 (the debt) + 200,00 (instalment 2).
    expect(status).toContain('Έχετε ληξιπρόθεσμες οφειλές: 320,00 €');
    // 120,00 + 50,50 + 300,00 + 200,00 + 200,00: the arranged debt counts by its instalments.
    expect(status).toContain('870,50 €');
    expect($(`#overdue-items a[href="/dues/${ids.overdue}"]`).length).toBe(1);
    expect($(`#overdue-items a[href="#arrangement-${arrangement.id}"]`).text()).toContain('Δόση 2');
  });

  it("shows each arrangement's schedule and the next unpaid instalment's RF", async () => {
    const $ = cheerio.load((await citizenA.get('/dues')).text);
    const section = $(`#arrangement-${arrangement.id}`);
    expect(section.find('h3').text()).toContain('20 Δεκεμβρίου 2025');
    const rows = section.find('tr[data-instalment]');
    expect(rows.map((_i, r) => $(r).attr('data-status')).get()).toEqual(['paid', 'overdue', 'due']);
    expect(money(rows.eq(1).text())).toContain('200,00 €');
    expect(rows.eq(1).text()).toContain('31 Μαΐου 2026');
    const next = section.find('.app-next-instalment');
    expect(next.find(`#rf-next-${arrangement.id}`).attr('data-rf')).toBe(
      arrangement.instalments[1]!.rf,
    );
    expect(next.text()).toContain('Δόση 2');
    expect(section.find(`a[href="/dues/${ids.arranged}"]`).length).toBe(1);
    expect(section.text()).toContain('1 από 3');
  });

  it('lists the payments matched to their debts and instalments, newest first', async () => {
    const $ = cheerio.load((await citizenA.get('/dues')).text);
    const rows = $('#payment-history tbody tr');
    expect(rows.length).toBe(3);
    const texts = rows.map((_i, row) => money($(row).text().replace(/\s+/g, ' '))).get();
    expect(texts[0]).toContain('1 Απριλίου 2026');
    expect(texts[0]).toContain('30,00 €');
    expect(texts[1]).toContain('Δόση 1 της ρύθμισης');
    expect(texts[2]).toContain('1 Δεκεμβρίου 2025');
    expect(texts.join(' ')).not.toContain('10,00 €');
  });

  it('says how to pay: by RF at a bank, e-banking or the post office, no card', async () => {
    const page = text((await citizenA.get('/dues')).text);
    expect(page).toContain('e-banking');
    expect(page).toContain('ταχυδρομεία');
    expect(page).toContain('δεν γίνονται πληρωμές με κάρτα');
    const en = text(await inEnglish(citizenA, '/dues'));
    expect(en).toContain('There is no card payment');
  });

  it('tells a citizen with nothing overdue so', async () => {
    const res = await citizenB.get('/dues');
    // B's debt is overdue: the fine in B's name too.
    expect(cheerio.load(res.text)('#debt-status').attr('data-clear')).toBe('false');
    expect(text(res.text)).toContain('ΑΝ-2026-0001');
    const clean = await verifiedAgent('dues-clean', afmOf('77788899'));
    await insertDebt(ctx.db, { afm: afmOf('77788899'), amountCents: 5_000, dueDate: '2026-12-31' });
    const $ = cheerio.load((await clean.get('/dues')).text);
    expect($('#debt-status').attr('data-clear')).toBe('true');
    expect($('#debt-status').text()).toContain('Δεν έχετε ληξιπρόθεσμες οφειλές');
    expect(money($('#debt-status').text())).toContain('50,00 €');
  });
});

describe('a debt page', () => {
  it('shows the debt, its RF with a copy button and its payments', async () => {
    const res = await citizenA.get(`/dues/${ids.partPaid}`);
    expect(res.status).toBe(200);
    const $ = cheerio.load(res.text);
    expect($('h1').text()).toContain('Τέλη καθαριότητας και φωτισμού 2026Α');
    expect($(`#rf-${ids.partPaid}`).attr('data-rf')).toBe(rfs.partPaid);
    expect($(`button[data-copy-rf="rf-${ids.partPaid}"]`).length).toBe(1);
    expect(money($('[data-field="remaining"]').text())).toBe('50,50 €');
    expect(money($('#debt-payments').text())).toContain('30,00 €');
  });

  it('sends a debt in an arrangement to the arrangement', async () => {
    const $ = cheerio.load((await citizenA.get(`/dues/${ids.arranged}`)).text);
    expect($(`a[href="/dues#arrangement-${arrangement.id}"]`).length).toBe(1);
    expect($(`#rf-${ids.arranged}`).length).toBe(0);
  });

  it("is 404 for another AFM's debt, whoever asks, and for a made-up id", async () => {
    expect((await citizenA.get(`/dues/${ids.other}`)).status).toBe(404);
    expect((await citizenB.get(`/dues/${ids.other}`)).status).toBe(200);
    expect((await citizenB.get(`/dues/${ids.overdue}`)).status).toBe(404);
    for (const id of ['0', '99999999', 'abc', '1e3', '-1'])
      expect((await citizenA.get(`/dues/${id}`)).status, id).toBe(404);
  });
});

describe('the account page and the privacy notice', () => {
  it('says how many things are overdue on the account page', async () => {
    const $ = cheerio.load((await citizenA.get('/account')).text);
    expect($('a[href="/dues"]').text()).toContain('ληξιπρόθεσμες οφειλές 2');
    const plain = cheerio.load((await unverified.get('/account')).text);
    expect(plain('main a[href="/dues"]').text()).not.toContain('ληξιπρόθεσμες');
  });

  it('explains what the dues pages show and to whom', async () => {
    const res = await request(ctx.app).get('/privacy');
    expect(text(res.text)).toContain('Οι οφειλές σας προς τον Δήμο');
  });
});
