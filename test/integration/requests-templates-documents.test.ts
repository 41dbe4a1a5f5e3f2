import { readdir } from 'node:fs/promises';
import path from 'node:path';
import * as cheerio from 'cheerio';
import type { Browser, Page } from 'playwright-core';
import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTextPdf } from '../../src/lib/pdf.ts';
import {
  type Agent,
  createActiveUser,
  csrfFrom,
  drainMail,
  newAgent,
  postForm,
  signIn,
} from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { signedInStaff, STAFF_PASSWORD } from '../helpers/staff.ts';
import { insertRequest } from '../helpers/requests.ts';

const TEMPLATES = '/staff/requests/settings/templates';
const CITIZEN_PASSWORD = 'κρητικό φως και αέρας';

let ctx: LiveServer;
let browser: Browser;
let pdf: Buffer;
let admin: { agent: Agent; id: number; username: string };
let handler: { agent: Agent; id: number; username: string };
let otherHandler: { agent: Agent; id: number };
let maria: { agent: Agent; id: number; username: string };
let john: { agent: Agent; id: number; username: string };
let stranger: { agent: Agent; id: number };

const category = async (slug: string) =>
  (await ctx.db('request_categories').where({ slug }).first('id', 'department_id')) as {
    id: number;
    department_id: number;
  };
const dept = async (slug: string) =>
  ((await ctx.db('departments').where({ slug }).first('id')) as { id: number }).id;

/** A request filed by `userId` straight in the database, with its 'submitted' event. */
const makeRequest = (slug: string, userId: number, extra: Record<string, unknown> = {}) =>
  insertRequest(ctx.db, userId, slug, { due_date: '2099-12-31', address: null, ...extra });

const page = (agent: Agent, path: string) =>
  agent.get(path).then((res) => ({ res, $: cheerio.load(res.text) }));
const citizen = async (n: string, lang: 'el' | 'en' = 'el') => {
  const user = await createActiveUser(ctx.db, n, { lang });
  const agent = newAgent(ctx.app);
  await signIn(agent, user.username, user.password);
  return { agent, id: user.id, username: user.username };
};
const isActive = async (id: number) =>
  ((await ctx.db('request_reply_templates').where({ id }).first('active')) as { active: boolean })
    .active;
const storedFiles = async () =>
  (await readdir(path.join(ctx.deps.config.UPLOAD_DIR, 'documents')).catch(() => [])).sort();

/** Sends the document form as a browser would (fields first, then the file). */
async function upload(
  agent: Agent,
  url: string,
  fields: Record<string, string>,
  file?: { content: Buffer; name: string; type?: string },
): Promise<request.Response> {
  const token = await csrfFrom(agent, `/staff/requests/${url}`);
  let req = agent.post(`/staff/requests/${url}/documents`).field('_csrf', token);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  if (file)
    req = req.attach('document', file.content, {
      filename: file.name,
      contentType: file.type ?? 'application/pdf',
    });
  return req;
}

beforeAll(async () => {
  ctx = await startLiveServer();
  browser = await launchBrowser();
  pdf = await renderTextPdf({
    author: 'Δήμος',
    title: 'Αυτοψία',
    sections: [{ text: 'Έκθεση αυτοψίας της υπηρεσίας.' }],
  });
  admin = await signedInStaff(ctx.app, ctx.db, ['admin']);
  handler = await signedInStaff(ctx.app, ctx.db, ['handler']);
  otherHandler = await signedInStaff(ctx.app, ctx.db, ['handler']);
  await ctx.db('department_handlers').insert([
    { department_id: await dept('technical'), user_id: handler.id },
    { department_id: await dept('cleaning'), user_id: otherHandler.id },
  ]);
  maria = await citizen('tpl-maria');
  john = await citizen('tpl-john', 'en');
  stranger = await citizen('tpl-stranger');
});
afterAll(async () => {
  await browser?.close();
  await ctx?.stop();
});

