/**
 * The citizen's ΚΕΠ booking journey without JavaScript: /kep, the steps (area, day, time,
 * details, check), confirm, the confirmation page; every step's bad values; a time edited into a
 * form; "just taken" and the refusals; "book again"; the rate limit; and the 200-way race for one
 * slot over HTTP. Citizens sign in through a GSIS stand-in on a port of its own that answers with
 * whichever AFM the test names, so the race has people enough.
 */
import { createServer, type Server } from 'node:http';
import * as cheerio from 'cheerio';
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createActiveUser,
  csrfFrom,
  drainMail,
  postForm,
  type Agent,
} from '../helpers/accounts.ts';
import { freePort } from '../helpers/free-port.ts';
import { redirectPath } from '../helpers/taxisnet.ts';
import { afmMaker, clerkMaker } from '../helpers/kep.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';
import { athensInstant } from '../../src/lib/athens-time.ts';
import { createGsisStandIn } from '../../src/features/taxisnet/dev/gsis-stand-in.routes.ts';
import { TEST_TAXPAYERS } from '../../src/features/taxisnet/dev/taxpayers.ts';

const CLIENT_ID = 'kep-book-test-client';
const CLIENT_SECRET = 'issued-by-gsis-for-the-kep-tests';
const MONDAY_0900 = new Date('2026-03-02T07:00:00Z'); // 09:00 in Athens
const MONDAY = '2026-03-02';
const DAY = '2026-03-04'; // a Wednesday
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');

let now = MONDAY_0900;
let ctx: TestContext;
let base: string;
let portal: Server;
let gsis: Server;
let gsisOrigin: string;
let areaId: number;
/** The AFM the stand-in's userinfo answers with next. */
let signingInAs = '';

function userinfoXml(): string {
  return `<?xml version="1.0" encoding="UTF-8"?><root><userinfo userid="${`kep${signingInAs}`.padEnd(16)}" taxid="${signingInAs.padEnd(12)}" lastname="ΠΑΠΑΔΑΚΗ" firstname="ΜΑΡΙΑ" fathername="ΝΙΚΟΛΑΟΣ" mothername="ΕΛΕΝΗ" birthyear="1985"/></root>`;
}

beforeAll(async () => {
  const gsisPort = await freePort();
  gsisOrigin = `http://127.0.0.1:${gsisPort}`;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const standIn: RequestHandler = createGsisStandIn({
    portalBaseUrl: base,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    userinfoXml,
  });
  gsis = await listen(express().use(standIn), gsisPort);
  ctx = await createTestContext(
    {
      BASE_URL: base,
      GSIS_BASE_URL: `${gsisOrigin}/dev/gsis`,
      GSIS_CLIENT_ID: CLIENT_ID,
      GSIS_CLIENT_SECRET: CLIENT_SECRET,
    },
    { clock: { now: () => now } },
  );
  portal = await listen(ctx.app, port);
  areaId = (
    (await ctx.db('kep_areas').where({ slug: 'information-applications' }).first('id')) as {
      id: number;
    }
  ).id;
}, 60_000);

afterAll(async () => {
  await stop(portal);
  await stop(gsis);
  await ctx.close();
});

beforeEach(async () => {
  now = MONDAY_0900;
  await ctx.db.raw(
    'TRUNCATE kep_mail_files, kep_manage_tokens, kep_documents, kep_appointments, kep_clerk_areas, kep_clerk_hours, kep_absences, kep_closures CASCADE',
  );
  await ctx.db('rate_limits').delete();
  await drainMail(ctx.deps);
});

