import * as cheerio from 'cheerio';
import iconv from 'iconv-lite';
import { validate } from 'node-iso11649';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../src/features/api/api-keys.service.ts';
import { runMaintenance } from '../../src/features/module-jobs.ts';
import { formatRf, makeRf } from '../../src/lib/rf.ts';
import { IMPORT_QUEUE } from '../../src/features/finance/imports/imports.service.ts';
import { type Agent, formTokens, postForm } from '../helpers/accounts.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let finance: { agent: Agent; id: number };

const AFM_A = '102938470';
const AFM_B = '112233441';
const DEBT_HEADER = 'source_id;afm;type;period;property;amount_cents;due_date;rf';

/** Runs the jobs the uploads queued, as the worker would (the module's own job handler). */
async function runQueuedImports(): Promise<number> {
  const job = ctx.deps.modules.flatMap((m) => m.jobs ?? []).find((j) => j.name === IMPORT_QUEUE)!;
  let ran = 0;
  for (;;) {
    const jobs = await ctx.deps.boss.fetch(IMPORT_QUEUE, { batchSize: 10 });
    if (!jobs.length) return ran;
    for (const one of jobs) {
      await job.run!(ctx.deps, one.data);
      await ctx.deps.boss.complete(IMPORT_QUEUE, one.id);
      ran += 1;
    }
  }
}

/** Uploads a file as the finance office does and returns the import's page address. */
async function upload(kind: string, content: Buffer | string, name = `${kind}.csv`) {
  const tokens = await formTokens(finance.agent, '/staff/finance', '/staff/finance/imports');
  const res = await finance.agent
    .post('/staff/finance/imports')
    .field('_csrf', tokens._csrf)
    .field('_submission', tokens._submission)
    .field('kind', kind)
    .attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content), name);
  return res;
}

async function importAndRun(kind: string, content: Buffer | string) {
  const res = await upload(kind, content);
  expect(res.status).toBe(303);
  const path = res.headers.location as string;
  expect(path).toMatch(/^\/staff\/finance\/imports\/\d+$/);
  const before = cheerio.load((await finance.agent.get(path)).text);
  expect(before('.app-import-status').first().text()).toMatch(/Σε αναμονή|Queued/);
  expect(await runQueuedImports()).toBe(1);
  const page = await finance.agent.get(path);
  return {
    path,
    id: Number(path.split('/').pop()),
    $: cheerio.load(page.text),
    status: page.status,
  };
}

const summary = ($: cheerio.CheerioAPI) =>
  Object.fromEntries(
    $('.govuk-summary-list__row')
      .toArray()
      .map((row) => [
        $(row).find('dt').text().trim(),
        $(row).find('dd').text().replace(/\s+/g, ' ').trim(),
      ]),
  );

beforeAll(async () => {
  ctx = await createTestContext();
  finance = await signedInStaff(ctx.app, ctx.db, ['finance']);
});
afterAll(async () => {
  await ctx.close();
});