describe('reply templates (admins)', () => {
  it('are for admins only', async () => {
    expect((await handler.agent.get(TEMPLATES)).status).toBe(403);
    expect((await maria.agent.get(TEMPLATES)).status).toBe(403);
    const anonymous = await newAgent(ctx.app).get(TEMPLATES);
    expect([302, 303]).toContain(anonymous.status);
    expect((await admin.agent.get(TEMPLATES)).status).toBe(200);
    const _csrf = await csrfFrom(handler.agent, '/staff/requests');
    const sneaky = await handler.agent
      .post(`${TEMPLATES}/new`)
      .type('form')
      .send({ _csrf, titleEl: 'x', bodyEl: 'y' });
    expect(sneaky.status).toBe(403);
    expect(await ctx.db('request_reply_templates')).toHaveLength(0);
  });

  it('say at each field what is wrong, in Greek and in English, and keep what was typed', async () => {
    const send = (fields: Record<string, string>) =>
      postForm(admin.agent, `${TEMPLATES}/new`, `${TEMPLATES}/new`, fields);
    const empty = await send({ category: '', titleEl: ' ', bodyEl: '', position: 'x' });
    expect(empty.status).toBe(400);
    let $ = cheerio.load(empty.text);
    expect($('#titleEl-error').text()).toContain('Γράψτε τον τίτλο');
    expect($('#bodyEl-error').text()).toContain('Γράψτε το κείμενο');
    expect($('#position-error').text()).toContain('0 έως 999');
    expect($('.govuk-error-summary a[href="#titleEl"]').length).toBe(1);
    const long = await send({
      category: '999999',
      titleEl: 'Τ'.repeat(121),
      bodyEl: 'Κείμενο',
      bodyEn: 'x'.repeat(4001),
    });
    $ = cheerio.load(long.text);
    expect($('#titleEl-error').text()).toContain('120');
    expect($('#bodyEn-error').text()).toContain('4.000');
    expect($('#bodyEl').text()).toBe('Κείμενο');
    await admin.agent.get(`${TEMPLATES}/new?lang=en`);
    const en = await send({ category: 'abc', titleEl: '', bodyEl: 'Κείμενο' });
    $ = cheerio.load(en.text);
    expect($('#titleEl-error').text()).toContain('Enter the title in Greek');
    expect($('#category-error').text()).toContain('Choose a category');
    await admin.agent.get(`${TEMPLATES}?lang=el`);
    // A category that does not exist: refused at the field, not a 500.
    const unknown = await send({ category: '999999', titleEl: 'Άγνωστη', bodyEl: 'Κείμενο' });
    expect(unknown.status).toBe(400);
    expect(cheerio.load(unknown.text)('#category-error').text()).toContain('κατηγορία');
    expect(await ctx.db('request_reply_templates')).toHaveLength(0);
  });

  it('are added, listed, edited, deactivated and brought back, each audited with who did it', async () => {
    const pothole = (await category('pothole')).id;
    const send = (action: string, fields: Record<string, string>, formPath = action) =>
      postForm(admin.agent, formPath, action, fields);
    const general = await send(`${TEMPLATES}/new`, {
      category: '',
      titleEl: 'Ευχαριστούμε',
      titleEn: 'Thank you',
      bodyEl: 'Σας ευχαριστούμε για την αναφορά σας.',
      bodyEn: 'Thank you for your report.',
      position: '5',
    });
    expect(general.status).toBe(303);
    expect(general.headers.location).toBe(TEMPLATES);
    expect(
      (
        await send(`${TEMPLATES}/new`, {
          category: String(pothole),
          titleEl: 'Λακκούβα: επισκευάστηκε',
          bodyEl: 'Η λακκούβα επισκευάστηκε από το συνεργείο.',
          position: '1',
        })
      ).status,
    ).toBe(303);
    expect(
      (
        await send(`${TEMPLATES}/new`, {
          category: String((await category('waste-collection')).id),
          titleEl: 'Κάδοι: άδειασαν',
          bodyEl: 'Οι κάδοι άδειασαν.',
        })
      ).status,
    ).toBe(303);
    // The same title in the same category is refused at the field (a unique index).
    const twin = await send(`${TEMPLATES}/new`, {
      category: String(pothole),
      titleEl: 'λακκούβα: ΕΠΙΣΚΕΥΆΣΤΗΚΕ'.toLowerCase(),
      bodyEl: 'Άλλο κείμενο',
    });
    expect(twin.status).toBe(400);
    expect(cheerio.load(twin.text)('#titleEl-error').text()).toContain('Υπάρχει ήδη');

    const { $ } = await page(admin.agent, TEMPLATES);
    const rows = $('tbody tr')
      .map((_i, tr) => $(tr).text().replace(/\s+/g, ' ').trim())
      .get();
    expect(rows).toHaveLength(3);
    // In the order the admins gave (0, 1, 5), whatever their categories.
    expect(rows[0]).toContain('Κάδοι');
    expect(rows[1]).toContain('Λακκούβα');
    expect(rows[2]).toContain('Ευχαριστούμε');
    expect(rows[2]).toContain('Όλες οι κατηγορίες');

    const created = (await ctx
      .db('audit_log')
      .where({ action: 'request.template_created' })
      .select('actor_id', 'entity_type')) as { actor_id: number; entity_type: string }[];
    expect(created).toHaveLength(3);
    expect(created.every((r) => r.actor_id === admin.id)).toBe(true);

    const row = (await ctx
      .db('request_reply_templates')
      .where({ title_el: 'Κάδοι: άδειασαν' })
      .first('id')) as { id: number };
    const edit = `${TEMPLATES}/${row.id}`;
    const editPage = await page(admin.agent, edit);
    expect(editPage.$('#titleEl').attr('value')).toBe('Κάδοι: άδειασαν');
    const saved = await send(edit, {
      category: String((await category('waste-collection')).id),
      titleEl: 'Κάδοι: άδειασαν σήμερα',
      bodyEl: 'Οι κάδοι άδειασαν σήμερα.',
      position: '2',
    });
    expect(saved.status).toBe(303);
    const updated = (await ctx
      .db('audit_log')
      .where({ action: 'request.template_updated', entity_id: row.id })
      .first('actor_id', 'details')) as {
      actor_id: number;
      details: { changes: Record<string, { before: unknown; after: unknown }> };
    };
    expect(updated.actor_id).toBe(admin.id);
    expect(updated.details.changes.title_el).toEqual({
      before: 'Κάδοι: άδειασαν',
      after: 'Κάδοι: άδειασαν σήμερα',
    });

    expect((await send(`${edit}/deactivate`, {}, edit)).status).toBe(303);
    expect(await isActive(row.id)).toBe(false);
    const history = await page(admin.agent, `${edit}/history`);
    const text = history.$('main').text();
    expect(text).toContain('Πρότυπο απάντησης: απενεργοποίηση');
    expect(text).toContain(admin.username);
    expect((await send(`${edit}/activate`, {}, edit)).status).toBe(303);
    expect(await isActive(row.id)).toBe(true);
    expect((await send(`${edit}/deactivate`, {}, edit)).status).toBe(303);
    expect((await admin.agent.get(`${TEMPLATES}/999999`)).status).toBe(404);
    expect((await admin.agent.get(`${TEMPLATES}/abc`)).status).toBe(404);
  });

  it('are listed by their order, then as added, among the settings’ tabs', async () => {
    const send = (fields: Record<string, string>) =>
      postForm(admin.agent, `${TEMPLATES}/new`, `${TEMPLATES}/new`, fields);
    // Categories of another department than the requests answered below (no new offers there).
    for (const [titleEl, position, slug] of [
      ['Σειρά τέσσερα', '4', 'waste-collection'],
      ['Σειρά τρία', '3', 'bulky-items'],
      ['Σειρά τέσσερα ξανά', '4', 'street-cleaning'],
    ] as const)
      expect(
        (
          await send({
            category: String((await category(slug)).id),
            titleEl,
            bodyEl: 'Κείμενο',
            position,
          })
        ).status,
      ).toBe(303);
    const { $ } = await page(admin.agent, TEMPLATES);
    const positions = $('tbody tr td[data-label="Σειρά"]')
      .map((_i, td) => Number($(td).text().trim()))
      .get();
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const titles = $('tbody tr td:first-child')
      .map((_i, td) => $(td).text().trim())
      .get();
    expect(titles.indexOf('Σειρά τρία')).toBeLessThan(titles.indexOf('Σειρά τέσσερα'));
    expect(titles.indexOf('Σειρά τέσσερα')).toBeLessThan(titles.indexOf('Σειρά τέσσερα ξανά'));
    // The same tabs as the departments and the categories, this one current.
    const tabs = $('main nav a')
      .map((_i, a) => $(a).attr('href'))
      .get();
    expect(tabs).toEqual([
      '/staff/requests/settings',
      '/staff/requests/settings/categories',
      TEMPLATES,
    ]);
    expect($(`main nav a[aria-current="page"]`).attr('href')).toBe(TEMPLATES);
  });

  it('have their edit page titled in the page’s language', async () => {
    const thanks = (await ctx
      .db('request_reply_templates')
      .where({ title_el: 'Ευχαριστούμε' })
      .first('id')) as { id: number };
    const greekOnly = (await ctx
      .db('request_reply_templates')
      .where({ title_el: 'Σειρά τρία' })
      .first('id')) as { id: number };
    const title = async (id: number, lang: 'el' | 'en') =>
      (await page(admin.agent, `${TEMPLATES}/${id}?lang=${lang}`)).$('title').text();
    expect(await title(thanks.id, 'en')).toMatch(/^Edit reply template: Thank you – /);
    expect(await title(thanks.id, 'el')).toMatch(
      /^Επεξεργασία προτύπου απάντησης: Ευχαριστούμε – /,
    );
    // Without an English title the template is named by its Greek one, the page in English.
    expect(await title(greekOnly.id, 'en')).toMatch(/^Edit reply template: Σειρά τρία – /);
    const history = await page(admin.agent, `${TEMPLATES}/${thanks.id}/history?lang=en`);
    expect(history.$('main .govuk-caption-l').text()).toBe('Thank you');
    await admin.agent.get(`${TEMPLATES}?lang=el`);
  });
});