function listen(app: express.Express | ReturnType<typeof express>, port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(app).listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

const newAfm = afmMaker(20_000_000);
const addAreaClerks = clerkMaker('kep-book-clerk');
const addClerks = (count: number) => addAreaClerks(ctx.db, areaId, count);

interface Citizen {
  agent: Agent;
  afm: string;
  userId: number;
}

/** A citizen whose account TaxisNet already opens, signed in through the stand-in. */
async function citizen(afm = newAfm()): Promise<Citizen> {
  const user = await createActiveUser(ctx.db, `kep-${afm}`, {
    full_name: 'Μαρία Παπαδάκη',
    taxisnet_afm: afm,
    taxisnet_linked_at: now,
    afm,
    identity_verified_at: now,
    identity_channel: 'taxisnet',
  });
  const agent = request.agent(base);
  const started = await agent.get('/auth/taxisnet?next=%2Fkep%2Fbook');
  expect(started.status).toBe(302);
  const authorize = new URL(started.headers.location as string);
  const decide = new URL('/dev/gsis/oauth2server/oauth/authorize/decide', gsisOrigin);
  for (const [name, value] of authorize.searchParams) decide.searchParams.set(name, value);
  decide.searchParams.set('taxpayer', TEST_TAXPAYERS[0]!.taxid);
  decide.searchParams.set('decision', 'allow');
  signingInAs = afm;
  const decided = await request.agent(gsisOrigin).get(decide.pathname + decide.search);
  expect(decided.status).toBe(302);
  const back = await agent.get(redirectPath(decided.headers.location as string, base));
  expect(back.status, back.text.slice(0, 300)).toBe(303);
  expect(back.headers.location).toBe('/kep/book');
  return { agent, afm, userId: user.id };
}

async function countOf(table: string, where: Record<string, unknown> = {}): Promise<number> {
  const [row] = (await ctx.db(table).where(where).count({ n: '*' })) as [{ n: string | number }];
  return Number(row.n);
}

const step = (agent: Agent, path: string, fields: Record<string, string>) =>
  postForm(agent, `/kep/book/${path}`, `/kep/book/${path}`, fields);

const iso = (day: string, time: string) => athensInstant(day, time).toISOString();

/** The details form (multipart), with documents when given. */
async function sendDetails(
  agent: Agent,
  fields: Record<string, string>,
  files: { name: string; content: Buffer; type: string }[] = [],
) {
  const csrf = await csrfFrom(agent, '/kep/book/details');
  let req = agent.post('/kep/book/details').field('_csrf', csrf);
  for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
  for (const file of files)
    req = req.attach('documents', file.content, { filename: file.name, contentType: file.type });
  return req;
}

const goodDetails = {
  fullName: 'Μαρία Παπαδάκη',
  email: 'maria@example.gr',
  phone: '6912345678',
  postalAddress: '',
  delivery: 'email',
};

/** Area, day, time and details, each step's form as a browser sends it. */
async function throughTheSteps(agent: Agent, time = '10:00', day = DAY) {
  expect((await step(agent, 'area', { area: String(areaId) })).headers.location).toBe(
    '/kep/book/day',
  );
  expect((await step(agent, 'day', { day })).headers.location).toBe('/kep/book/time');
  const chosen = await step(agent, 'time', { time: iso(day, time) });
  // A draft with details from before (a refused or taken confirm) goes straight to the check.
  if (chosen.headers.location === '/kep/book/check') return;
  expect(chosen.headers.location).toBe('/kep/book/details');
  const details = await sendDetails(agent, goodDetails);
  expect(details.status, details.text.slice(0, 500)).toBe(303);
  expect(details.headers.location).toBe('/kep/book/check');
}

async function confirm(agent: Agent) {
  return postForm(agent, '/kep/book/check', '/kep/book/confirm', {});
}

/** A field's message, without the hidden "Error:" before it. */
function fieldError(html: string, id: string): string {
  const $ = cheerio.load(html);
  const message = $(`#${id}-error`);
  message.find('.govuk-visually-hidden').remove();
  return message.text().trim();
}

describe('the /kep page', () => {
  it('says what the service is and what is needed, and is open to anyone', async () => {
    const page = await request(base).get('/kep');
    expect(page.status).toBe(200);
    const $ = cheerio.load(page.text);
    expect($('h1').text()).toContain('Βιντεοραντεβού');
    expect($('main').text()).toContain('TaxisNet');
    expect($('main a[href="/kep/book"]').length).toBe(1);
    expect($('main a[href="/kep/appointments"]').length).toBe(1);
  });

  it('sends an anonymous visitor of a step through TaxisNet', async () => {
    const res = await request(base).get('/kep/book/area');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/auth/taxisnet?next=%2Fkep%2Fbook%2Farea');
  });
});

describe('booking without JavaScript', () => {
  it('books through the steps, with a document, and shows the confirmation', async () => {
    await addClerks(1);
    const { agent, afm } = await citizen();
    expect((await agent.get('/kep/book')).headers.location).toBe('/kep/book/area');
    const areaPage = cheerio.load((await agent.get('/kep/book/area')).text);
    expect(areaPage(`input[name="area"][value="${areaId}"]`).length).toBe(1);
    await step(agent, 'area', { area: String(areaId) });

    const days = cheerio.load((await agent.get('/kep/book/day')).text);
    const offered = days('input[name="day"]')
      .map((_i, el) => days(el).attr('value'))
      .get();
    // Monday's times are inside the notice until 11:00, so Monday still has some; no weekend.
    expect(offered).toContain('2026-03-02');
    expect(offered).toContain(DAY);
    expect(offered).not.toContain('2026-03-07');
    await step(agent, 'day', { day: DAY });

    const times = cheerio.load((await agent.get('/kep/book/time')).text);
    const values = times('input[name="time"]')
      .map((_i, el) => times(el).attr('value'))
      .get();
    expect(values[0]).toBe(iso(DAY, '09:00'));
    expect(values).toContain(iso(DAY, '10:30'));
    await step(agent, 'time', { time: iso(DAY, '10:00') });

    // The details start from the account: the name TaxisNet gave.
    const form = cheerio.load((await agent.get('/kep/book/details')).text);
    expect(form('#fullName').attr('value')).toBe('Μαρία Παπαδάκη');
    const details = await sendDetails(
      agent,
      {
        ...goodDetails,
        delivery: 'post',
        postalAddress: 'Κονδυλάκη 5, 72100 Άγιος Νικόλαος',
        signLanguage: 'yes',
      },
      [{ name: 'ταυτότητα.pdf', content: PDF, type: 'application/pdf' }],
    );
    expect(details.headers.location).toBe('/kep/book/check');

    const check = cheerio.load((await agent.get('/kep/book/check')).text);
    expect(check('#check-appointment').text()).toContain('10:00–10:20');
    expect(check('#check-details').text()).toContain('ταυτότητα.pdf');
    expect(check('#privacy-notice').text()).toContain('30');

    const confirmed = await confirm(agent);
    expect(confirmed.status).toBe(303);
    const location = confirmed.headers.location as string;
    expect(location).toMatch(/^\/kep\/book\/booked\/\d+$/);
    const id = Number(location.split('/').pop());
    const row = await ctx.db('kep_appointments').where({ id }).first();
    expect(row).toMatchObject({
      afm,
      status: 'booked',
      delivery: 'post',
      needs_sign_language: true,
      phone_e164: '+306912345678',
      lang: 'el',
    });
    expect(row.starts_at.toISOString()).toBe(iso(DAY, '10:00'));
    const documents = await ctx.db('kep_documents').where({ appointment_id: id });
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({
      file_name: 'ταυτότητα.pdf',
      content_type: 'application/pdf',
    });
    expect(await ctx.deps.documents.exists(documents[0].document_key)).toBe(true);

    const done = await agent.get(location);
    expect(done.status).toBe(200);
    const $ = cheerio.load(done.text);
    expect($('#reference').text()).toBe(row.reference);
    expect($('#call-link').attr('href')).toBe(`/kep/appointments/${id}/call`);
    expect($('#booked-summary').text()).toContain('10:00–10:20');

    const mails = await drainMail(ctx.deps);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Ενημέρωση για επερχόμενη κράτηση στο ΚΕΠ');
    expect(mails[0]!.text).toContain(`${base}/kep/appointments/${id}/call`);
    expect(mails[0]!.text).toMatch(new RegExp(`${base}/kep/manage/[A-Za-z0-9_-]{43}`));

    // The draft is gone: the steps start again.
    expect((await agent.get('/kep/book/check')).headers.location).toBe('/kep/book/area');
    // Another citizen does not see the confirmation.
    const other = await citizen();
    expect((await other.agent.get(location)).status).toBe(404);
  });

  it('gives a field message for each bad value and keeps what was typed', async () => {
    await addClerks(1);
    const { agent } = await citizen();
    let res = await step(agent, 'area', {});
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'area')).toBe('Διαλέξτε θέμα');
    res = await step(agent, 'area', { area: '999999' });
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'area')).toContain('δεν προσφέρεται');
    res = await step(agent, 'area', { area: 'x; DROP' });
    expect(res.status).toBe(400);
    await step(agent, 'area', { area: String(areaId) });

    for (const day of ['', '2026-03-07', '2026-02-30', '2026-05-04', '2026-03-01', 'tomorrow']) {
      res = await step(agent, 'day', { day });
      expect(res.status, day).toBe(400);
      expect(fieldError(res.text, 'day'), day).not.toBe('');
    }
    await step(agent, 'day', { day: DAY });

    // A time edited into the form: not a slot (10:10), a slot's day in the past, garbage.
    for (const time of [
      '',
      iso(DAY, '10:10'),
      iso('2026-02-25', '10:00'),
      'noon',
      iso(DAY, '11:00'),
    ]) {
      res = await step(agent, 'time', { time });
      expect(res.status, time).toBe(400);
      expect(fieldError(res.text, 'time'), time).not.toBe('');
    }
    await step(agent, 'time', { time: iso(DAY, '09:30') });

    res = await sendDetails(agent, {
      fullName: '',
      email: 'not-an-email',
      phone: '12',
      delivery: 'post',
      postalAddress: '',
      needsOther: 'yes',
      otherText: '',
    });
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'fullName')).toBe('Γράψτε το ονοματεπώνυμό σας');
    expect(fieldError(res.text, 'email')).toContain('email');
    expect(fieldError(res.text, 'phone')).toContain('6912345678');
    expect(fieldError(res.text, 'postalAddress')).toContain('διεύθυνση');
    expect(fieldError(res.text, 'otherText')).toBe('Γράψτε τι χρειάζεστε');
    const $ = cheerio.load(res.text);
    expect($('#email').attr('value')).toBe('not-an-email');
    expect($('#needsOther').attr('checked')).toBeDefined();

    res = await sendDetails(agent, { ...goodDetails, delivery: 'drone' });
    expect(fieldError(res.text, 'delivery')).not.toBe('');
    res = await sendDetails(agent, goodDetails, [
      { name: 'notes.pdf', content: Buffer.from('plain text, not a PDF'), type: 'application/pdf' },
    ]);
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'documents')).toContain('PDF, JPEG ή PNG');
    const six = Array.from({ length: 6 }, (_v, i) => ({
      name: `f${i}.pdf`,
      content: PDF,
      type: 'application/pdf',
    }));
    res = await sendDetails(agent, goodDetails, six);
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'documents')).toContain('5');
    expect(await countOf('kep_documents')).toBe(0);
  });

  it('answers in English on an English page', async () => {
    await addClerks(1);
    const { agent } = await citizen();
    const res = await postForm(agent, '/kep/book/area?lang=en', '/kep/book/area', {});
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'area')).toBe('Choose a subject');
  });

  it('sends back to the first step not done when a later page is opened first', async () => {
    const { agent } = await citizen();
    for (const path of ['day', 'time', 'details', 'check'])
      expect((await agent.get(`/kep/book/${path}`)).headers.location).toBe('/kep/book/area');
    expect((await confirm(agent).catch(() => undefined))?.status ?? 303).toBe(303);
  });
});