describe('finance imports: debts', () => {
  const debts = [
    DEBT_HEADER,
    `ΟΦ-1;${AFM_A};TAP;2026;Κουντούρου 12;8640;30/06/2026;`,
    `ΟΦ-2;${AFM_A};cleaning_lighting;2026 Α΄ εξάμηνο;"Οδός Α; αρ. 3";12480;2026-03-31;`,
    `ΟΦ-3;${AFM_B};KIOSK;2026;Περίπτερο πλατείας;150000;31/12/2026;RF18 5390 0754 7034`,
  ].join('\r\n');

  it('imports an Excel export in Windows-1253 with `;`, makes the missing RF codes, and reports counts', async () => {
    const { $, id } = await importAndRun('debts', iconv.encode(debts, 'windows-1253'));
    expect($('.app-import-status').first().text()).toMatch(/Ολοκληρώθηκε/);
    const facts = summary($);
    expect(facts['Νέες εγγραφές']).toBe('3');
    expect(facts['Εγγραφές χωρίς αλλαγή']).toBe('0');
    const rows = await ctx.db('debts').orderBy('source_id').select();
    expect(rows.map((r) => [r.source_id, r.afm, r.type_code, r.amount_cents])).toEqual([
      ['ΟΦ-1', AFM_A, 'TAP', 8640],
      ['ΟΦ-2', AFM_A, 'CLEANING_LIGHTING', 12480],
      ['ΟΦ-3', AFM_B, 'KIOSK', 150000],
    ]);
    expect(rows[1]!.property).toBe('Οδός Α; αρ. 3');
    expect(rows[2]!.rf).toBe('RF18539007547034');
    // Made from the creditor prefix, a letter for debts and the row's id, with a valid check.
    for (const row of rows.slice(0, 2)) {
      expect(row.rf).toMatch(new RegExp(`^RF\\d{2}2841D0*${row.id}$`));
      expect(validate(row.rf)).toBe(true);
    }
    const audit = await ctx.db('audit_log').where({ entity_type: 'finance_import', entity_id: id });
    expect(audit.map((a) => a.action).sort()).toEqual([
      'finance.import_created',
      'finance.import_merged',
    ]);
  });

  it('changes nothing when the same file comes again, in UTF-8 with a BOM and commas this time', async () => {
    const before = await ctx.db('debts').orderBy('id').select('id', 'rf', 'updated_at');
    const utf8 = `\uFEFF${debts.replace(/;/g, ',').replace('"Οδός Α, αρ. 3"', '"Οδός Α; αρ. 3"')}`;
    const { $ } = await importAndRun('debts', Buffer.from(utf8, 'utf8'));
    const facts = summary($);
    expect(facts['Αρχείο']).toMatch(/UTF-8/);
    expect(facts['Νέες εγγραφές']).toBe('0');
    expect(facts['Εγγραφές που άλλαξαν']).toBe('0');
    expect(facts['Εγγραφές χωρίς αλλαγή']).toBe('3');
    expect(await ctx.db('debts').orderBy('id').select('id', 'rf', 'updated_at')).toEqual(before);
    expect($('.govuk-notification-banner').text()).toContain('δεν άλλαξε τίποτα');
  });

  it('updates a changed amount and keeps the RF it made', async () => {
    const before = await ctx.db('debts').where({ source_id: 'ΟΦ-1' }).first();
    const { $ } = await importAndRun(
      'debts',
      `${DEBT_HEADER}\nΟΦ-1;${AFM_A};TAP;2026;Κουντούρου 12;9000;30/06/2026;\n`,
    );
    expect(summary($)['Εγγραφές που άλλαξαν']).toBe('1');
    const after = await ctx.db('debts').where({ source_id: 'ΟΦ-1' }).first();
    expect([after.amount_cents, after.rf]).toEqual([9000, before.rf]);
  });

  it('imports nothing from a file with bad rows, and reports each (line, column, reason)', async () => {
    const count = await ctx.db('debts').count<{ count: string }[]>('* as count').first();
    const bad = [
      DEBT_HEADER,
      `ΟΦ-10;${AFM_A};TAP;2026;;1000;30/06/2026;`,
      `ΟΦ-11;123456789;TAP;2026;;1000;30/06/2026;`,
      '',
      `ΟΦ-12;${AFM_A};BOAT;2026;;12,50;31/02/2026;RF00 1234`,
      `ΟΦ-10;${AFM_A};TAP;;;1000;30/06/2026;`,
    ].join('\n');
    const { $, path } = await importAndRun('debts', bad);
    expect($('.app-import-status').first().text()).toMatch(/Απορρίφθηκε/);
    const reported = $('table tbody tr')
      .toArray()
      .map((row) =>
        $(row)
          .find('td')
          .toArray()
          .slice(0, 3)
          .map((td) => $(td).text().trim()),
      );
    expect(reported).toEqual([
      ['3', 'afm', 'Μη έγκυρος ΑΦΜ (9 ψηφία με σωστό ψηφίο ελέγχου)'],
      ['5', 'type', 'Άγνωστο είδος οφειλής'],
      ['5', 'amount_cents', expect.stringMatching(/ακέραιος αριθμός λεπτών/)],
      ['5', 'due_date', expect.stringMatching(/Μη έγκυρη ημερομηνία/)],
      ['5', 'rf', 'Μη έγκυρος κωδικός RF (ISO 11649)'],
      ['6', 'period', 'Λείπει: η στήλη είναι υποχρεωτική'],
      ['6', 'source_id', 'Η ίδια τιμή υπάρχει σε προηγούμενη γραμμή του αρχείου'],
    ]);
    // The good first row was not imported either: nothing is half-imported.
    expect(await ctx.db('debts').count<{ count: string }[]>('* as count').first()).toEqual(count);
    const report = await finance.agent.get(`${path}/report.csv`);
    expect(report.headers['content-type']).toMatch(/text\/csv/);
    expect(report.text.startsWith('\uFEFF"Γραμμή";"Στήλη"')).toBe(true);
    expect(report.text).toContain('"3";"afm";"Μη έγκυρος ΑΦΜ');
    const staged = await ctx.db('finance_staging_debts').count<{ count: string }[]>('* as count');
    expect(Number(staged[0]!.count)).toBe(0);
  });

  it('fails a file without the required columns, with a message that names them', async () => {
    const { $ } = await importAndRun('debts', 'source_id;afm;amount\nX;102938470;100\n');
    expect($('.app-import-status').first().text()).toMatch(/Απέτυχε/);
    expect($('.govuk-error-summary').text()).toContain('type, period, amount_cents, due_date');
  });

  it('refuses a form without a kind or a file, or with a spreadsheet, next to the field', async () => {
    const tokens = await formTokens(finance.agent, '/staff/finance', '/staff/finance/imports');
    const res = await finance.agent
      .post('/staff/finance/imports')
      .field('_csrf', tokens._csrf)
      .field('_submission', tokens._submission)
      .field('kind', 'salaries')
      .attach('file', Buffer.from('PK\u0003\u0004rest of a zip'), 'debts.xlsx');
    expect(res.status).toBe(400);
    const $ = cheerio.load(res.text);
    expect($('#kind-error').text()).toContain('Επιλέξτε το είδος του αρχείου');
    expect($('#file-error').text()).toContain('βιβλίο Excel');
    expect($('.govuk-error-summary a[href="#file"]').length).toBe(1);
  });
});