describe('answering from a template', () => {
  let forMaria: { id: number; url: string };
  let forJohn: { id: number; url: string };
  const templateId = async (title: string) =>
    String(
      (
        (await ctx.db('request_reply_templates').where({ title_el: title }).first('id')) as {
          id: number;
        }
      ).id,
    );

  beforeAll(async () => {
    forMaria = await makeRequest('pothole', maria.id);
    forJohn = await makeRequest('pothole', john.id);
  });

  it('offers the category’s templates and the general ones, not others nor inactive ones', async () => {
    const { $ } = await page(handler.agent, `/staff/requests/${forMaria.url}`);
    const offered = $('#template option')
      .map((_i, o) => $(o).text())
      .get();
    expect(offered).toEqual(['Επιλέξτε πρότυπο', 'Λακκούβα: επισκευάστηκε', 'Ευχαριστούμε']);
  });

  it('fills the answer without JavaScript, in the citizen’s language when the template has it', async () => {
    const general = await templateId('Ευχαριστούμε');
    const pothole = await templateId('Λακκούβα: επισκευάστηκε');
    const greek = await page(handler.agent, `/staff/requests/${forMaria.url}?template=${general}`);
    expect(greek.res.status).toBe(200);
    expect(greek.$('#answer').text()).toBe('Σας ευχαριστούμε για την αναφορά σας.');
    expect(greek.$('#template option:selected').text()).toBe('Ευχαριστούμε');
    const english = await page(handler.agent, `/staff/requests/${forJohn.url}?template=${general}`);
    expect(english.$('#answer').text()).toBe('Thank you for your report.');
    // No English text: the Greek one.
    const fallback = await page(
      handler.agent,
      `/staff/requests/${forJohn.url}?template=${pothole}`,
    );
    expect(fallback.$('#answer').text()).toBe('Η λακκούβα επισκευάστηκε από το συνεργείο.');
    // The picker is a GET form of its own (no token in the address), pointing at the answer.
    const form = greek.$('form#template-picker');
    expect(form.attr('method')).toBe('get');
    expect(form.find('input[name="_csrf"]').length).toBe(0);
  });

  it('says at the field that a template is not offered here, in Greek and in English', async () => {
    const other = await templateId('Κάδοι: άδειασαν σήμερα');
    const el = await page(handler.agent, `/staff/requests/${forMaria.url}?template=${other}`);
    expect(el.res.status).toBe(400);
    expect(el.$('#template-error').text()).toContain('Επιλέξτε ένα από τα πρότυπα');
    expect(el.$('#answer').text()).toBe('');
    const en = await page(handler.agent, `/staff/requests/${forMaria.url}?template=x&lang=en`);
    expect(en.$('#template-error').text()).toContain('Choose one of the templates');
    await handler.agent.get(`/staff/requests/${forMaria.url}?lang=el`);
  });

  it('sends what the handler made of the template', async () => {
    await drainMail(ctx.deps);
    const res = await postForm(
      handler.agent,
      `/staff/requests/${forMaria.url}`,
      `/staff/requests/${forMaria.url}/answer`,
      { answer: 'Σας ευχαριστούμε για την αναφορά σας. Το συνεργείο πέρασε την Τρίτη.' },
    );
    expect(res.status).toBe(303);
    const mail = (await drainMail(ctx.deps)).find((m) => m.to === 'user.tpl-maria@example.gr');
    expect(mail?.text).toContain('Το συνεργείο πέρασε την Τρίτη.');
  });
});