describe('at confirm', () => {
  it('answers "just taken" (409) with the next free times as buttons, and books one of them', async () => {
    await addClerks(1);
    const first = await citizen();
    const second = await citizen();
    await throughTheSteps(first.agent);
    await throughTheSteps(second.agent);
    expect((await confirm(first.agent)).status).toBe(303);
    const lost = await confirm(second.agent);
    expect(lost.status).toBe(409);
    const $ = cheerio.load(lost.text);
    expect($('#taken').text()).toContain('μόλις κλείστηκε');
    const offers = $('form[action="/kep/book/time"] input[name="time"]')
      .map((_i, el) => $(el).attr('value'))
      .get();
    expect(offers[0]).toBe(iso(DAY, '10:30'));
    // The offer keeps the details: straight to the check page, then booked.
    const chosen = await second.agent
      .post('/kep/book/time')
      .type('form')
      .send({ _csrf: $('input[name="_csrf"]').first().attr('value'), time: offers[0] });
    expect(chosen.headers.location).toBe('/kep/book/check');
    expect((await confirm(second.agent)).status).toBe(303);
    expect(await countOf('kep_appointments', { status: 'booked' })).toBe(2);
  });

  it('refuses a time that fell inside the notice, and a fourth active booking', async () => {
    await addClerks(2);
    const { agent, afm } = await citizen();
    // Monday 11:30, the first time past the notice; an hour later it is inside it.
    await throughTheSteps(agent, '11:30', MONDAY);
    now = new Date(MONDAY_0900.getTime() + 3600_000);
    let res = await confirm(agent);
    expect(res.status).toBe(409);
    expect(cheerio.load(res.text)('#refused-reason').text()).toContain('πολύ κοντά');
    now = MONDAY_0900;

    for (const time of ['09:00', '09:30', '10:00']) {
      await throughTheSteps(agent, time);
      expect((await confirm(agent)).status).toBe(303);
    }
    await throughTheSteps(agent, '10:30');
    res = await confirm(agent);
    expect(res.status).toBe(409);
    expect(cheerio.load(res.text)('#refused-reason').text()).toContain('3 ενεργά ραντεβού');
    expect(await countOf('kep_appointments', { afm })).toBe(3);
  });

  it('limits booking attempts per person', async () => {
    await addClerks(1);
    const { agent } = await citizen();
    await throughTheSteps(agent, '11:30', MONDAY);
    now = new Date(MONDAY_0900.getTime() + 3600_000); // inside the notice: refused each time
    const csrf = await csrfFrom(agent, '/kep/book/check');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) {
      // Each refusal sends the citizen back to the time: the time chosen again, then confirm.
      await agent
        .post('/kep/book/time')
        .type('form')
        .send({ _csrf: csrf, time: iso(MONDAY, '11:30') });
      const res = await agent.post('/kep/book/confirm').type('form').send({ _csrf: csrf });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 409 || s === 303)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});

describe('book again', () => {
  it("starts a new booking with the same details, only from the owner's appointment", async () => {
    await addClerks(1);
    const { agent } = await citizen();
    await throughTheSteps(agent);
    const confirmed = await confirm(agent);
    const id = String(confirmed.headers.location).split('/').pop();
    await ctx.db('kep_appointments').where({ id }).update({ phone_e164: '+302841012345' });

    const again = await agent.get(`/kep/book?again=${id}`);
    expect(again.headers.location).toBe('/kep/book/day');
    await step(agent, 'day', { day: DAY });
    await step(agent, 'time', { time: iso(DAY, '11:30') });
    const $ = cheerio.load((await agent.get('/kep/book/details')).text);
    expect($('#email').attr('value')).toBe('maria@example.gr');
    expect($('#phone').attr('value')).toContain('2841');

    const stranger = await citizen();
    expect((await stranger.agent.get(`/kep/book?again=${id}`)).status).toBe(404);
    expect((await stranger.agent.get('/kep/book?again=abc')).status).toBe(404);
  });
});

describe('the race for one slot over HTTP', () => {
  /** 20 people, each with 10 tabs confirming at once (within the per-person limit). */
  async function racers(): Promise<Agent[]> {
    const people: Citizen[] = [];
    for (let i = 0; i < 20; i += 1) people.push(await citizen());
    await Promise.all(people.map((p) => throughTheSteps(p.agent)));
    return people.flatMap((p) => Array.from({ length: 10 }, () => p.agent));
  }

  const isBooked = (answer: { status: number; headers: Record<string, string> }) =>
    answer.status === 303 && /^\/kep\/book\/booked\/\d+$/.test(answer.headers.location ?? '');

  async function race(agents: Agent[]) {
    // The check page's form, as each tab has it.
    const tokens = await Promise.all(agents.map((agent) => csrfFrom(agent, '/kep/book/check')));
    return Promise.all(
      agents.map((agent, i) =>
        agent.post('/kep/book/confirm').type('form').send({ _csrf: tokens[i] }),
      ),
    );
  }

  it('makes exactly one appointment with one free clerk; the others get "just taken"', async () => {
    await addClerks(1);
    const answers = await race(await racers());
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(answers.filter(isBooked)).toHaveLength(1);
    // The winner's other tabs find the draft gone (sent back to the first step), the rest: taken.
    const taken = answers.filter((a) => a.status === 409);
    expect(taken.length).toBeGreaterThan(150);
    for (const answer of taken) expect(answer.text).toContain('μόλις κλείστηκε');
    expect(await countOf('kep_appointments')).toBe(1);
  }, 120_000);

  it('makes exactly two with two free clerks', async () => {
    await addClerks(2);
    const answers = await race(await racers());
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(answers.filter(isBooked)).toHaveLength(2);
    expect(await countOf('kep_appointments')).toBe(2);
  }, 120_000);
});
