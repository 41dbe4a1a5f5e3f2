import * as cheerio from 'cheerio';
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
import { sendHandlerDigests } from '../../src/features/requests/staff/digest.job.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';
import { insertRequest } from '../helpers/requests.ts';

// Thursday 26 November 2026, 10:00 in Athens.
const NOW = new Date('2026-11-26T08:00:00Z');
const INTERNAL = 'Ο εργολάβος καθυστερεί ξανά';

let ctx: TestContext;
let technical: { agent: Agent; id: number };
let cleaning: { agent: Agent; id: number };
let maria: { id: number; agent: Agent };
let nikosId: number;

const dept = async (slug: string) =>
  ((await ctx.db('departments').where({ slug }).first('id')) as { id: number }).id;
const category = async (slug: string) =>
  (await ctx.db('request_categories').where({ slug }).first('id', 'department_id')) as {
    id: number;
    department_id: number;
  };

/** A request of Maria's straight in the database; returns its reference as in addresses. */
const makeRequest = (slug: string, extra: Record<string, unknown> = {}) =>
  insertRequest(ctx.db, maria.id, slug, extra);

/** The request's row as the database has it now. */
const rowOf = async (id: number) =>
  (await ctx.db('requests').where({ id }).first()) as {
    status: string;
    assignee_id: number | null;
    merged_into: number | null;
    department_id: number;
    public: boolean;
  };
const page = (agent: Agent, path: string) =>
  agent.get(path).then((res) => ({ res, $: cheerio.load(res.text) }));
const auditRows = (action: string, id: number) =>
  ctx.db('audit_log').where({ action, entity_type: 'request', entity_id: id });
const lastEvent = async (id: number) =>
  (await ctx.db('request_events').where({ request_id: id }).orderBy('id', 'desc').first()) as {
    kind: string;
    status: string | null;
    public_note: string | null;
    internal_note: string | null;
    actor_id: number | null;
  };

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => NOW } });
  technical = await signedInStaff(ctx.app, ctx.db, ['handler']);
  cleaning = await signedInStaff(ctx.app, ctx.db, ['handler']);
  await ctx.db('department_handlers').insert([
    { department_id: await dept('technical'), user_id: technical.id },
    { department_id: await dept('cleaning'), user_id: cleaning.id },
  ]);
  const user = await createActiveUser(ctx.db, 'handling-maria');
  const agent = newAgent(ctx.app);
  await signIn(agent, user.username, user.password);
  maria = { id: user.id, agent };
  nikosId = (await createActiveUser(ctx.db, 'handling-nikos', { lang: 'en' })).id;
});
afterAll(() => ctx.close());