describe('documents attached to a request', () => {
  let req: { id: number; url: string };
  let strangers: { id: number; url: string };
  let follower: { agent: Agent; id: number };
  let publicId: number;
  let internalId: number;

  beforeAll(async () => {
    req = await makeRequest('pothole', maria.id);
    strangers = await makeRequest('pothole', stranger.id);
    follower = await citizen('tpl-follower', 'en');
    await ctx.db('request_followers').insert({ request_id: req.id, user_id: follower.id });
  });

  it('attaches a public PDF: a timeline entry, an audit entry, an email to the citizen and followers', async () => {
    await drainMail(ctx.deps);
    const before = await storedFiles();
    const res = await upload(
      handler.agent,
      req.url,
      { audience: 'public' },
      { content: pdf, name: 'Αυτοψία οδού.pdf' },
    );
    expect(res.status).toBe(303);
    const row = (await ctx.db('request_documents').where({ request_id: req.id }).first()) as {
      id: number;
      original_name: string;
      size: number;
      public: boolean;
      uploaded_by: number;
      event_id: number;
      stored_name: string;
    };
    publicId = row.id;
    expect(row).toMatchObject({
      original_name: 'Αυτοψία οδού.pdf',
      size: pdf.length,
      public: true,
      uploaded_by: handler.id,
    });
    expect(row.stored_name).toMatch(/^[0-9a-f-]{36}\.pdf$/);
    expect(await storedFiles()).toHaveLength(before.length + 1);
    const event: unknown = await ctx.db('request_events').where({ id: row.event_id }).first();
    expect(event).toMatchObject({ kind: 'document', actor_id: handler.id });
    const audit: unknown = await ctx
      .db('audit_log')
      .where({ action: 'request.document_attached', entity_id: req.id })
      .first();
    expect(audit).toMatchObject({ actor_id: handler.id, user_id: maria.id });
    const mails = await drainMail(ctx.deps);
    expect(mails.map((m) => m.to).sort()).toEqual([
      'user.tpl-follower@example.gr',
      'user.tpl-maria@example.gr',
    ]);
    expect(mails.find((m) => m.to === 'user.tpl-maria@example.gr')?.text).toContain(
      'επισύναψε ένα έγγραφο',
    );
    expect(mails.find((m) => m.to === 'user.tpl-follower@example.gr')?.text).toContain(
      'attached a document',
    );
  });

  it('attaches an internal PDF: no email, no entry the citizen sees', async () => {
    await drainMail(ctx.deps);
    const events = await ctx.db('request_events').where({ request_id: req.id });
    const res = await upload(
      handler.agent,
      req.url,
      { audience: 'internal' },
      { content: pdf, name: 'Εσωτερικό σημείωμα.pdf' },
    );
    expect(res.status).toBe(303);
    const row = (await ctx
      .db('request_documents')
      .where({ request_id: req.id, public: false })
      .first()) as { id: number; event_id: number | null };
    internalId = row.id;
    expect(row.event_id).toBeNull();
    expect(await ctx.db('request_events').where({ request_id: req.id })).toHaveLength(
      events.length,
    );
    expect(await drainMail(ctx.deps)).toEqual([]);
    expect(
      await ctx.db('audit_log').where({ action: 'request.document_attached', entity_id: req.id }),
    ).toHaveLength(2);
  });

  it('shows both to the handler, the internal one marked, in the timeline and the list', async () => {
    const { $ } = await page(handler.agent, `/staff/requests/${req.url}`);
    const base = `/staff/requests/${req.url}/documents`;
    expect($(`.app-documents a[href="${base}/${publicId}"]`).text()).toBe('Αυτοψία οδού.pdf');
    const internal = $(`.app-documents a[href="${base}/${internalId}"]`).closest('li');
    expect(internal.text()).toContain('Εσωτερικό');
    const timeline = $('.app-timeline').text();
    expect(timeline).toContain('Αυτοψία οδού.pdf');
    expect(timeline).toContain('Εσωτερικό σημείωμα.pdf');
    const download = await handler.agent.get(`${base}/${internalId}`).buffer(true);
    expect(download.status).toBe(200);
    expect((download.body as Buffer).equals(pdf)).toBe(true);
  });

  it('lets the citizen and followers download the public one, as an attachment PDF', async () => {
    const { $ } = await page(maria.agent, `/requests/${req.url}`);
    const links = $('.app-documents a')
      .map((_i, a) => $(a).attr('href'))
      .get();
    expect(links).toEqual([`/requests/${req.url}/documents/${publicId}`]);
    expect($('main').text()).not.toContain('Εσωτερικό σημείωμα');
    for (const agent of [maria.agent, follower.agent]) {
      const res = await agent.get(`/requests/${req.url}/documents/${publicId}`).buffer(true);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename=/);
      expect(res.headers['content-disposition']).toContain(
        `filename*=UTF-8''${encodeURIComponent('Αυτοψία οδού.pdf')}`,
      );
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toContain('private');
      expect((res.body as Buffer).equals(pdf)).toBe(true);
    }
  });

  it('never serves an internal document, or another citizen’s, to a citizen (404)', async () => {
    const tries: [Agent, string][] = [
      [maria.agent, `/requests/${req.url}/documents/${internalId}`],
      [follower.agent, `/requests/${req.url}/documents/${internalId}`],
      [stranger.agent, `/requests/${req.url}/documents/${publicId}`],
      [stranger.agent, `/requests/${req.url}/documents/${internalId}`],
      // Their own request's address with another request's document.
      [stranger.agent, `/requests/${strangers.url}/documents/${publicId}`],
      [maria.agent, `/requests/${req.url}/documents/999999`],
      [maria.agent, `/requests/${req.url}/documents/abc`],
    ];
    for (const [agent, url] of tries) {
      const res = await agent.get(url);
      expect(res.status, url).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
    }
    expect((await stranger.agent.get(`/requests/${req.url}`)).status).toBe(404);
    const anonymous = await newAgent(ctx.app).get(`/requests/${req.url}/documents/${publicId}`);
    expect([302, 303]).toContain(anonymous.status);
  });

  it('is 404 for a handler of another department, to download and to attach', async () => {
    const base = `/staff/requests/${req.url}/documents`;
    expect((await otherHandler.agent.get(`${base}/${publicId}`)).status).toBe(404);
    expect(
      (await handler.agent.get(`/staff/requests/${strangers.url}/documents/${publicId}`)).status,
    ).toBe(404);
    const before = await storedFiles();
    const token = await csrfFrom(otherHandler.agent, '/staff/requests');
    const res = await otherHandler.agent
      .post(`${base}`)
      .field('_csrf', token)
      .field('audience', 'public')
      .attach('document', pdf, 'x.pdf');
    expect(res.status).toBe(404);
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses wrong, empty, too large and missing files and a missing choice, at the field, storing nothing', async () => {
    const before = await storedFiles();
    const count = await ctx.db('request_documents').where({ request_id: req.id });
    const notPdf = await upload(
      handler.agent,
      req.url,
      { audience: 'public' },
      { content: Buffer.from('GIF89a this is no pdf'), name: 'photo.pdf' },
    );
    expect(notPdf.status).toBe(400);
    let $ = cheerio.load(notPdf.text);
    expect($('#document-error').text()).toContain('PDF');
    expect($('#audience').attr('checked')).toBeDefined();
    const renamed = await upload(
      handler.agent,
      req.url,
      { audience: 'public' },
      {
        content: Buffer.from('<html><script>alert(1)</script>'),
        name: 'a.pdf',
        type: 'application/pdf',
      },
    );
    expect(cheerio.load(renamed.text)('#document-error').text()).toContain('PDF');
    const empty = await upload(
      handler.agent,
      req.url,
      { audience: 'public' },
      { content: Buffer.alloc(0), name: 'empty.pdf' },
    );
    expect(cheerio.load(empty.text)('#document-error').text()).toContain('κενό');
    const large = Buffer.concat([
      pdf.subarray(0, 100),
      Buffer.alloc(21 * 1024 * 1024, 32),
      Buffer.from('\n%%EOF\n'),
    ]);
    const tooLarge = await upload(
      handler.agent,
      req.url,
      { audience: 'internal' },
      { content: large, name: 'big.pdf' },
    );
    expect(tooLarge.status).toBe(400);
    expect(cheerio.load(tooLarge.text)('#document-error').text()).toContain('20 MB');
    const missing = await upload(handler.agent, req.url, {});
    expect(missing.status).toBe(400);
    $ = cheerio.load(missing.text);
    expect($('#document-error').text()).toContain('Επιλέξτε ένα αρχείο PDF');
    expect($('#audience-error').text()).toContain('Επιλέξτε αν');
    await handler.agent.get(`/staff/requests/${req.url}?lang=en`);
    const en = await upload(
      handler.agent,
      req.url,
      {},
      { content: Buffer.from('plain text'), name: 'x.txt', type: 'text/plain' },
    );
    $ = cheerio.load(en.text);
    expect($('#document-error').text()).toContain('must be a PDF');
    expect($('#audience-error').text()).toContain('Choose whether the citizen sees');
    await handler.agent.get(`/staff/requests/${req.url}?lang=el`);
    expect(await storedFiles()).toEqual(before);
    expect(await ctx.db('request_documents').where({ request_id: req.id })).toHaveLength(
      count.length,
    );
  });

  it('keeps a path in the sent name out of the store and out of the name, and wants the CSRF token', async () => {
    const res = await upload(
      handler.agent,
      req.url,
      { audience: 'internal' },
      { content: pdf, name: '../../../etc/passwd.pdf' },
    );
    expect(res.status).toBe(303);
    const row = (await ctx
      .db('request_documents')
      .where({ request_id: req.id })
      .orderBy('id', 'desc')
      .first()) as { original_name: string; stored_name: string };
    expect(row.original_name).toBe('passwd.pdf');
    expect((await storedFiles()).every((name) => /^[0-9a-f-]{36}\.pdf$/.test(name))).toBe(true);
    const noToken = await handler.agent
      .post(`/staff/requests/${req.url}/documents`)
      .field('audience', 'public')
      .attach('document', pdf, 'a.pdf');
    expect(noToken.status).toBe(403);
  });
});