describe('finance imports: arrangements, fines and payments (reconciliation)', () => {
  it('links an arrangement to its debts and gives each instalment an RF', async () => {
    const rows = [
      'arrangement_id;afm;decided_on;debt_source_ids;instalment;due_date;amount_cents;rf',
      `ΡΥΘ-1;${AFM_A};15/03/2026;ΟΦ-1 ΟΦ-2;1;30/04/2026;10000;`,
      `ΡΥΘ-1;${AFM_A};15/03/2026;ΟΦ-1 ΟΦ-2;2;31/05/2026;11480;`,
    ].join('\n');
    const { $ } = await importAndRun('arrangements', rows);
    expect(summary($)['Νέες εγγραφές']).toBe('2');
    const arrangement = await ctx.db('arrangements').where({ source_id: 'ΡΥΘ-1' }).first();
    const linked = await ctx
      .db('debts')
      .where({ arrangement_id: arrangement.id })
      .pluck('source_id');
    expect(linked.sort()).toEqual(['ΟΦ-1', 'ΟΦ-2']);
    const instalments = await ctx
      .db('arrangement_instalments')
      .where({ arrangement_id: arrangement.id })
      .orderBy('number');
    expect(instalments.map((i) => validate(i.rf) && /^RF\d{2}2841I/.test(i.rf))).toEqual([
      true,
      true,
    ]);

    // A debt of another AFM cannot be put in the arrangement.
    const wrong = await importAndRun(
      'arrangements',
      `arrangement_id;afm;decided_on;debt_source_ids;instalment;due_date;amount_cents\nΡΥΘ-2;${AFM_A};15/03/2026;ΟΦ-3;1;30/04/2026;100\n`,
    );
    expect(wrong.$('table tbody td').eq(2).text()).toContain(
      'Οφειλή που δεν υπάρχει ή ανήκει σε άλλο ΑΦΜ',
    );
  });

  it('imports fines with plates compared by look-alike letters, and checks a reduction comes with its deadline', async () => {
    const header =
      'source_id;notice_number;plate;owner_afm;offence_date;offence_time;place;article;description;amount_cents;reduced_amount_cents;reduction_deadline;due_date;status;rf';
    const { $ } = await importAndRun(
      'fines',
      `${header}\nΚΛ-1;ΔΑ-100;ikb-1234;${AFM_A};20/11/2026;10:35;Πλατεία;Άρθρο 34;Στάθμευση;8000;4000;30/11/2026;19/01/2027;unpaid;\nΚΛ-LATE;ΔΑ-109;ΙΚΒ5555;;01/10/2026;09:00;Πλατεία;Άρθρο 34;Στάθμευση;8000;4000;11/10/2026;30/12/2026;unpaid;\n`,
    );
    expect(summary($)['Νέες εγγραφές']).toBe('2');
    const fine = await ctx.db('fines').where({ source_id: 'ΚΛ-1' }).first();
    expect(fine.plate_key).toBe('ΙΚΒ1234');
    expect(new Date(fine.offence_at).toISOString()).toBe('2026-11-20T08:35:00.000Z');
    const bad = await importAndRun(
      'fines',
      `${header}\nΚΛ-2;ΔΑ-101;ΗΡΑ5678;;20/11/2026;25:10;Πλατεία;Άρθρο 34;Στάθμευση;8000;4000;;19/01/2027;sent;\n`,
    );
    const reasons = bad
      .$('table tbody tr')
      .toArray()
      .map((r) => bad.$(r).find('td').eq(1).text());
    expect(reasons).toEqual(['offence_time', 'reduced_amount_cents', 'status']);
  });

  it('matches payments by RF (paid, part-paid), and keeps unknown and duplicate ones for the office', async () => {
    const debt1 = await ctx.db('debts').where({ source_id: 'ΟΦ-1' }).first();
    const debt3 = await ctx.db('debts').where({ source_id: 'ΟΦ-3' }).first();
    const fine = await ctx.db('fines').where({ source_id: 'ΚΛ-1' }).first();
    const late = await ctx.db('fines').where({ source_id: 'ΚΛ-LATE' }).first();
    const unknownRf = makeRf('99990001234567');
    const rows = [
      'bank_reference;rf;amount_cents;paid_at',
      `B-1;${formatRf(debt1.rf)};4000;15/07/2026 11:02`,
      `B-2;${debt3.rf};150000;2026-08-01`,
      `B-3;${debt3.rf};150000;2026-08-02`,
      `B-4;${unknownRf};500;2026-08-03`,
      `B-5;${fine.rf};4000;25/11/2026`,
      `B-6;${late.rf};4000;25/11/2026`,
    ].join('\n');
    const { $ } = await importAndRun('payments', rows);
    const facts = summary($);
    expect([
      facts['Πληρωμές που αντιστοιχίστηκαν'],
      facts['Πληρωμές με άγνωστο κωδικό RF'],
      facts['Πληρωμές σε ήδη εξοφλημένη οφειλή'],
    ]).toEqual(['4', '1', '1']);
    const paid = async (source: string) =>
      (await ctx.db('debts').where({ source_id: source }).first()).paid_cents;
    expect([await paid('ΟΦ-1'), await paid('ΟΦ-3')]).toEqual([4000, 150000]);
    // Paid within the reduction's deadline: the reduced amount settles the fine.
    // The reduced amount paid after the reduction's deadline leaves the rest to pay.
    expect(await ctx.db('fines').where({ id: late.id }).first()).toMatchObject({
      paid_cents: 4000,
      status: 'unpaid',
    });
    expect(await ctx.db('fines').where({ id: fine.id }).first()).toMatchObject({
      paid_cents: 4000,
      status: 'paid',
    });

    // The same bank file again: nothing is counted twice.
    const again = await importAndRun('payments', rows);
    expect(summary(again.$)['Εγγραφές χωρίς αλλαγή']).toBe('6');
    expect([await paid('ΟΦ-1'), await paid('ΟΦ-3')]).toEqual([4000, 150000]);

    // The office's list: the unknown and the duplicate payment, until someone says what was done.
    const list = cheerio.load((await finance.agent.get('/staff/finance/payments')).text);
    const cards = list('.govuk-summary-card')
      .toArray()
      .map((card) => list(card).text().replace(/\s+/g, ' '));
    expect(cards).toHaveLength(2);
    expect(cards[0]).toContain('B-3');
    expect(cards[0]).toContain('Ήδη εξοφλημένη');
    expect(cards[1]).toContain('B-4');
    expect(cards[1]).toContain(formatRf(unknownRf));
    const home = cheerio.load((await finance.agent.get('/staff/finance')).text);
    expect(home('.govuk-warning-text').text()).toContain('Πληρωμές προς έλεγχο: 2');

    const b4 = await ctx.db('payments').where({ bank_reference: 'B-4' }).first();
    const empty = await postForm(
      finance.agent,
      '/staff/finance/payments',
      `/staff/finance/payments/${b4.id}/resolve`,
      { note: ' ' },
    );
    expect(empty.status).toBe(400);
    expect(cheerio.load(empty.text)(`#note-${b4.id}-error`).text()).toContain('Γράψτε τι έγινε');
    const done = await postForm(
      finance.agent,
      '/staff/finance/payments',
      `/staff/finance/payments/${b4.id}/resolve`,
      {
        note: 'Επιστράφηκε στον καταθέτη',
      },
    );
    expect(done.status).toBe(303);
    const after = cheerio.load((await finance.agent.get('/staff/finance/payments')).text);
    expect(after('.govuk-summary-card')).toHaveLength(1);
    expect(after('table').text()).toContain('Επιστράφηκε στον καταθέτη');
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'finance.payment_resolved', entity_id: b4.id })
      .first();
    expect(audit.actor_id).toBe(finance.id);
  });
});

