import * as cheerio from 'cheerio';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../../src/features/accounts/users.repository.ts';
import { createActiveUser, newAgent, postForm, signIn, type Agent } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  signInInBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { countRenders, untilKept, untilListening, untilShown } from '../helpers/caches.ts';
import { departmentId, insertRequest } from '../helpers/requests.ts';
import { signedInStaff, STAFF_PASSWORD } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

/**
 * A phone request has no title and no place (its caller left a recording): its handler gives
 * them on the request's page, and the request can then be published like any other.
 */
let ctx: TestContext;
let renders: () => number;
let technical: { agent: Agent; id: number };
let cleaning: { agent: Agent; id: number };
let citizen: { id: number; agent: Agent; user: UserRow };
let lightOutId: number;
let recordingCounter = 0;

const TITLE = 'Σβηστός λαμπτήρας στην πλατεία Ηρώων';
const ADDRESS = 'Πλατεία Ηρώων Πολυτεχνείου, Άγιος Νικόλαος';

/** A request filed by phone through the requests' own service, as the phone menu files it. */
async function filePhone(user: UserRow): Promise<{ id: number; url: string }> {
  recordingCounter += 1;
  const filed = await ctx.services.requests.filePhoneRequest(
    user,
    {
      categoryId: lightOutId,
      recording: { sid: `RE${String(recordingCounter).padStart(32, '7')}`, durationSeconds: 12 },
      callerNumber: null,
    },
    { ip: '127.0.0.1' },
  );
  if (!filed.ok) throw new Error(`not filed: ${filed.reason}`);
  return { id: filed.id, url: filed.reference.url };
}

const rowOf = async (id: number) =>
  (await ctx.db('requests').where({ id }).first()) as {
    title: string | null;
    address: string | null;
    lat: number | null;
    lng: number | null;
    public: boolean;
    updated_at: Date;
  };
const auditOf = (id: number) =>
  ctx
    .db('audit_log')
    .where({ action: 'request.title_place_set', entity_type: 'request', entity_id: id })
    .orderBy('id') as Promise<
    {
      actor_id: number;
      user_id: number;
      details: { reference: string; changes: Record<string, { before: unknown; after: unknown }> };
    }[]
  >;
const eventCount = async (id: number) =>
  Number(
    (
      (await ctx.db('request_events').where({ request_id: id }).count('* as n').first()) as {
        n: string;
      }
    ).n,
  );
const pageOf = async (agent: Agent, path: string) => {
  const res = await agent.get(path);
  return { res, $: cheerio.load(res.text) };
};
const send = (agent: Agent, url: string, fields: Record<string, string>, query = '') =>
  postForm(agent, `/staff/requests/${url}`, `/staff/requests/${url}/title-place${query}`, fields);

beforeAll(async () => {
  ctx = await createTestContext();
  renders = countRenders(ctx.app);
  technical = await signedInStaff(ctx.app, ctx.db, ['handler']);
  cleaning = await signedInStaff(ctx.app, ctx.db, ['handler']);
  await ctx.db('department_handlers').insert([
    { department_id: await departmentId(ctx.db, 'technical'), user_id: technical.id },
    { department_id: await departmentId(ctx.db, 'cleaning'), user_id: cleaning.id },
  ]);
  lightOutId = (
    (await ctx.db('request_categories').where({ slug: 'light-out' }).first('id')) as { id: number }
  ).id;
  const account = await createActiveUser(ctx.db, 'phone-completion');
  const agent = newAgent(ctx.app);
  await signIn(agent, account.username, account.password);
  const user = (await ctx.db('users').where({ id: account.id }).first()) as UserRow;
  citizen = { id: account.id, agent, user };
  for (const cache of [ctx.deps.workCache, ctx.deps.userCache, ctx.deps.sessionCache])
    await untilListening(cache);
});
afterAll(() => ctx.close());