describe('a closed request on the handler’s page', () => {
  let closed: { id: number; url: string };
  let overdue: { id: number; url: string };

  beforeAll(async () => {
    overdue = await makeRequest('pothole', maria.id, { due_date: '2026-01-10' });
    closed = await makeRequest('pothole', maria.id, {
      due_date: '2026-01-10',
      status: 'closed',
      closed_at: new Date('2026-02-01T10:00:00Z'),
    });
  });

  it('offers only a new status, visibility and documents, and is never shown as overdue', async () => {
    const forms = (html: string) =>
      cheerio
        .load(html)('form[method="post"]')
        .map((_i, f) => cheerio.load(f)('form').attr('action'))
        .get()
        .filter((action) => action.startsWith('/staff/requests/'))
        .map((action) => action.split('/').pop());
    const open = await page(handler.agent, `/staff/requests/${overdue.url}`);
    expect(open.$('.app-overdue').length).toBe(1);
    expect(forms(open.res.text)).toEqual(
      expect.arrayContaining(['assign', 'status', 'answer', 'merge', 'move', 'documents']),
    );
    const shut = await page(handler.agent, `/staff/requests/${closed.url}`);
    expect(shut.$('.app-overdue').length).toBe(0);
    const actions = forms(shut.res.text);
    expect(actions).toContain('status');
    expect(actions).toContain('documents');
    for (const gone of ['assign', 'answer', 'merge', 'move']) expect(actions).not.toContain(gone);
    expect(shut.$('#template-picker').length).toBe(0);
    expect(shut.$('.app-closed-note').text()).toContain('έχει κλείσει');
    expect(shut.$('main').text()).toContain('1 Φεβρουαρίου 2026, 12:00');
  });

  it('refuses those actions sent anyway, at the field, changing nothing', async () => {
    const p = `/staff/requests/${closed.url}`;
    const before = await ctx.db('request_events').where({ request_id: closed.id });
    const answer = await postForm(handler.agent, p, `${p}/answer`, { answer: 'Απάντηση' });
    expect(answer.status).toBe(400);
    // Said at the status form, the one the page offers.
    expect(cheerio.load(answer.text)('#status-error').text()).toContain('έχει κλείσει');
    const assign = await postForm(handler.agent, p, `${p}/assign`, {
      assignee: String(handler.id),
    });
    expect(assign.status).toBe(400);
    expect(await ctx.db('request_events').where({ request_id: closed.id })).toHaveLength(
      before.length,
    );
    // Reopening by a new status still works, and then the actions come back.
    const reopened = await postForm(handler.agent, p, `${p}/status`, {
      status: 'in_progress',
      publicNote: 'Ξανανοίγει για έλεγχο.',
    });
    expect(reopened.status).toBe(303);
    const again = await page(handler.agent, p);
    expect(again.$(`form[action="${p}/answer"]`).length).toBe(1);
  });

  it('names each timeline status once, and keeps who did what in the history', async () => {
    const { $ } = await page(handler.agent, `/staff/requests/${closed.url}`);
    const entries = $('.app-timeline > li')
      .map((_i, li) => $(li).text().replace(/\s+/g, ' ').trim())
      .get();
    expect(entries[0]).toContain('Υποβλήθηκε');
    expect(entries[0]).not.toContain('(Υποβλήθηκε)');
    expect(entries.at(-1)).toContain('Άνοιξε ξανά (Σε εξέλιξη)');
    const history = await page(handler.agent, `/staff/requests/${closed.url}/history`);
    expect(history.res.status).toBe(200);
    const text = history.$('main').text();
    expect(text).toContain('Αίτημα: αλλαγή κατάστασης');
    expect(text).toContain(handler.username);
    expect((await otherHandler.agent.get(`/staff/requests/${closed.url}/history`)).status).toBe(
      404,
    );
  });
});