describe('finance imports: a payment that comes before its debt', () => {
  it('waits as unknown, and is matched when an import brings its RF', async () => {
    const early = makeRf('2841EARLY01');
    await importAndRun(
      'payments',
      `bank_reference;rf;amount_cents;paid_at\nB-EARLY;${early};2500;01/12/2026\n`,
    );
    expect(await ctx.db('payments').where({ bank_reference: 'B-EARLY' }).first()).toMatchObject({
      outcome: 'unknown',
    });
    const { $ } = await importAndRun(
      'debts',
      `${DEBT_HEADER}\nΟΦ-EARLY;${AFM_B};WATER;2026;;2500;31/12/2026;${early}\n`,
    );
    expect(summary($)['Νέες εγγραφές']).toBe('1');
    const debt = await ctx.db('debts').where({ source_id: 'ΟΦ-EARLY' }).first();
    expect(debt.paid_cents).toBe(2500);
    expect(await ctx.db('payments').where({ bank_reference: 'B-EARLY' }).first()).toMatchObject({
      outcome: 'matched',
      debt_id: debt.id,
    });
    const list = cheerio.load((await finance.agent.get('/staff/finance/payments')).text);
    expect(list('.govuk-summary-card').text()).not.toContain('B-EARLY');
  });
});

describe('finance imports: what must never happen to money', () => {
  it('refuses a given RF in the shape of the codes the portal makes (it could be made again for another row)', async () => {
    const reserved = makeRf('2841F0000000777');
    const { $ } = await importAndRun(
      'debts',
      `${DEBT_HEADER}\nΟΦ-RES;${AFM_A};TAP;2026;;100;31/12/2026;${reserved}\n`,
    );
    expect($('table tbody td').eq(2).text()).toContain('τη μορφή των κωδικών που φτιάχνει η πύλη');
    expect(await ctx.db('debts').where({ source_id: 'ΟΦ-RES' }).first()).toBeUndefined();
  });

  it('settles a fine at the reduction its rule gives, and keeps it paid when the next export still says unpaid', async () => {
    const header =
      'source_id;notice_number;plate;owner_afm;offence_date;offence_time;place;article;description;amount_cents;reduced_amount_cents;reduction_deadline;due_date;status;rf';
    // 2024: the seeded rule of 2018 gives 50 % within 10 days; the file gives no reduction.
    const row = `ΚΛ-RULE;ΔΑ-300;ΙΚΒ3000;${AFM_A};01/03/2024;10:00;Πλατεία;Άρθρο 34;Στάθμευση;10000;;;30/04/2024;unpaid;`;
    await importAndRun('fines', `${header}\n${row}\n`);
    const fine = await ctx.db('fines').where({ source_id: 'ΚΛ-RULE' }).first();
    await importAndRun(
      'payments',
      `bank_reference;rf;amount_cents;paid_at\nB-RULE;${fine.rf};5000;05/03/2024\n`,
    );
    expect(await ctx.db('fines').where({ id: fine.id }).first()).toMatchObject({
      status: 'paid',
      paid_cents: 5000,
    });
    // The financial system has not caught up: its next export still says unpaid.
    const again = await importAndRun('fines', `${header}\n${row}\n`);
    expect(summary(again.$)['Εγγραφές χωρίς αλλαγή']).toBe('1');
    expect((await ctx.db('fines').where({ id: fine.id }).first()).status).toBe('paid');
  });

  it('releases a debt a re-imported arrangement no longer lists', async () => {
    const head = 'arrangement_id;afm;decided_on;debt_source_ids;instalment;due_date;amount_cents';
    await importAndRun(
      'arrangements',
      `${head}\nΡΥΘ-9;${AFM_A};01/06/2026;ΟΦ-1 ΟΦ-2;1;30/06/2026;100\n`,
    );
    const plan = await ctx.db('arrangements').where({ source_id: 'ΡΥΘ-9' }).first();
    expect(
      await ctx.db('debts').where({ arrangement_id: plan.id }).pluck('source_id'),
    ).toHaveLength(2);
    await importAndRun(
      'arrangements',
      `${head}\nΡΥΘ-9;${AFM_A};01/06/2026;ΟΦ-1;1;30/06/2026;100\n`,
    );
    expect(await ctx.db('debts').where({ arrangement_id: plan.id }).pluck('source_id')).toEqual([
      'ΟΦ-1',
    ]);
    expect((await ctx.db('debts').where({ source_id: 'ΟΦ-2' }).first()).arrangement_id).toBeNull();
  });

  it('reports instalment 7 written twice as 7 and 07, instead of failing the import', async () => {
    const head = 'arrangement_id;afm;decided_on;debt_source_ids;instalment;due_date;amount_cents';
    const { $ } = await importAndRun(
      'arrangements',
      `${head}\nΡΥΘ-8;${AFM_A};01/06/2026;ΟΦ-1;7;30/06/2026;100\nΡΥΘ-8;${AFM_A};01/06/2026;ΟΦ-1;07;31/07/2026;100\n`,
    );
    expect($('.app-import-status').text()).toMatch(/Απορρίφθηκε/);
    expect($('table tbody td').eq(1).text()).toBe('instalment');
  });
});