describe('a phone request’s title and place, given by its handler', () => {
  let request: { id: number; url: string };

  beforeAll(async () => {
    request = await filePhone(citizen.user);
  });

  it('offers the form on the handler’s page of a phone request, which cannot be published yet', async () => {
    const { res, $ } = await pageOf(technical.agent, `/staff/requests/${request.url}`);
    expect(res.status).toBe(200);
    expect($('h1').text()).toBe('(χωρίς τίτλο)');
    const form = $(`form[action="/staff/requests/${request.url}/title-place"]`);
    expect(form.attr('method')).toBe('post');
    expect(form.find('input[name="_csrf"]').length).toBe(1);
    for (const name of ['title', 'address', 'lat', 'lng'])
      expect(form.find(`input[name="${name}"]`).attr('value'), name).toBe('');
    expect($('#title-place').text()).toBe('Τίτλος και σημείο');
    expect(form.prev('p').text()).toContain('τηλεφωνικά');
    // No title yet: the publish button is replaced by a pointer to this form.
    expect($(`form[action="/staff/requests/${request.url}/visibility"]`).length).toBe(0);
    expect($('a[href="#title-place"]').text()).toBe('δώστε του τίτλο');
  });

  it.each([
    ['an empty title', { title: '   ' }, 'title', 'Δώστε έναν σύντομο τίτλο'],
    ['a title of 121 characters', { title: 'Λ'.repeat(121) }, 'title', 'έως 120 χαρακτήρες'],
    ['an address of 201 characters', { address: 'Ο'.repeat(201) }, 'address', ''],
    ['a latitude that is not a number', { lat: 'βόρεια', lng: '25.7' }, 'lat', 'πλάτος'],
    ['a latitude past the pole', { lat: '95', lng: '25.7' }, 'lat', 'πλάτος'],
    ['a longitude that is not a number', { lat: '35.19', lng: '25.7.1' }, 'lng', 'μήκος'],
    ['a latitude without a longitude', { lat: '35.19', lng: '' }, 'lng', 'και το πλάτος'],
    ['a longitude without a latitude', { lat: '', lng: '25.7' }, 'lat', 'και το πλάτος'],
    ['a point in Athens', { lat: '37.9838', lng: '23.7275' }, 'lat', 'εκτός των ορίων'],
  ] as const)(
    'refuses %s with a message at the field and changes nothing',
    async (_what, fields, field, message) => {
      const before = await rowOf(request.id);
      const sent = { title: TITLE, address: ADDRESS, lat: '', lng: '', ...fields };
      const res = await send(technical.agent, request.url, sent);
      expect(res.status).toBe(400);
      const $ = cheerio.load(res.text);
      const error = $(`#${field}-error`).text();
      expect(error.length).toBeGreaterThan(0);
      expect(error).toContain(message);
      expect($(`#${field}`).attr('aria-describedby')).toContain(`${field}-error`);
      expect($(`.govuk-error-summary a[href="#${field}"]`).length).toBe(1);
      // What was typed is shown again, to be corrected.
      expect($('#title').attr('value')).toBe(sent.title);
      expect($('#lat').attr('value')).toBe(sent.lat);
      expect(await rowOf(request.id)).toEqual(before);
      expect(await auditOf(request.id)).toEqual([]);
    },
  );

  it('says so in English too', async () => {
    const res = await send(
      technical.agent,
      request.url,
      { title: '', lat: '35.19', lng: '' },
      '?lang=en',
    );
    expect(res.status).toBe(400);
    const $ = cheerio.load(res.text);
    expect($('#title-error').text()).toContain('Give the request a short title');
    expect($('#title-place').text()).toBe('Title and location');
    expect((await rowOf(request.id)).title).toBeNull();
    // Back to Greek for the rest.
    await technical.agent.get(`/staff/requests/${request.url}?lang=el`);
  });

  it('is 404 to a handler of another department, whatever is sent, and 403 to a citizen', async () => {
    expect((await cleaning.agent.get(`/staff/requests/${request.url}`)).status).toBe(404);
    // A token of their own session, from a request of their own department.
    const theirs = await insertRequest(ctx.db, citizen.id, 'waste-collection');
    for (const fields of [
      { title: TITLE, address: ADDRESS, lat: '35.1911', lng: '25.7164' },
      { title: '', address: '', lat: 'x', lng: '' },
    ]) {
      const res = await postForm(
        cleaning.agent,
        `/staff/requests/${theirs.url}`,
        `/staff/requests/${request.url}/title-place`,
        fields,
      );
      expect(res.status).toBe(404);
    }
    const byCitizen = await postForm(
      citizen.agent,
      `/requests/${request.url}`,
      `/staff/requests/${request.url}/title-place`,
      { title: TITLE, address: '', lat: '', lng: '' },
    );
    expect(byCitizen.status).toBe(403);
    expect((await rowOf(request.id)).title).toBeNull();
    expect(await auditOf(request.id)).toEqual([]);
  });

  it('saves the title, the address and the point, audited, and the pages show them', async () => {
    const queue = '/staff/requests';
    const kept = await untilKept(technical.agent, queue, renders);
    expect(kept.text).not.toContain(TITLE);
    const events = await eventCount(request.id);

    const res = await send(technical.agent, request.url, {
      title: `  ${TITLE} `,
      address: ADDRESS,
      // As people type it, with a decimal comma.
      lat: '35,1911',
      lng: '25.7164',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/staff/requests/${request.url}`);
    expect(await rowOf(request.id)).toMatchObject({
      title: TITLE,
      address: ADDRESS,
      lat: 35.1911,
      lng: 25.7164,
      public: false,
    });

    const { res: shown, $ } = await pageOf(technical.agent, `/staff/requests/${request.url}`);
    expect($('h1').text()).toBe(TITLE);
    expect(shown.text).toContain('Ο τίτλος και το σημείο του αιτήματος αποθηκεύτηκαν.');
    const summary = $('.govuk-summary-list').first().text();
    expect(summary).toContain(ADDRESS);
    expect(summary).toContain('35.1911, 25.7164');
    // Still offered, filled in, to be corrected.
    expect($('#title').attr('value')).toBe(TITLE);
    expect($('#lat').attr('value')).toBe('35.1911');
    // No title missing any more: the request may be published.
    expect($(`form[action="/staff/requests/${request.url}/visibility"]`).length).toBe(1);
    expect($('a[href="#title-place"]').length).toBe(0);

    const [entry, ...more] = await auditOf(request.id);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actor_id: technical.id, user_id: citizen.id });
    expect(entry!.details).toEqual({
      reference: request.url,
      changes: {
        title: { before: null, after: TITLE },
        address: { before: null, after: ADDRESS },
        lat: { before: null, after: 35.1911 },
        lng: { before: null, after: 25.7164 },
      },
    });
    const history = await technical.agent.get(`/staff/requests/${request.url}/history`);
    expect(history.text).toContain('Αίτημα: τίτλος και σημείο');
    // The timeline has no kind for it: the audit log keeps it, the citizen's timeline is as it was.
    expect(await eventCount(request.id)).toBe(events);

    // The kept queue is made again (the requests table announces the write).
    await untilShown(technical.agent, queue, TITLE);

    const own = await pageOf(citizen.agent, `/requests/${request.url}`);
    expect(own.res.status).toBe(200);
    expect(own.$('h1').text()).toBe(TITLE);
    expect(own.res.text).toContain(ADDRESS);
    expect(own.res.text).toContain('35.1911, 25.7164');
  });

  it('writes nothing when nothing changed, and takes corrections (the point taken away)', async () => {
    const same = await send(technical.agent, request.url, {
      title: TITLE,
      address: ADDRESS,
      lat: '35.1911',
      lng: '25.7164',
    });
    expect(same.status).toBe(303);
    expect(await auditOf(request.id)).toHaveLength(1);

    const fixed = await send(technical.agent, request.url, {
      title: TITLE,
      address: 'Πλατεία Ηρώων 3',
      lat: '',
      lng: '',
    });
    expect(fixed.status).toBe(303);
    expect(await rowOf(request.id)).toMatchObject({
      title: TITLE,
      address: 'Πλατεία Ηρώων 3',
      lat: null,
      lng: null,
    });
    const entries = await auditOf(request.id);
    expect(entries).toHaveLength(2);
    expect(entries[1]!.details.changes).toEqual({
      address: { before: ADDRESS, after: 'Πλατεία Ηρώων 3' },
      lat: { before: 35.1911, after: null },
      lng: { before: 25.7164, after: null },
    });
    const { $ } = await pageOf(technical.agent, `/staff/requests/${request.url}`);
    expect($('.govuk-summary-list').first().text()).not.toContain('35.1911');
    expect($('.govuk-summary-list').first().text()).toContain('Πλατεία Ηρώων 3');
  });

  it('can then be published, and the public list shows it with its title', async () => {
    const res = await postForm(
      technical.agent,
      `/staff/requests/${request.url}`,
      `/staff/requests/${request.url}/visibility`,
      { public: 'yes' },
    );
    expect(res.status).toBe(303);
    expect((await rowOf(request.id)).public).toBe(true);
    const visitor = newAgent(ctx.app);
    const list = await untilShown(visitor, '/requests/public', TITLE);
    expect(list.status).toBe(200);
    const shown = await visitor.get(`/requests/public/${request.url}`);
    expect(shown.status).toBe(200);
    expect(cheerio.load(shown.text)('h1').text()).toBe(TITLE);
  });
});

describe('which requests take the form', () => {
  it('a closed phone request still does (so that it can be published)', async () => {
    const closed = await filePhone(citizen.user);
    await ctx
      .db('requests')
      .where({ id: closed.id })
      .update({ status: 'closed', closed_at: new Date() });
    const { $ } = await pageOf(technical.agent, `/staff/requests/${closed.url}`);
    expect($(`form[action="/staff/requests/${closed.url}/title-place"]`).length).toBe(1);
    const res = await send(technical.agent, closed.url, {
      title: 'Στύλος φωτισμού',
      address: '',
      lat: '',
      lng: '',
    });
    expect(res.status).toBe(303);
    expect(await rowOf(closed.id)).toMatchObject({ title: 'Στύλος φωτισμού', address: null });
  });

  it('a request filed on the web keeps the citizen’s words: no form, and a forged one is refused', async () => {
    const web = await insertRequest(ctx.db, citizen.id, 'light-out', {
      title: 'Ο τίτλος του πολίτη',
    });
    const { $ } = await pageOf(technical.agent, `/staff/requests/${web.url}`);
    expect($('#title-place').length).toBe(0);
    expect($(`form[action="/staff/requests/${web.url}/title-place"]`).length).toBe(0);
    const before = await rowOf(web.id);
    const res = await send(technical.agent, web.url, {
      title: 'Άλλος τίτλος',
      address: '',
      lat: '',
      lng: '',
    });
    expect(res.status).toBe(400);
    // Only a forged form gets here: the page has no such form, the summary says why.
    expect(cheerio.load(res.text)('.govuk-error-summary').text()).toContain(
      'όπως τα έγραψε ο πολίτης',
    );
    expect(await rowOf(web.id)).toEqual(before);
    expect(await auditOf(web.id)).toEqual([]);
  });
});

describe('the form in a browser', () => {
  let server: LiveServer;
  let browser: Browser;
  let handler: { username: string };
  let phone: { url: string };

  beforeAll(async () => {
    server = await startLiveServer(async (live) => {
      const staff = await signedInStaff(live.app, live.db, ['handler']);
      handler = staff;
      await live.db('department_handlers').insert({
        department_id: await departmentId(live.db, 'technical'),
        user_id: staff.id,
      });
      const caller = await createActiveUser(live.db, 'phone-completion-browser');
      phone = await insertRequest(live.db, caller.id, 'light-out', {
        channel: 'phone',
        title: null,
        address: null,
      });
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows errors at the fields, saves, and passes axe each time', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInInBrowser(page, server.baseUrl, handler.username, STAFF_PASSWORD);
    await page.goto(`${server.baseUrl}/staff/requests/${phone.url}`);
    await expectAccessible(page);
    const form = `form[action="/staff/requests/${phone.url}/title-place"]`;
    await page.fill('#title', TITLE);
    await page.fill('#lat', '35.19');
    await page.click(`${form} button[type="submit"]`);
    await page.waitForSelector('#lng-error');
    expect(await page.textContent('#lng-error')).toContain('και το πλάτος');
    await expectAccessible(page);
    await page.fill('#lng', '25.716');
    await page.click(`${form} button[type="submit"]`);
    await page.waitForURL(`${server.baseUrl}/staff/requests/${phone.url}`);
    expect(await page.textContent('h1')).toBe(TITLE);
    await expectAccessible(page);
    await context.close();
  });
});