describe('in a browser', () => {
  let req: { id: number; url: string };
  let closed: { id: number; url: string };

  beforeAll(async () => {
    req = await makeRequest('pothole', maria.id);
    closed = await makeRequest('pothole', maria.id, { status: 'closed', closed_at: new Date() });
    const token = await csrfFrom(handler.agent, `/staff/requests/${req.url}`);
    const res = await handler.agent
      .post(`/staff/requests/${req.url}/documents`)
      .field('_csrf', token)
      .field('audience', 'public')
      .attach('document', pdf, 'Απόφαση.pdf');
    expect(res.status).toBe(303);
  });

  async function signedIn(login: string, password: string, javaScriptEnabled = true) {
    const context = await browser.newContext({ javaScriptEnabled });
    const tab = await context.newPage();
    await tab.goto(`${ctx.baseUrl}/login`);
    await tab.fill('#login', login);
    await tab.fill('#password', password);
    await tab.click('form[action="/login"] button[type="submit"]');
    await tab.waitForURL((url) => !url.pathname.startsWith('/login'));
    return { context, tab };
  }
  const checkBoth = async (tab: Page, path: string) => {
    for (const lang of ['el', 'en']) {
      await tab.goto(`${ctx.baseUrl}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
      await expectAccessible(tab);
    }
  };

  it('the admins’ pages pass axe in Greek and English, errors included', async () => {
    const { context, tab } = await signedIn(admin.username, STAFF_PASSWORD);
    await checkBoth(tab, TEMPLATES);
    const id = (await ctx.db('request_reply_templates').first('id')) as { id: number };
    await checkBoth(tab, `${TEMPLATES}/${id.id}`);
    for (const lang of ['el', 'en']) {
      await tab.goto(`${ctx.baseUrl}${TEMPLATES}/new?lang=${lang}`);
      await tab.click(`form[action="${TEMPLATES}/new"] button[type="submit"]`);
      await tab.waitForSelector('.govuk-error-summary');
      await expectAccessible(tab);
    }
    await context.close();
  }, 180_000);

  it('the handler’s page passes axe, and a template fills the answer at once with JavaScript', async () => {
    const { context, tab } = await signedIn(handler.username, STAFF_PASSWORD);
    await checkBoth(tab, `/staff/requests/${req.url}`);
    await checkBoth(tab, `/staff/requests/${closed.url}`);
    await tab.goto(`${ctx.baseUrl}/staff/requests/${req.url}?lang=el`);
    await tab.selectOption('#template', { label: 'Ευχαριστούμε' });
    expect(await tab.inputValue('#answer')).toBe('Σας ευχαριστούμε για την αναφορά σας.');
    await tab.fill('#answer', 'Δικό μου κείμενο');
    await tab.selectOption('#template', { label: 'Λακκούβα: επισκευάστηκε' });
    // A change of choice keeps the handler's own words; the button replaces them, with no reload.
    expect(await tab.inputValue('#answer')).toBe('Δικό μου κείμενο');
    const before = tab.url();
    await tab.click('#template-picker button[type="submit"]');
    expect(await tab.inputValue('#answer')).toBe('Η λακκούβα επισκευάστηκε από το συνεργείο.');
    expect(tab.url()).toBe(before);
    // Errors on the upload form.
    await tab.click(`form[action="/staff/requests/${req.url}/documents"] button[type="submit"]`);
    await tab.waitForSelector('.govuk-error-summary');
    await expectAccessible(tab);
    await context.close();
  }, 180_000);

  it('without JavaScript, "Use template" reloads the page with the answer filled', async () => {
    const { context, tab } = await signedIn(handler.username, STAFF_PASSWORD, false);
    await tab.goto(`${ctx.baseUrl}/staff/requests/${req.url}?lang=el`);
    await tab.selectOption('#template', { label: 'Ευχαριστούμε' });
    await tab.click('#template-picker button[type="submit"]');
    await tab.waitForURL(/template=\d+/);
    expect(await tab.inputValue('#answer')).toBe('Σας ευχαριστούμε για την αναφορά σας.');
    await context.close();
  }, 180_000);

  it('the citizen’s page with its document passes axe in Greek and English', async () => {
    const { context, tab } = await signedIn(maria.username, CITIZEN_PASSWORD);
    await checkBoth(tab, `/requests/${req.url}`);
    expect(await tab.locator('.app-documents a').textContent()).toBe('Απόφαση.pdf');
    await context.close();
  }, 180_000);
});
