import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afmFrom } from '../helpers/staff.ts';
import { aFine, fineCitizen, lookUp, movableClock } from '../helpers/fines.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const clock = movableClock('2026-03-10T10:00:00Z');
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock });
});
afterAll(() => ctx.close());

const summary = (html: string) => cheerio.load(html)('.govuk-error-summary').text();
// Intl puts a no-break space before the euro sign.
const row = (html: string, id: string) =>
  cheerio
    .load(html)(`#${id}`)
    .text()
    .replace(/\u00a0/g, ' ')
    .trim();

describe('looking up a fine by notice number and plate', () => {
  it('asks for sign-in, and lists the service on the hub as needing an account', async () => {
    const res = await request(ctx.app).get('/fines');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Ffines');
    const hub = await request(ctx.app).get('/');
    expect(hub.text).toContain('href="/fines"');
  });

  it('finds the fine with Latin look-alikes, spaces and dashes, records the access and redirects', async () => {
    const fine = await aFine(ctx.db, { plate: 'ΙΚΒ 1234' });
    const citizen = await fineCitizen(ctx.app, ctx.db);
    const before = await citizen.agent.get('/fines');
    expect(before.text).not.toContain(fine.noticeNumber);
    for (const plate of ['IKB1234', 'ikb-1234', 'Ικβ 1234']) {
      const res = await lookUp(citizen.agent, ` ${fine.noticeNumber} `, plate);
      expect(res.status, plate).toBe(303);
      expect(res.headers.location).toBe(`/fines/${fine.id}`);
      // The plate never reaches an address.
      expect(res.headers.location).not.toMatch(/1234/);
    }
    expect(
      await ctx.db('fine_access').where({ user_id: citizen.id, fine_id: fine.id }).count(),
    ).toEqual([{ count: 1 }]);
    // The notice number as people type it: the series in Latin letters, other dashes, or only
    // its digits.
    const digits = fine.noticeNumber.replace(/\D/g, '');
    for (const notice of [`DA ${digits}`, digits, `${digits.slice(0, 4)}-${digits.slice(4)}`]) {
      const res = await lookUp(citizen.agent, notice, 'IKB1234');
      expect(res.headers.location, notice).toBe(`/fines/${fine.id}`);
    }
    const list = await citizen.agent.get('/fines');
    const $ = cheerio.load(list.text);
    expect($(`a[href="/fines/${fine.id}"]`).text()).toBe(fine.noticeNumber);
  });

  it('gives one message for a miss, whichever part is wrong, and records nothing', async () => {
    const fine = await aFine(ctx.db, { plate: 'ΗΡΑ5678' });
    const citizen = await fineCitizen(ctx.app, ctx.db);
    const wrongPlate = await lookUp(citizen.agent, fine.noticeNumber, 'ΗΡΑ5679');
    const wrongNumber = await lookUp(citizen.agent, `${fine.noticeNumber}9`, 'ΗΡΑ5678');
    expect(wrongPlate.status).toBe(400);
    expect(wrongNumber.status).toBe(400);
    expect(summary(wrongPlate.text)).toBe(summary(wrongNumber.text));
    expect(summary(wrongPlate.text)).toContain('Δεν βρέθηκε πρόστιμο');
    expect(await ctx.db('fine_access').where({ user_id: citizen.id })).toEqual([]);
    // The values typed are kept in the form.
    expect(cheerio.load(wrongPlate.text)('#plate').attr('value')).toBe('ΗΡΑ5679');
  });

  it('says which field is empty, in Greek and English', async () => {
    const citizen = await fineCitizen(ctx.app, ctx.db);
    const el = await lookUp(citizen.agent, '', '');
    expect(el.status).toBe(400);
    expect(summary(el.text)).toContain('Συμπληρώστε τον αριθμό της κλήσης');
    expect(cheerio.load(el.text)('#plate-error').text()).toContain('πινακίδα');
    await citizen.agent.get('/fines?lang=en');
    const en = await lookUp(citizen.agent, '', 'ΙΚΒ1234');
    expect(summary(en.text)).toContain('Enter the notice number');
    expect(cheerio.load(en.text)('#plate-error').length).toBe(0);
  });

  it('refuses the 11th look-up in an hour, even a right one, and allows it the next hour', async () => {
    clock.set('2026-03-10T11:05:00Z');
    const fine = await aFine(ctx.db);
    const citizen = await fineCitizen(ctx.app, ctx.db);
    for (let i = 0; i < 10; i += 1)
      expect((await lookUp(citizen.agent, `NOPE-${i}`, 'ΑΑΑ0000')).status).toBe(400);
    const eleventh = await lookUp(citizen.agent, fine.noticeNumber, fine.plate);
    expect(eleventh.status).toBe(429);
    expect(summary(eleventh.text)).toContain('10 αναζητήσεις');
    // Another account is not affected.
    const other = await fineCitizen(ctx.app, ctx.db);
    expect((await lookUp(other.agent, fine.noticeNumber, fine.plate)).status).toBe(303);
    clock.set('2026-03-10T12:05:00Z');
    expect((await lookUp(citizen.agent, fine.noticeNumber, fine.plate)).status).toBe(303);
    clock.set('2026-03-10T10:00:00Z');
  });
});

