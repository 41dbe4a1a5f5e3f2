import * as cheerio from 'cheerio';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Agent,
  createActiveUser,
  csrfFrom,
  drainMail,
  newAgent,
  postForm,
  signIn,
} from '../helpers/accounts.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';
import { insertRequest } from '../helpers/requests.ts';

// Thursday 26 November 2026, 10:00 in Athens.
const NOW = new Date('2026-11-26T08:00:00Z');
const FILER_WORDS = 'Ο γείτονας στο νούμερο 7 πετάει εκεί τα μπάζα του';

let ctx: TestContext;
let handler: { agent: Agent; id: number; email: string };
let maria: { id: number; agent: Agent };
let nikos: { id: number; agent: Agent };

async function citizen(name: string) {
  const user = await createActiveUser(ctx.db, name);
  const agent = newAgent(ctx.app);
  await signIn(agent, user.username, user.password);
  return { id: user.id, agent };
}

/** A request of Maria's straight in the database; Nikos follows it. */
async function makeRequest(extra: Record<string, unknown> = {}) {
  const request = await insertRequest(ctx.db, maria.id, 'pothole', {
    description: FILER_WORDS,
    ...extra,
  });
  await ctx.db('request_followers').insert({ request_id: request.id, user_id: nikos.id });
  return { id: request.id, url: `/requests/${request.url}` };
}

const page = (agent: Agent, path: string) =>
  agent.get(path).then((res) => ({ res, $: cheerio.load(res.text) }));

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => NOW } });
  const staff = await signedInStaff(ctx.app, ctx.db, ['handler']);
  const { email } = (await ctx.db('users').where({ id: staff.id }).first('email')) as {
    email: string;
  };
  handler = { ...staff, email };
  const technical = (await ctx.db('departments').where({ slug: 'technical' }).first('id')) as {
    id: number;
  };
  await ctx.db('department_handlers').insert({ department_id: technical.id, user_id: staff.id });
  maria = await citizen('page-maria');
  nikos = await citizen('page-nikos');
});
afterAll(() => ctx.close());