describe('finance imports: one whose worker stopped', () => {
  it('is marked failed after an hour by the scheduled job, audited, and its page says to import again', async () => {
    const res = await upload('debts', `${DEBT_HEADER}\nΟΦ-Χ;${AFM_A};TAP;2026;;100;31/12/2026;\n`);
    const id = Number((res.headers.location as string).split('/').pop());
    // As a worker that stopped mid-import leaves it: running, its rows half staged.
    await ctx
      .db('finance_imports')
      .where({ id })
      .update({ status: 'running', started_at: new Date(Date.now() - 30 * 60_000) });
    await ctx.db('finance_staging_debts').insert({ import_id: id, line: 2, source_id: 'ΟΦ-Χ' });
    await runMaintenance(ctx.deps);
    expect((await ctx.db('finance_imports').where({ id }).first()).status).toBe('running');
    await ctx
      .db('finance_imports')
      .where({ id })
      .update({ started_at: new Date(Date.now() - 61 * 60_000) });
    await runMaintenance(ctx.deps);
    expect(await ctx.db('finance_imports').where({ id }).first()).toMatchObject({
      status: 'failed',
      failure: 'interrupted',
    });
    expect(await ctx.db('finance_staging_debts').where({ import_id: id })).toEqual([]);
    const $ = cheerio.load((await finance.agent.get(`/staff/finance/imports/${id}`)).text);
    expect($('.govuk-error-summary').text()).toContain('Η εισαγωγή διακόπηκε');
    // The queued job, run late, leaves it as it is.
    await runQueuedImports();
    expect((await ctx.db('finance_imports').where({ id }).first()).status).toBe('failed');
    expect(await ctx.db('debts').where({ source_id: 'ΟΦ-Χ' }).first()).toBeUndefined();
  });
});