describe('whose fines a citizen sees', () => {
  it("lists a verified citizen's fines by AFM, not an unverified one's with the same AFM", async () => {
    const afm = afmFrom('12345671');
    const own = await aFine(ctx.db, { ownerAfm: afm });
    const someoneElses = await aFine(ctx.db, { ownerAfm: afmFrom('76543211') });
    const verified = await fineCitizen(ctx.app, ctx.db, { afm });
    const list = await verified.agent.get('/fines');
    expect(list.text).toContain(`href="/fines/${own.id}"`);
    expect(list.text).not.toContain(`href="/fines/${someoneElses.id}"`);
    expect((await verified.agent.get(`/fines/${own.id}`)).status).toBe(200);
    // An AFM typed on an account whose identity nobody checked links to nothing.
    const unchecked = await fineCitizen(ctx.app, ctx.db);
    await ctx.db('users').where({ id: unchecked.id }).update({ afm });
    expect((await unchecked.agent.get('/fines')).text).not.toContain(`href="/fines/${own.id}"`);
    expect((await unchecked.agent.get(`/fines/${own.id}`)).status).toBe(404);
  });

  it("gives 404 for another citizen's fine, looked up or owned, whatever the id", async () => {
    const first = await fineCitizen(ctx.app, ctx.db);
    const second = await fineCitizen(ctx.app, ctx.db);
    const fine = await aFine(ctx.db);
    await lookUp(first.agent, fine.noticeNumber, fine.plate);
    expect((await first.agent.get(`/fines/${fine.id}`)).status).toBe(200);
    expect((await second.agent.get(`/fines/${fine.id}`)).status).toBe(404);
    expect((await second.agent.get(`/fines/${fine.id}/objection`)).status).toBe(404);
    for (const id of ['0', 'abc', '99999999999', '-1'])
      expect((await first.agent.get(`/fines/${id}`)).status, id).toBe(404);

    const afmA = afmFrom('23456781');
    const afmB = afmFrom('34567891');
    const fineA = await aFine(ctx.db, { ownerAfm: afmA });
    const fineB = await aFine(ctx.db, { ownerAfm: afmB });
    const ownerA = await fineCitizen(ctx.app, ctx.db, { afm: afmA });
    const ownerB = await fineCitizen(ctx.app, ctx.db, { afm: afmB });
    expect((await ownerA.agent.get(`/fines/${fineA.id}`)).status).toBe(200);
    expect((await ownerA.agent.get(`/fines/${fineB.id}`)).status).toBe(404);
    expect((await ownerB.agent.get(`/fines/${fineA.id}`)).status).toBe(404);
    expect((await ownerB.agent.get(`/fines/${fineB.id}`)).status).toBe(200);
  });
});