describe('the handlers’ queue', () => {
  let pothole: { id: number; url: string };
  let late: { id: number; url: string };
  let bins: { id: number; url: string };

  beforeAll(async () => {
    pothole = await makeRequest('pothole', { title: 'Λακκούβα στη γέφυρα' });
    late = await makeRequest('light-out', {
      title: 'Σβηστή λάμπα',
      due_date: '2026-11-20',
      channel: 'phone',
      created_at: new Date('2026-11-02T10:00:00Z'),
    });
    await makeRequest('pavement', { status: 'closed', closed_at: NOW });
    bins = await makeRequest('waste-collection', { title: 'Γεμάτοι κάδοι' });
  });

  it('lists only the requests of the handler’s departments, with counts per status', async () => {
    const { res, $ } = await page(technical.agent, '/staff/requests');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Λακκούβα στη γέφυρα');
    expect(res.text).toContain('Σβηστή λάμπα');
    expect(res.text).not.toContain('Γεμάτοι κάδοι');
    expect($('[data-status="submitted"]').text()).toBe('2');
    expect($('[data-status="closed"]').text()).toBe('1');
    expect($('#results-count').text()).toContain('3 αιτήματα');
    const other = await page(cleaning.agent, '/staff/requests');
    expect(other.res.text).toContain('Γεμάτοι κάδοι');
    expect(other.res.text).not.toContain('Λακκούβα');
    // Another department, picked by hand, is no filter at all: still only theirs.
    const sneaky = await cleaning.agent.get(
      `/staff/requests?department=${await dept('technical')}`,
    );
    expect(sneaky.text).not.toContain('Λακκούβα');
  });

  it('marks overdue requests in red and filters by overdue, status, channel and category', async () => {
    const { $ } = await page(technical.agent, '/staff/requests');
    const lateRow = $(`a[href="/staff/requests/${late.url}"]`).closest('tr');
    expect(lateRow.find('.govuk-tag--red').length).toBe(1);
    const potholeRow = $(`a[href="/staff/requests/${pothole.url}"]`).closest('tr');
    expect(potholeRow.find('.govuk-tag--red').length).toBe(0);
    const only = async (query: string) =>
      cheerio
        .load((await technical.agent.get(`/staff/requests?${query}`)).text)('tbody tr a')
        .map((_i, a) => cheerio.load(a)('a').text())
        .get();
    expect(await only('overdue=yes')).toEqual([`ΑΙΤ-${late.url}`]);
    expect(await only('channel=phone')).toEqual([`ΑΙΤ-${late.url}`]);
    expect(await only('status=closed')).toHaveLength(1);
    const lightOut = (await category('light-out')).id;
    expect(await only(`category=${lightOut}`)).toEqual([`ΑΙΤ-${late.url}`]);
    expect(await only('sort=oldest')).toHaveLength(3);
    expect((await only('sort=oldest'))[0]).toBe(`ΑΙΤ-${late.url}`);
  });

  it('finds a request by its reference, either way written, or by words; filters by filing date', async () => {
    const only = async (query: string) =>
      cheerio
        .load((await technical.agent.get(`/staff/requests?${query}`)).text)('tbody tr a')
        .map((_i, a) => cheerio.load(a)('a').text())
        .get();
    expect(await only(`q=${encodeURIComponent(`ΑΙΤ-${pothole.url}`)}`)).toEqual([
      `ΑΙΤ-${pothole.url}`,
    ]);
    expect(await only(`q=${pothole.url}`)).toEqual([`ΑΙΤ-${pothole.url}`]);
    expect(await only(`q=${encodeURIComponent('γέφυρα')}`)).toEqual([`ΑΙΤ-${pothole.url}`]);
    expect(await only(`q=${encodeURIComponent('100%_')}`)).toEqual([]);
    expect(await only('from=2026-11-10')).not.toContain(`ΑΙΤ-${late.url}`);
    expect(await only('to-day=5&to-month=11&to-year=2026')).toEqual([`ΑΙΤ-${late.url}`]);
  });

  it('says at the field that a date does not exist, in Greek and in English', async () => {
    const el = await page(
      technical.agent,
      '/staff/requests?from-day=31&from-month=2&from-year=2026',
    );
    expect(el.res.status).toBe(400);
    expect(el.$('#from-error').text()).toContain('Υποβολή από');
    const en = await page(
      technical.agent,
      '/staff/requests?lang=en&from-day=31&from-month=2&from-year=2026',
    );
    expect(en.$('#from-error').text()).toContain('Filed from');
    await technical.agent.get('/staff/requests?lang=el');
  });

  it('answers 404 to a handler of another department, for the page and every action', async () => {
    expect((await cleaning.agent.get(`/staff/requests/${pothole.url}`)).status).toBe(404);
    expect((await technical.agent.get(`/staff/requests/${bins.url}`)).status).toBe(404);
    const _csrf = await csrfFrom(cleaning.agent, '/staff/requests');
    const forms: Record<string, Record<string, string>> = {
      assign: { assignee: String(cleaning.id) },
      status: { status: 'closed', publicNote: 'x' },
      answer: { answer: 'x' },
      merge: { target: bins.url },
      move: { category: String((await category('bulky-items')).id) },
      visibility: { public: 'yes' },
    };
    for (const [action, fields] of Object.entries(forms)) {
      const res = await cleaning.agent
        .post(`/staff/requests/${pothole.url}/${action}`)
        .type('form')
        .send({ _csrf, ...fields });
      expect(res.status, action).toBe(404);
    }
    expect(await ctx.db('request_events').where({ request_id: pothole.id })).toHaveLength(1);
  });

  it('answers odd addresses and queries with a page, never a 500', async () => {
    const huge = '9'.repeat(400);
    for (const path of [
      '/staff/requests/0',
      '/staff/requests/2026-0',
      `/staff/requests/${huge}`,
      `/staff/requests?page=${huge}`,
      `/staff/requests?q=${huge}&status=%7B&category=-1&department=x&channel=y&sort=z`,
      `/staff/requests?from-day=${huge}&from-month=1&from-year=2026`,
      '/staff/requests?from=2026-02-31&to=nonsense',
    ]) {
      const res = await technical.agent.get(path);
      expect(res.status, path).toBeLessThan(500);
    }
    const bad = await page(technical.agent, '/staff/requests?from=2026-11-20&to=2026-11-01');
    expect(bad.$('#to-error').text()).toContain('πριν');
    const iso = await page(technical.agent, '/staff/requests?from=2026-02-31');
    expect(iso.res.status).toBe(400);
    expect(iso.$('#from-error').text()).toContain('δεν υπάρχει');
  });

  it('sends a page past the last to the first, with the same filters', async () => {
    for (const [path, first] of [
      ['/staff/requests?page=2', '/staff/requests?page=1'],
      ['/staff/requests?page=999999', '/staff/requests?page=1'],
      [
        '/staff/requests?status=submitted&channel=phone&sort=oldest&page=7',
        '/staff/requests?status=submitted&channel=phone&sort=oldest&page=1',
      ],
      // Nothing matches: page 1 says so; page 2 does not exist.
      ['/staff/requests?q=nothing-like-this&page=2', '/staff/requests?q=nothing-like-this&page=1'],
    ] as const) {
      const res = await technical.agent.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.location, path).toBe(first);
    }
    const { res, $ } = await page(
      technical.agent,
      '/staff/requests?status=submitted&channel=phone&sort=oldest&page=1',
    );
    expect(res.status).toBe(200);
    expect($('#results-count').text()).toContain('1 αίτημα');
    expect(res.text).toContain('Σβηστή λάμπα');
    expect((await technical.agent.get('/staff/requests?page=1')).status).toBe(200);
  });

  it('offers to clear the filters only when one is set', async () => {
    const clear = ($: cheerio.CheerioAPI) => $('#results-count a[href="/staff/requests"]').length;
    for (const path of ['/staff/requests', '/staff/requests?page=1', '/staff/requests?sort=due'])
      expect(clear((await page(technical.agent, path)).$), path).toBe(0);
    for (const path of [
      '/staff/requests?status=closed',
      '/staff/requests?q=%CE%BB%CE%AC%CE%BC%CF%80%CE%B1',
      '/staff/requests?overdue=yes',
      `/staff/requests?department=${await dept('technical')}`,
      '/staff/requests?from-day=1&from-month=11&from-year=2026',
    ])
      expect(clear((await page(technical.agent, path)).$), path).toBe(1);
  });

  it('refuses citizens and other staff roles', async () => {
    expect((await maria.agent.get('/staff/requests')).status).toBe(403);
    const editor = await signedInStaff(ctx.app, ctx.db, ['editor']);
    expect((await editor.agent.get(`/staff/requests/${pothole.url}`)).status).toBe(403);
  });
});