describe('the citizen’s page of a request', () => {
  it('names each new status, shows the answer apart, and no deadline once closed', async () => {
    const r = await makeRequest({ status: 'closed', closed_at: new Date('2026-11-25T09:00:00Z') });
    await ctx.db('request_events').insert([
      { request_id: r.id, kind: 'status', status: 'in_progress', public_note: 'Το είδαμε.' },
      { request_id: r.id, kind: 'answer', public_note: 'Επισκευάστηκε στις 24/11.' },
      { request_id: r.id, kind: 'status', status: 'closed' },
    ]);
    const { $ } = await page(maria.agent, r.url);
    const timeline = $('ol.govuk-list li')
      .map((_, li) => $(li).text())
      .get()
      .join('\n');
    expect(timeline).toContain('Κατάσταση: Σε εξέλιξη');
    expect(timeline).toContain('Κατάσταση: Έκλεισε');
    // Times as the rest of the page writes dates: "1 Δεκεμβρίου 2026, 12:00", not 2026-12-01.
    expect(timeline).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(timeline).toMatch(/ · \d{1,2} \p{L}+ 20\d{2}, \d{2}:\d{2}/u);
    expect($('h2:contains("Η απάντηση του Δήμου") + .govuk-inset-text').text()).toContain(
      'Επισκευάστηκε στις 24/11.',
    );
    const keys = $('.govuk-summary-list__key')
      .map((_, dt) => $(dt).text())
      .get();
    expect(keys).not.toContain('Αναμενόμενη απάντηση έως');
    expect(keys).toContain('Έκλεισε στις');
    // The reopen button is not styled as a danger.
    expect($('form[action$="/reopen"] button').attr('class')).not.toContain('warning');
  });

  it('shows the filer the category and whether they agreed to their name on the public list', async () => {
    const summary = async (agent: Agent, url: string, lang = 'el') => {
      const { $ } = await page(agent, `${url}?lang=${lang}`);
      return Object.fromEntries(
        $('.govuk-summary-list__row')
          .map((_, row) => [
            [
              $(row).find('.govuk-summary-list__key').text().trim(),
              $(row).find('.govuk-summary-list__value').text().trim(),
            ],
          ])
          .get() as [string, string][],
      );
    };
    const agreed = await makeRequest({ show_name: true });
    const rows = await summary(maria.agent, agreed.url);
    expect(rows['Κατηγορία']).toBe('Λακκούβα');
    expect(rows['Το όνομά σας στη δημόσια λίστα']).toBe(
      'Συμφωνήσατε να φαίνεται, αν ο Δήμος δημοσιεύσει το αίτημα',
    );
    const declined = await makeRequest();
    const english = await summary(maria.agent, declined.url, 'en');
    expect(english['Category']).toBe('Pothole');
    expect(english['Your name on the public list']).toBe('You did not agree: it is not shown');
    await maria.agent.get('/requests?lang=el');
    // A follower sees the category, not the filer's choice.
    const followed = await summary(nikos.agent, agreed.url, 'el');
    expect(followed['Κατηγορία']).toBe('Λακκούβα');
    expect(followed['Το όνομά σας στη δημόσια λίστα']).toBeUndefined();
  });

  it('shows the category and the consent on the confirmation after filing', async () => {
    await postForm(maria.agent, '/requests/new', '/requests/new', {
      address: 'Πλατεία Βενιζέλου',
      lat: '',
      lng: '',
      category: String(
        (
          (await ctx.db('request_categories').where({ slug: 'parks' }).first('id')) as {
            id: number;
          }
        ).id,
      ),
    });
    await maria.agent.get('/requests/new/similar');
    const filed = await postForm(maria.agent, '/requests/new/details', '/requests/new/details', {
      kind: 'request',
      title: 'Σπασμένη κούνια',
      description: 'Στην παιδική χαρά.',
      showName: 'yes',
    });
    expect(filed.status).toBe(303);
    const { $ } = await page(maria.agent, filed.headers.location as string);
    expect($('.govuk-notification-banner, .govuk-panel').length).toBeGreaterThan(0);
    const list = $('.govuk-summary-list').text();
    expect(list).toContain('Πάρκα');
    expect(list).toContain('Συμφωνήσατε να φαίνεται');
  });

  it('links a merged request to the original it now follows', async () => {
    const original = await makeRequest();
    const duplicate = await makeRequest({ status: 'merged', merged_into: original.id });
    const { $ } = await page(maria.agent, duplicate.url);
    expect($('.govuk-inset-text a').attr('href')).toBe(original.url);
  });

  it('shows a follower the request’s progress, never the filer’s words or photos', async () => {
    const r = await makeRequest();
    const jpeg = await sharp({
      create: { width: 40, height: 30, channels: 3, background: '#884400' },
    })
      .jpeg()
      .toBuffer();
    const token = await csrfFrom(maria.agent, r.url);
    const commented = await maria.agent
      .post(`${r.url}/comment`)
      .field('_csrf', token)
      .field('comment', 'Και ο αριθμός 9 το ίδιο.')
      .attach('photos', jpeg, 'photo.jpg');
    expect(commented.status).toBe(303);
    const photo = (await ctx.db('request_photos').where({ request_id: r.id }).first('id')) as {
      id: number;
    };

    const filer = await page(maria.agent, r.url);
    expect(filer.res.text).toContain(FILER_WORDS);
    expect(filer.res.text).toContain('Και ο αριθμός 9 το ίδιο.');
    expect((await maria.agent.get(`${r.url}/photos/${photo.id}`)).status).toBe(200);

    const follower = await page(nikos.agent, r.url);
    expect(follower.res.status).toBe(200);
    expect(follower.res.text).not.toContain(FILER_WORDS);
    expect(follower.res.text).not.toContain('Και ο αριθμός 9');
    expect(follower.$('.app-photos img').length).toBe(0);
    expect(filer.$('.app-photos img').length).toBe(1);
    expect((await nikos.agent.get(`${r.url}/photos/${photo.id}`)).status).toBe(404);

    // Neither the filer's exact address nor, while it is not public, their title.
    expect(follower.res.text).not.toContain('Οδός Κουντούρου 5');
    expect(follower.$('h1').text()).not.toContain('Αίτημα');

    // Once a handler marks it public, the follower sees what the public would: the photos a
    // handler approved, no other.
    await ctx.db('requests').where({ id: r.id }).update({ public: true });
    expect((await nikos.agent.get(`${r.url}/photos/${photo.id}`)).status).toBe(404);
    expect((await page(nikos.agent, r.url)).$('.app-photos img').length).toBe(0);
    await ctx.db('request_photos').where({ id: photo.id }).update({ approved_at: new Date() });
    expect((await nikos.agent.get(`${r.url}/photos/${photo.id}`)).status).toBe(200);
    expect((await page(nikos.agent, r.url)).$('.app-photos img').length).toBe(1);
  });
});

