import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfFrom, type Agent } from '../helpers/accounts.ts';
import { startDiavgeiaStandIn } from '../helpers/diavgeia-stand-in.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';
import { athensDate } from '../../src/lib/format.ts';

// Every date a member of staff types goes through GOV.UK's date input (day, month, year) and a
// strict check: 31 February is refused at its field, named in the message, with what was typed kept.

let ctx: TestContext;
let staff: Agent;
let stand: Awaited<ReturnType<typeof startDiavgeiaStandIn>>;

beforeAll(async () => {
  stand = await startDiavgeiaStandIn([
    {
      ada: 'ΔΑΤΕΩΡΦ-1ΑΒ',
      subject: 'Απόφαση του Φεβρουαρίου',
      issueDate: Date.parse('2026-02-10T10:00:00Z'),
      organizationId: '6102',
    },
  ]);
  ctx = await createTestContext({ DIAVGEIA_BASE_URL: stand.baseUrl });
  staff = (await signedInStaff(ctx.app, ctx.db, ['editor', 'admin'])).agent;
});
afterAll(async () => {
  await ctx.close();
  await stand.close();
});

const date = (name: string, day: string, month: string, year: string) => ({
  [`${name}-day`]: day,
  [`${name}-month`]: month,
  [`${name}-year`]: year,
});

const partsOf = ($: cheerio.CheerioAPI, name: string) =>
  ['day', 'month', 'year'].map((part) => $(`#${name}-${part}`).val());

async function saveDecision(values: Record<string, string>) {
  const token = await csrfFrom(staff, '/staff/decisions/new');
  let req = staff.post('/staff/decisions/new').field('_csrf', token);
  for (const [k, v] of Object.entries(values)) req = req.field(k, v);
  return req;
}

describe('the date fields of the back office', () => {
  it('offer day, month and year boxes, never a browser date picker', async () => {
    for (const path of ['/staff/decisions/new', '/staff/decisions/import', '/staff/audit']) {
      const $ = cheerio.load((await staff.get(path)).text);
      expect($('input[type="date"]').length, path).toBe(0);
      expect($('.govuk-date-input').length, path).toBeGreaterThan(0);
    }
  });

  it('refuse 31 February for a decision at its field, naming it, and keep what was typed; a real date saves', async () => {
    const values = {
      number: '31',
      year: '2026',
      subject: 'Απόφαση με ημερομηνία που δεν υπάρχει',
      summary: '',
      ada: '',
      category: '',
    };
    const refused = await saveDecision({ ...values, ...date('meeting_date', '31', '2', '2026') });
    expect(refused.status).toBe(400);
    const $ = cheerio.load(refused.text);
    const message = $('#meeting_date-error').text();
    expect(message).toContain('Ημερομηνία συνεδρίασης');
    expect(message).toContain('δεν υπάρχει');
    expect(
      $('#meeting_date-error').closest('.govuk-form-group--error').find('#meeting_date-day').length,
    ).toBe(1);
    expect($('.govuk-error-summary a[href="#meeting_date-day"]').text()).toContain(
      'Ημερομηνία συνεδρίασης',
    );
    expect(partsOf($, 'meeting_date')).toEqual(['31', '2', '2026']);
    expect($('#subject').text()).toBe(values.subject);
    expect(await ctx.db('decisions').where({ number: 31, year: 2026 }).first()).toBeUndefined();

    const saved = await saveDecision({ ...values, ...date('meeting_date', '28', '2', '2026') });
    expect(saved.status).toBe(303);
    const row = (await ctx.db('decisions').where({ number: 31, year: 2026 }).first()) as {
      id: number;
      meeting_date: string;
    };
    expect(row.meeting_date).toBe('2026-02-28');
    // And the form shows it back as three fields.
    expect(
      partsOf(cheerio.load((await staff.get(`/staff/decisions/${row.id}`)).text), 'meeting_date'),
    ).toEqual(['28', '2', '2026']);
  });

  it('name the field in English too, and tell an incomplete date from a missing one', async () => {
    const res = await staff
      .post('/staff/decisions/import?lang=en')
      .type('form')
      .send({
        _csrf: await csrfFrom(staff, '/staff/decisions/import?lang=en'),
        org: '6102',
        ...date('from', '31', '2', '2026'),
        ...date('to', '', '3', '2026'),
      });
    expect(res.status).toBe(400);
    const $ = cheerio.load(res.text);
    expect($('#from-error').text()).toContain('From must be a real date');
    expect($('#to-error').text()).toContain('To must include a day, month and year');
    expect(partsOf($, 'from')).toEqual(['31', '2', '2026']);
    expect(partsOf($, 'to')).toEqual(['', '3', '2026']);
    expect(stand.requests).toHaveLength(0);
  });

  it('import with a real range', async () => {
    const res = await staff
      .post('/staff/decisions/import')
      .type('form')
      .send({
        _csrf: await csrfFrom(staff, '/staff/decisions/import'),
        org: '6102',
        ...date('from', '1', '2', '2026'),
        ...date('to', '28', '2', '2026'),
      });
    expect(res.status).toBe(200);
    expect(await ctx.db('decisions').where({ ada: 'ΔΑΤΕΩΡΦ-1ΑΒ' }).first()).toBeDefined();
  });

  it('refuse 31 February in the audit filter, at its field, and filter by a real day', async () => {
    const refused = await staff.get(
      `/staff/audit?${new URLSearchParams({ lang: 'el', ...date('from', '31', '2', '2026') }).toString()}`,
    );
    expect(refused.status).toBe(400);
    const $ = cheerio.load(refused.text);
    expect($('#from-error').text()).toContain('Από');
    expect($('#from-error').text()).toContain('δεν υπάρχει');
    expect(partsOf($, 'from')).toEqual(['31', '2', '2026']);

    // Today in Athens, as the filter reads days (after 22:00 UTC it is already tomorrow there).
    const [y, m, d] = athensDate(new Date())
      .split('-')
      .map((part) => String(Number(part))) as [string, string, string];
    const filtered = await staff.get(
      `/staff/audit?${new URLSearchParams({ ...date('from', d, m, y), ...date('to', d, m, y) }).toString()}`,
    );
    expect(filtered.status).toBe(200);
    expect(cheerio.load(filtered.text)('tbody tr').length).toBeGreaterThan(0);
    const future = await staff.get(
      `/staff/audit?${new URLSearchParams({ ...date('from', '1', '1', String(Number(y) + 1)) }).toString()}`,
    );
    expect(cheerio.load(future.text)('tbody tr').length).toBe(0);
  });
});