describe('acting on a request', () => {
  let req: { id: number; url: string };
  let path: string;

  beforeAll(async () => {
    req = await makeRequest('pothole', { title: 'Λακκούβα μπροστά στο σχολείο' });
    path = `/staff/requests/${req.url}`;
    await ctx.db('request_followers').insert({ request_id: req.id, user_id: nikosId });
    await drainMail(ctx.deps);
  });

  const send = (action: string, fields: Record<string, string>) =>
    postForm(technical.agent, path, `${path}/${action}`, fields);
  const mails = async () => {
    const all = await drainMail(ctx.deps);
    return {
      maria: all.find((m) => m.to === 'user.handling-maria@example.gr'),
      nikos: all.find((m) => m.to === 'user.handling-nikos@example.gr'),
      all,
    };
  };

  it('shows the request with the citizen’s name and email to its handler', async () => {
    const { res, $ } = await page(technical.agent, path);
    expect(res.status).toBe(200);
    expect($('h1').text()).toBe('Λακκούβα μπροστά στο σχολείο');
    expect(res.text).toContain('user.handling-maria@example.gr');
    expect(res.text).toContain('Πολίτης handling-maria');
  });

  it('assigns it to me: the status, an event and an audit entry', async () => {
    const res = await send('assign', { assignee: String(technical.id) });
    expect(res.status).toBe(303);
    const row = await rowOf(req.id);
    expect(row).toMatchObject({ assignee_id: technical.id, status: 'assigned' });
    expect(await lastEvent(req.id)).toMatchObject({ kind: 'assigned', actor_id: technical.id });
    expect(await auditRows('request.assigned', req.id)).toHaveLength(1);
    const other = await send('assign', { assignee: String(cleaning.id) });
    expect(other.status).toBe(400);
    expect(cheerio.load(other.text)('#assignee-error').text()).toContain('χειριστή');
    // Assigning again to the same person records nothing twice.
    const again = await send('assign', { assignee: String(technical.id) });
    expect(again.status).toBe(400);
    expect(cheerio.load(again.text)('#assignee-error').text()).toContain('έχει ήδη ανατεθεί');
    expect(await auditRows('request.assigned', req.id)).toHaveLength(1);
  });

  it('changes the status with a public note (emailed) and an internal note (never sent)', async () => {
    const res = await send('status', {
      status: 'in_progress',
      publicNote: 'Το συνεργείο θα έρθει την Τρίτη.',
      internalNote: INTERNAL,
    });
    expect(res.status).toBe(303);
    expect((await rowOf(req.id)).status).toBe('in_progress');
    expect(await lastEvent(req.id)).toMatchObject({
      kind: 'status',
      status: 'in_progress',
      internal_note: INTERNAL,
    });
    expect(await auditRows('request.status_changed', req.id)).toHaveLength(1);
    const { maria: toMaria, nikos: toNikos, all } = await mails();
    expect(toMaria?.text).toContain('Το συνεργείο θα έρθει την Τρίτη.');
    expect(toMaria?.subject).toContain(`ΑΙΤ-${req.url}`);
    expect(toNikos?.text).toContain('In progress');
    for (const mail of all) expect(mail.text + mail.html).not.toContain(INTERNAL);
    const staffPage = await technical.agent.get(path);
    expect(cheerio.load(staffPage.text)('.app-internal-note').text()).toContain(INTERNAL);
  });

  it('answers officially: a public event of its own, emailed', async () => {
    const res = await send('answer', { answer: 'Η λακκούβα επισκευάστηκε.' });
    expect(res.status).toBe(303);
    expect((await rowOf(req.id)).status).toBe('answered');
    expect(await lastEvent(req.id)).toMatchObject({
      kind: 'answer',
      public_note: 'Η λακκούβα επισκευάστηκε.',
    });
    expect(await auditRows('request.answered', req.id)).toHaveLength(1);
    const { maria: toMaria, nikos: toNikos } = await mails();
    expect(toMaria?.text).toContain('Η λακκούβα επισκευάστηκε.');
    expect(toNikos?.text).toContain('answered');
  });

  it('lets the citizen see the public note and the answer, never the internal note', async () => {
    const res = await maria.agent.get(`/requests/${req.url}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Το συνεργείο θα έρθει την Τρίτη.');
    expect(res.text).toContain('Η λακκούβα επισκευάστηκε.');
    expect(res.text).not.toContain(INTERNAL);
  });

  it('marks it public only when its category may be public', async () => {
    expect((await send('visibility', { public: 'yes' })).status).toBe(303);
    expect((await rowOf(req.id)).public).toBe(true);
    expect(await auditRows('request.visibility_changed', req.id)).toHaveLength(1);
    const noise = await makeRequest('stray-animals');
    await ctx.db('department_handlers').insert({
      department_id: await dept('animals'),
      user_id: technical.id,
    });
    const p = `/staff/requests/${noise.url}`;
    const _csrf = await csrfFrom(technical.agent, p);
    const refused = await technical.agent
      .post(`${p}/visibility`)
      .type('form')
      .send({ _csrf, public: 'yes' });
    expect(refused.status).toBe(400);
    expect(cheerio.load(refused.text)('#public').text()).toContain('δεν δημοσιεύονται');
  });

  it('says beside the publish control whether the citizen agreed to show their name', async () => {
    const visibilityBox = ($: cheerio.CheerioAPI) =>
      $('form[action$="/visibility"]').prevAll('p.govuk-body').text();
    const agreed = await makeRequest('pothole', { show_name: true });
    const declined = await makeRequest('pothole');
    const agreedPage = await page(technical.agent, `/staff/requests/${agreed.url}`);
    expect(agreedPage.$('.app-show-name').text()).toBe(
      'Ο πολίτης συμφώνησε να φαίνεται το όνομά του στη δημόσια λίστα.',
    );
    expect(visibilityBox(agreedPage.$)).toContain('συμφώνησε να φαίνεται το όνομά του');
    // The box no longer promises "without personal details" while a name may show.
    expect(agreedPage.res.text).not.toContain('χωρίς προσωπικά στοιχεία');
    const english = await page(technical.agent, `/staff/requests/${declined.url}?lang=en`);
    expect(english.$('.app-show-name').text()).toBe(
      'The citizen did not agree to show their name on the public list.',
    );
    await technical.agent.get('/staff/requests?lang=el');
    // A published request says how it is shown, names only with consent.
    await ctx.db('requests').where({ id: agreed.id }).update({ public: true });
    const published = await page(technical.agent, `/staff/requests/${agreed.url}`);
    expect(published.$('h2:contains("Δημοσιότητα") + p').text()).toContain(
      'με το όνομα του πολίτη μόνο αν συμφώνησε',
    );
  });

  it('says at the field what is wrong, in Greek and in English, and changes nothing', async () => {
    const before = await ctx.db('request_events').where({ request_id: req.id });
    const empty = await send('status', { status: 'closed', publicNote: ' ', internalNote: '' });
    expect(empty.status).toBe(400);
    expect(cheerio.load(empty.text)('#publicNote-error').text()).toContain('Συμπληρώστε');
    const merged = await send('status', { status: 'merged', publicNote: 'x' });
    expect(cheerio.load(merged.text)('#status-error').text()).toContain('καταστάσεις');
    const unknown = await send('merge', { target: 'ΑΙΤ-2026-999999' });
    expect(cheerio.load(unknown.text)('#target-error').text()).toContain('Δεν βρέθηκε');
    const itself = await send('merge', { target: req.url });
    expect(cheerio.load(itself.text)('#target-error').text()).toContain('εαυτό');
    await technical.agent.get(`${path}?lang=en`);
    const en = await send('merge', { target: 'nonsense' });
    expect(cheerio.load(en.text)('#target-error').text()).toContain('No request');
    const enEmpty = await send('answer', { answer: '' });
    expect(cheerio.load(enEmpty.text)('#answer-error').text()).toContain('Fill in');
    await technical.agent.get(`${path}?lang=el`);
    expect(await ctx.db('request_events').where({ request_id: req.id })).toHaveLength(
      before.length,
    );
  });

  it('moves it to another department: the citizen is told, the handler no longer sees it', async () => {
    const moved = await makeRequest('pothole', { title: 'Δέντρο στον δρόμο' });
    const p = `/staff/requests/${moved.url}`;
    await drainMail(ctx.deps);
    const res = await postForm(technical.agent, p, `${p}/move`, {
      category: String((await category('tree-pruning')).id),
      moveNote: 'Αρμόδιο είναι το Τμήμα Πρασίνου.',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff/requests');
    const row = await rowOf(moved.id);
    expect(row.department_id).toBe(await dept('green'));
    expect(await lastEvent(moved.id)).toMatchObject({ kind: 'moved' });
    expect(await auditRows('request.moved', moved.id)).toHaveLength(1);
    const { maria: toMaria } = await mails();
    expect(toMaria?.text).toContain('Τμήμα Πρασίνου');
    expect((await technical.agent.get(p)).status).toBe(404);
  });

  it('merges a duplicate into its original: its citizen follows the original and is told', async () => {
    const original = await makeRequest('pothole', { user_id: nikosId, title: 'Η αρχική' });
    const duplicate = await makeRequest('pothole', { title: 'Το διπλό' });
    const p = `/staff/requests/${duplicate.url}`;
    await drainMail(ctx.deps);
    const res = await postForm(technical.agent, p, `${p}/merge`, {
      target: `ΑΙΤ-${original.url}`,
      mergeNote: 'Ίδιο σημείο.',
    });
    expect(res.status).toBe(303);
    const row = await rowOf(duplicate.id);
    expect(row).toMatchObject({ status: 'merged', merged_into: original.id });
    expect(await lastEvent(duplicate.id)).toMatchObject({ kind: 'merged', status: 'merged' });
    expect(await auditRows('request.merged', duplicate.id)).toHaveLength(1);
    expect(
      await ctx.db('request_followers').where({ request_id: original.id, user_id: maria.id }),
    ).toHaveLength(1);
    const { maria: toMaria } = await mails();
    expect(toMaria?.text).toContain(`ΑΙΤ-${original.url}`);
    expect((await maria.agent.get(`/requests/${original.url}`)).status).toBe(200);
    // A merged request takes no more actions; merging into it is refused too.
    const again = await postForm(technical.agent, p, `${p}/answer`, { answer: 'x' });
    expect(again.status).toBe(400);
    const other = await makeRequest('pothole');
    const q = `/staff/requests/${other.url}`;
    const into = await postForm(technical.agent, q, `${q}/merge`, { target: duplicate.url });
    expect(cheerio.load(into.text)('#target-error').text()).toContain('αρχικού');
  });
});

describe('a new request', () => {
  it('is emailed to the department’s handlers, except those who chose the daily digest', async () => {
    const digest = await signedInStaff(ctx.app, ctx.db, ['handler']);
    await ctx.db('department_handlers').insert({
      department_id: await dept('technical'),
      user_id: digest.id,
      daily_digest: true,
    });
    await drainMail(ctx.deps);
    const step1 = await postForm(maria.agent, '/requests/new', '/requests/new', {
      address: 'Πλατεία Βενιζέλου',
      lat: '',
      lng: '',
      category: String((await category('pothole')).id),
    });
    expect(step1.status).toBe(303);
    await maria.agent.get('/requests/new/similar');
    const filed = await postForm(maria.agent, '/requests/new/details', '/requests/new/details', {
      kind: 'request',
      title: 'Νέα λακκούβα',
      description: 'Στη γωνία.',
    });
    expect(filed.status).toBe(303);
    const sent = await drainMail(ctx.deps);
    const handlerMail = sent.find(
      (m) => m.to.startsWith(`staff.handler.`) && m.subject.includes('Νέα λακκούβα'),
    );
    expect(handlerMail?.text).toContain('/staff/requests/2026-');
    const recipients = sent.map((m) => m.to);
    expect(recipients.filter((to) => to.startsWith('staff.handler.'))).toHaveLength(1);
    expect(recipients).not.toContain(`${digest.username}@example.gov.gr`);
  });
});

describe('the daily digest', () => {
  it('sends each handler who chose it yesterday’s new requests once, however often it runs', async () => {
    const reader = await signedInStaff(ctx.app, ctx.db, ['handler']);
    await ctx.db('department_handlers').insert({
      department_id: await dept('green'),
      user_id: reader.id,
      daily_digest: true,
    });
    const yesterday = await makeRequest('parks', {
      title: 'Σπασμένη κούνια',
      created_at: new Date('2026-11-25T09:00:00Z'),
    });
    await makeRequest('parks', { title: 'Σημερινό', created_at: NOW });
    await drainMail(ctx.deps);
    expect(await sendHandlerDigests(ctx.deps)).toBe(1);
    expect(await sendHandlerDigests(ctx.deps)).toBe(0);
    const digests = (await drainMail(ctx.deps)).filter(
      (m) => m.to === `${reader.username}@example.gov.gr`,
    );
    expect(digests).toHaveLength(1);
    expect(digests[0]!.text).toContain(`/staff/requests/${yesterday.url}`);
    expect(digests[0]!.text).toContain('Σπασμένη κούνια');
    expect(digests[0]!.text).not.toContain('Σημερινό');
  });
});