describe("a fine's page", () => {
  it('shows every fact, the RF code, how to pay (no card) and the deadlines', async () => {
    const fine = await aFine(ctx.db, {
      offenceAt: '2026-03-01T08:15:00Z',
      place: 'Οδός 28ης Οκτωβρίου 5',
      article: 'Άρθρο 40 παρ. 2',
      description: 'Στάθμευση σε πεζοδρόμιο',
      amountCents: 123450,
      dueDate: '2026-05-01',
    });
    const citizen = await fineCitizen(ctx.app, ctx.db);
    await lookUp(citizen.agent, fine.noticeNumber, fine.plate);
    const el = await citizen.agent.get(`/fines/${fine.id}`);
    const main = cheerio.load(el.text)('main').text();
    expect(main).toContain('1 Μαρτίου 2026, 10:15'); // Athens time (UTC+2 in March)
    expect(main).toContain('Οδός 28ης Οκτωβρίου 5');
    expect(main).toContain('Άρθρο 40 παρ. 2');
    expect(main).toContain('Στάθμευση σε πεζοδρόμιο');
    expect(main).toContain('ΙΚΒ1234');
    expect(row(el.text, 'fine-amount')).toBe('1.234,50 €');
    expect(main).toContain('1 Μαΐου 2026');
    expect(row(el.text, 'fine-status')).toBe('Απλήρωτο');
    expect(row(el.text, 'fine-objection-deadline')).toBe('30 Απριλίου 2026');
    expect(row(el.text, 'fine-rules')).toContain('1 Ιουλίου 2025');
    expect(cheerio.load(el.text)('#rf-fine').attr('data-rf')).toBe(fine.rf);
    expect(row(el.text, 'rf-fine')).toBe(fine.rf.replace(/(.{4})(?=.)/g, '$1 '));
    expect(main).toContain('ΕΛΤΑ');
    expect(main).toContain('κάρτα');
    const en = await citizen.agent.get(`/fines/${fine.id}?lang=en`);
    expect(row(en.text, 'fine-amount')).toBe('€1,234.50');
    expect(cheerio.load(en.text)('main').text()).toContain('post office');
    expect(cheerio.load(en.text)('main').text()).toContain('does not take card payments');
  });

  it('names each status, a pending objection as "under objection"', async () => {
    const citizen = await fineCitizen(ctx.app, ctx.db);
    const expected = {
      unpaid: 'Απλήρωτο',
      paid: 'Εξοφλημένο',
      objection: 'Σε ένσταση',
      cancelled: 'Ακυρωμένο',
      tax_office: 'Διαβιβάστηκε στη ΔΟΥ',
    } as const;
    for (const [status, text] of Object.entries(expected)) {
      const fine = await aFine(ctx.db, { status: status as keyof typeof expected });
      await lookUp(citizen.agent, fine.noticeNumber, fine.plate);
      const page = await citizen.agent.get(`/fines/${fine.id}`);
      expect(row(page.text, 'fine-status'), status).toBe(text);
    }
    const pending = await aFine(ctx.db);
    await ctx.db('fine_objections').insert({
      fine_id: pending.id,
      user_id: citizen.id,
      capacity: 'driver',
      driver_afm: afmFrom('11111111'),
      text: 'Δεν ήμουν εκεί.',
    });
    await lookUp(citizen.agent, pending.noticeNumber, pending.plate);
    expect(row((await citizen.agent.get(`/fines/${pending.id}`)).text, 'fine-status')).toBe(
      'Σε ένσταση',
    );
  });

  it("computes reduction and deadlines from the rule in effect on the offence's Athens day", async () => {
    const citizen = await fineCitizen(ctx.app, ctx.db);
    // 23:30 on 30 June 2025 in Athens: the 2018 rule (50 % within 10 days, 60 days to object).
    const before = await aFine(ctx.db, { offenceAt: '2025-06-30T20:30:00Z', amountCents: 8001 });
    // 00:30 on 1 July 2025 in Athens (still 30 June in UTC): the 2025 rule, no reduction.
    const after = await aFine(ctx.db, { offenceAt: '2025-06-30T21:30:00Z', amountCents: 8001 });
    await lookUp(citizen.agent, before.noticeNumber, before.plate);
    await lookUp(citizen.agent, after.noticeNumber, after.plate);
    const old = (await citizen.agent.get(`/fines/${before.id}`)).text;
    // 80,01 € × 50 % = 40,005 €: half a cent goes up.
    expect(row(old, 'fine-reduction')).toContain('40,01 €');
    expect(row(old, 'fine-reduction')).toContain('10 Ιουλίου 2025');
    expect(row(old, 'fine-objection-deadline')).toBe('29 Αυγούστου 2025');
    expect(row(old, 'fine-rules')).toContain('1 Ιανουαρίου 2018');
    const next = (await citizen.agent.get(`/fines/${after.id}`)).text;
    expect(cheerio.load(next)('#fine-reduction').length).toBe(0);
    expect(row(next, 'fine-objection-deadline')).toBe('30 Αυγούστου 2025');
    expect(row(next, 'fine-rules')).toContain('1 Ιουλίου 2025');
    // Those rules give no reduction, and the page says so rather than speak of one.
    expect(row(next, 'fine-rules')).toContain('δεν προβλέπουν μείωση');
    expect(row(old, 'fine-rules')).not.toContain('δεν προβλέπουν μείωση');
  });

  it("uses a rule finance added, and the financial system's own reduction over any rule", async () => {
    await ctx.db('fine_rules').insert({
      effective_from: '2026-06-01',
      reduction_percent: 30,
      reduction_days: 15,
      objection_days: 20,
      note: 'τοπικός κανόνας',
    });
    const citizen = await fineCitizen(ctx.app, ctx.db);
    const ruled = await aFine(ctx.db, { offenceAt: '2026-06-02T09:00:00Z', amountCents: 10000 });
    const own = await aFine(ctx.db, {
      offenceAt: '2026-06-02T09:00:00Z',
      amountCents: 10000,
      reducedAmountCents: 6000,
      reductionDeadline: '2026-06-30',
    });
    await lookUp(citizen.agent, ruled.noticeNumber, ruled.plate);
    await lookUp(citizen.agent, own.noticeNumber, own.plate);
    const a = (await citizen.agent.get(`/fines/${ruled.id}`)).text;
    expect(row(a, 'fine-reduction')).toContain('70,00 €');
    expect(row(a, 'fine-reduction')).toContain('17 Ιουνίου 2026');
    expect(row(a, 'fine-objection-deadline')).toBe('22 Ιουνίου 2026');
    const b = (await citizen.agent.get(`/fines/${own.id}`)).text;
    expect(row(b, 'fine-reduction')).toContain('60,00 €');
    expect(row(b, 'fine-reduction')).toContain('30 Ιουνίου 2026');
    await ctx.db('fine_rules').where({ effective_from: '2026-06-01' }).delete();
  });
});