describe('finance imports: the JSON API and who may import', () => {
  let key: string;
  let otherKey: string;
  let readOnlyKey: string;
  beforeAll(async () => {
    const admin = await signedInStaff(ctx.app, ctx.db, ['admin']);
    key = (
      await issueApiKey(
        ctx.db,
        { appName: 'Οικονομικό σύστημα', scopes: ['finance:write'] },
        admin.id,
        {},
      )
    ).key;
    otherKey = (
      await issueApiKey(
        ctx.db,
        { appName: 'Άλλο σύστημα', scopes: ['finance:write'] },
        admin.id,
        {},
      )
    ).key;
    readOnlyKey = (
      await issueApiKey(ctx.db, { appName: 'Open311', scopes: ['open311:write'] }, admin.id, {})
    ).key;
  });

  it('takes a CSV body and JSON rows, answers 202 with the import address, and reports to the key that sent it', async () => {
    const csv = await request(ctx.app)
      .post('/api/v1/finance/imports?kind=debts&file_name=daily.csv')
      .set('Authorization', `Bearer ${key}`)
      .set('Content-Type', 'text/csv; charset=windows-1253')
      .send(
        iconv.encode(
          `${DEBT_HEADER}\nΟΦ-API-1;${AFM_B};WATER;2026;;2300;31/12/2026;\n`,
          'windows-1253',
        ),
      );
    expect(csv.status).toBe(202);
    expect(csv.headers.location).toBe(`/api/v1/finance/imports/${csv.body.id}`);
    const json = await request(ctx.app)
      .post('/api/v1/finance/imports')
      .set('Authorization', `Bearer ${key}`)
      .send({
        kind: 'debts',
        rows: [
          {
            source_id: 'ΟΦ-API-2',
            afm: AFM_B,
            type: 'MARKET',
            period: '2026',
            amount_cents: 1500,
            due_date: '2026-12-31',
          },
          {
            source_id: 'ΟΦ-API-3',
            afm: '1',
            type: 'TAP',
            period: '2026',
            amount_cents: 'ten',
            due_date: '2026-12-31',
          },
        ],
      });
    expect(json.status).toBe(202);
    expect(await runQueuedImports()).toBe(2);
    const first = await request(ctx.app)
      .get(csv.headers.location as string)
      .set('Authorization', `Bearer ${key}`);
    expect(first.body).toMatchObject({
      status: 'merged',
      kind: 'debts',
      rows: 1,
      inserted: 1,
      errors: [],
    });
    const second = await request(ctx.app)
      .get(`/api/v1/finance/imports/${json.body.id}`)
      .set('Authorization', `Bearer ${key}`);
    expect(second.body).toMatchObject({ status: 'rejected', rejected_rows: 1 });
    expect(second.body.errors).toEqual([
      { line: 2, field: 'afm', reason: 'invalid_afm', value: '1' },
      { line: 2, field: 'amount_cents', reason: 'not_cents', value: 'ten' },
    ]);
    expect(await ctx.db('debts').where({ source_id: 'ΟΦ-API-2' }).first()).toBeUndefined();
    // Another key does not see it; a key without the scope cannot import.
    const other = await request(ctx.app)
      .get(csv.headers.location as string)
      .set('Authorization', `Bearer ${otherKey}`);
    expect(other.status).toBe(404);
    const scope = await request(ctx.app)
      .post('/api/v1/finance/imports')
      .set('Authorization', `Bearer ${readOnlyKey}`)
      .send({ kind: 'debts', rows: [{}] });
    expect(scope.status).toBe(403);
    const noKind = await request(ctx.app)
      .post('/api/v1/finance/imports')
      .set('Authorization', `Bearer ${key}`)
      .set('Content-Type', 'text/csv')
      .send('a;b\n');
    expect([noKind.status, noKind.body.error.code]).toEqual([400, 'invalid_kind']);
  });

  it('answers 404, not an error, for an import number past the range of the ids', async () => {
    expect((await finance.agent.get('/staff/finance/imports/3000000000')).status).toBe(404);
    expect((await finance.agent.get('/staff/finance/imports/3000000000/report.csv')).status).toBe(
      404,
    );
    const api = await request(ctx.app)
      .get('/api/v1/finance/imports/3000000000')
      .set('Authorization', `Bearer ${key}`);
    expect(api.status).toBe(404);
  });

  it('lets only the finance office in: a handler and a citizen are refused', async () => {
    const handler = await signedInStaff(ctx.app, ctx.db, ['handler']);
    for (const path of ['/staff/finance', '/staff/finance/payments', '/staff/finance/imports/1'])
      expect((await handler.agent.get(path)).status).toBe(403);
    expect((await request(ctx.app).get('/staff/finance')).status).toBe(303);
  });
});