describe('the handlers hear of the citizen', () => {
  it('mails the department’s handlers on a comment, and the assignee alone on a reopening', async () => {
    const r = await makeRequest();
    await drainMail(ctx.deps);
    const commented = await postForm(maria.agent, r.url, `${r.url}/comment`, {
      comment: 'Μεγάλωσε κι άλλο.',
    });
    expect(commented.status).toBe(303);
    const mails = (await drainMail(ctx.deps)).filter((m) => m.to === handler.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('Μεγάλωσε κι άλλο.');
    expect(mails[0]!.text).toContain(`/staff${r.url}`);

    const colleague = await signedInStaff(ctx.app, ctx.db, ['handler']);
    await ctx
      .db('requests')
      .where({ id: r.id })
      .update({
        status: 'closed',
        closed_at: new Date('2026-11-25T09:00:00Z'),
        assignee_id: colleague.id,
      });
    const reopened = await postForm(maria.agent, r.url, `${r.url}/reopen`, {
      reason: 'Ξανάνοιξε η λακκούβα.',
    });
    expect(reopened.status).toBe(303);
    const after = await drainMail(ctx.deps);
    const { email: colleagueEmail } = (await ctx
      .db('users')
      .where({ id: colleague.id })
      .first('email')) as { email: string };
    expect(after.filter((m) => m.to === handler.email)).toHaveLength(0);
    const toAssignee = after.filter((m) => m.to === colleagueEmail);
    expect(toAssignee).toHaveLength(1);
    expect(toAssignee[0]!.text).toContain('Ξανάνοιξε η λακκούβα.');
  });
});

describe('the details step', () => {
  it('says what is missing in words about the request, in both languages', async () => {
    const category = (await ctx
      .db('request_categories')
      .where({ slug: 'pothole' })
      .first('id')) as {
      id: number;
    };
    for (const [lang, expected] of [
      ['el', 'Δώστε έναν σύντομο τίτλο'],
      ['en', 'Give the request a short title'],
    ] as const) {
      const agent = (await citizen(`page-details-${lang}`)).agent;
      const step1 = await postForm(agent, '/requests/new', '/requests/new', {
        address: 'Πλατεία Βενιζέλου',
        lat: '',
        lng: '',
        category: String(category.id),
      });
      expect(step1.status).toBe(303);
      const res = await postForm(
        agent,
        `/requests/new/details?lang=${lang}`,
        `/requests/new/details?lang=${lang}`,
        { kind: 'request', title: '', description: 'x' },
      );
      expect(res.status).toBe(400);
      const $ = cheerio.load(res.text);
      expect($('#title-error').text()).toContain(expected);
    }
  });

  it('says the photos must be chosen again when the form comes back with an error', async () => {
    const category = (await ctx
      .db('request_categories')
      .where({ slug: 'pothole' })
      .first('id')) as {
      id: number;
    };
    const agent = (await citizen('page-photos-again')).agent;
    await postForm(agent, '/requests/new', '/requests/new', {
      address: 'Πλατεία Βενιζέλου',
      lat: '',
      lng: '',
      category: String(category.id),
    });
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#333' } })
      .jpeg()
      .toBuffer();
    const res = await agent
      .post('/requests/new/details')
      .field('_csrf', await csrfFrom(agent, '/requests/new/details'))
      .field('kind', 'request')
      .field('title', '')
      .field('description', 'Λακκούβα')
      .attach('photos', jpeg, 'photo.jpg');
    expect(res.status).toBe(400);
    expect(cheerio.load(res.text)('#photos-error').text()).toContain('επιλέξτε τις ξανά');
  });
});
