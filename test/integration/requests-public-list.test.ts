import * as cheerio from 'cheerio';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createActiveUser, newAgent, postForm, signIn } from '../helpers/accounts.ts';
import { departmentId, insertRequest, insertRequestPhoto } from '../helpers/requests.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

// Thursday 26 November 2026, 10:00 in Athens.
const NOW = new Date('2026-11-26T08:00:00Z');
const days = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
// A street-only category's point: these digits must never reach a page or the feed.
const HIDDEN_POINT = { lat: 35.187654, lng: 25.713579 };

let ctx: TestContext;
let handler: { agent: Agent; id: number };
let maria: { id: number; agent: Agent };
type Seeded =
  | 'named'
  | 'anonymous'
  | 'private'
  | 'notPublicCategory'
  | 'street'
  | 'closedLately'
  | 'closedLongAgo'
  | 'merged';
/** The requests every test reads (their references as in addresses, their ids). */
const r = {} as Record<Seeded, { id: number; url: string }>;
const ABSENT = ['private', 'notPublicCategory', 'closedLongAgo', 'merged'] as const;
const photos = {} as Record<'approved' | 'unapproved' | 'ofPrivate' | 'ofHiddenCategory', number>;

const anonymous = (path: string) => request(ctx.app).get(path);
const page = async (path: string) => {
  const res = await anonymous(path);
  return { res, $: cheerio.load(res.text) };
};
/** The references a page of the list shows, as in addresses. */
const listed = ($: cheerio.CheerioAPI) =>
  $('.app-public-requests h3 a')
    .map((_i, a) => $(a).attr('href')!.replace('/requests/public/', ''))
    .get();

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => NOW } });
  const staff = await signedInStaff(ctx.app, ctx.db, ['handler']);
  handler = staff;
  await ctx.db('department_handlers').insert({
    department_id: await departmentId(ctx.db, 'technical'),
    user_id: staff.id,
  });
  const user = await createActiveUser(ctx.db, 'public-maria', { full_name: 'Μαρία Παπαδάκη' });
  const agent = newAgent(ctx.app);
  await signIn(agent, user.username, user.password);
  maria = { id: user.id, agent };
  // Pavements show only their street: a broken pavement is in front of someone's door.
  await ctx.db('request_categories').where({ slug: 'pavement' }).update({
    public_location: 'street',
  });
  const at = (n: number) => ({ created_at: days(n), updated_at: days(n) });
  r.named = await insertRequest(ctx.db, maria.id, 'pothole', {
    ...at(3),
    title: 'Λακκούβα στην Κουντούρου',
    address: 'Οδός Κουντούρου 5',
    lat: 35.1911,
    lng: 25.7164,
    status: 'in_progress',
    public: true,
    show_name: true,
  });
  r.anonymous = await insertRequest(ctx.db, maria.id, 'pothole', {
    ...at(4),
    title: 'Λακκούβα χωρίς όνομα',
    address: 'Πλατεία Βενιζέλου',
    public: true,
  });
  r.private = await insertRequest(ctx.db, maria.id, 'pothole', {
    ...at(2),
    title: 'Ιδιωτικό αίτημα',
    show_name: true,
  });
  r.notPublicCategory = await insertRequest(ctx.db, maria.id, 'stray-animals', {
    ...at(2),
    title: 'Αδέσποτα στη γειτονιά',
    public: true,
  });
  r.street = await insertRequest(ctx.db, maria.id, 'pavement', {
    ...at(5),
    title: 'Σπασμένο πεζοδρόμιο',
    address: 'Ρούσου Κουντούρου 12, μπροστά στο σπίτι της κυρίας',
    ...HIDDEN_POINT,
    public: true,
  });
  r.closedLately = await insertRequest(ctx.db, maria.id, 'pothole', {
    ...at(20),
    title: 'Λακκούβα που κλείστηκε',
    address: 'Λεωφόρος Κνωσού 3',
    status: 'closed',
    closed_at: days(10),
    public: true,
  });
  r.closedLongAgo = await insertRequest(ctx.db, maria.id, 'pothole', {
    ...at(60),
    title: 'Παλιά λακκούβα',
    status: 'closed',
    closed_at: days(40),
    public: true,
  });
  r.merged = await insertRequest(ctx.db, maria.id, 'pothole', {
    ...at(3),
    title: 'Διπλή λακκούβα',
    status: 'merged',
    merged_into: r.named.id,
    public: true,
  });
  await ctx.db('request_events').insert([
    {
      request_id: r.named.id,
      kind: 'status',
      status: 'in_progress',
      actor_id: handler.id,
      public_note: 'Συνεργείο θα έρθει την Παρασκευή.',
      internal_note: 'ΕΣΩΤΕΡΙΚΟ: να πάει ο Γιώργος',
      created_at: days(2),
    },
    {
      request_id: r.named.id,
      kind: 'comment',
      actor_id: maria.id,
      by_citizen: true,
      public_note: 'Ο γείτονας στο 7 έχει πέσει ήδη δύο φορές',
      created_at: days(1),
    },
  ]);
  photos.approved = await insertRequestPhoto(ctx.deps, r.named.id, { approvedBy: handler.id });
  photos.unapproved = await insertRequestPhoto(ctx.deps, r.named.id);
  photos.ofPrivate = await insertRequestPhoto(ctx.deps, r.private.id, { approvedBy: handler.id });
  photos.ofHiddenCategory = await insertRequestPhoto(ctx.deps, r.notPublicCategory.id, {
    approvedBy: handler.id,
  });
});
afterAll(() => ctx.close());

describe('the public list of known problems', () => {
  it('shows anyone, without an account, only what the department published', async () => {
    const { res, $ } = await page('/requests/public');
    expect(res.status).toBe(200);
    // No session is started for an anonymous reader.
    expect(res.headers['set-cookie']).toBeUndefined();
    const shown = listed($);
    expect(shown).toEqual([r.named.url, r.anonymous.url, r.street.url, r.closedLately.url]);
    for (const absent of ABSENT) expect(shown, absent).not.toContain(r[absent].url);
    expect(res.text).not.toContain('Ιδιωτικό αίτημα');
    expect(res.text).not.toContain('Αδέσποτα στη γειτονιά');
    const item = $(`.app-public-requests li:has(a[href="/requests/public/${r.named.url}"])`);
    expect(item.text()).toContain('Λακκούβα');
    expect(item.text()).toContain('Οδός Κουντούρου 5');
    expect(item.text()).toContain('Σε εξέλιξη');
    expect(item.text()).toContain('Συνεργείο θα έρθει την Παρασκευή.');
    // Staff's internal notes and the citizen's own comments are never public.
    expect(res.text).not.toContain('ΕΣΩΤΕΡΙΚΟ');
    expect(res.text).not.toContain('Ο γείτονας στο 7');
    expect(res.text).not.toContain(`user.public-maria@example.gr`);
  });

  it('lists the same requests through Open311 as on the page, none of a category that may not be public', async () => {
    const res = await request(ctx.app).get('/open311/v2/requests.json');
    expect(res.status).toBe(200);
    const ids = (res.body as { service_request_id: string }[]).map((r) => r.service_request_id);
    for (const shown of [r.named, r.anonymous, r.street]) expect(ids).toContain(shown.url);
    expect(ids).not.toContain(r.notPublicCategory.url);
    expect(ids).not.toContain(r.private.url);
  });

  it('names the citizen only when they allowed it', async () => {
    const { $ } = await page('/requests/public');
    const item = (url: string) =>
      $(`.app-public-requests li:has(a[href="/requests/public/${url}"])`);
    expect(item(r.named.url).text()).toContain('Μαρία Παπαδάκη');
    expect(item(r.anonymous.url).text()).not.toContain('Μαρία Παπαδάκη');
    const anonymousPage = await page(`/requests/public/${r.anonymous.url}`);
    expect(anonymousPage.res.text).not.toContain('Μαρία Παπαδάκη');
    const namedPage = await page(`/requests/public/${r.named.url}`);
    expect(namedPage.$('.govuk-summary-list').text()).toContain('Μαρία Παπαδάκη');
  });

  it('opens each listed request on its own page; any other reference is 404', async () => {
    const { res, $ } = await page(`/requests/public/${r.named.url}`);
    expect(res.status).toBe(200);
    expect($('h1').text()).toBe('Λακκούβα στην Κουντούρου');
    expect(res.text).toContain('Περιγραφή του προβλήματος');
    expect($('.app-public-timeline').text()).toContain('Συνεργείο θα έρθει την Παρασκευή.');
    expect(res.text).not.toContain('ΕΣΩΤΕΡΙΚΟ');
    expect(res.text).not.toContain('Ο γείτονας στο 7');
    for (const absent of ABSENT)
      expect((await anonymous(`/requests/public/${r[absent].url}`)).status, absent).toBe(404);
    for (const bad of ['2026-999999', 'nothing', '2026-000000'])
      expect((await anonymous(`/requests/public/${bad}`)).status, bad).toBe(404);
    // The citizen's own page still asks for sign-in: the public page is a page of its own.
    expect((await anonymous(`/requests/${r.named.url}`)).status).toBe(303);
  });

  it('shows approved photos only; any other photo address is 404', async () => {
    const list = await page('/requests/public');
    const approvedHref = `/requests/public/${r.named.url}/photos/${photos.approved}`;
    const unapprovedHref = `/requests/public/${r.named.url}/photos/${photos.unapproved}`;
    expect(list.$(`img[src="${approvedHref}"]`).length).toBe(1);
    expect(list.res.text).not.toContain(`/photos/${photos.unapproved}`);
    const detail = await page(`/requests/public/${r.named.url}`);
    expect(
      detail
        .$('main img')
        .map((_i, img) => detail.$(img).attr('src'))
        .get(),
    ).toEqual([approvedHref]);
    const shown = await anonymous(approvedHref);
    expect(shown.status).toBe(200);
    expect(shown.headers['content-type']).toBe('image/jpeg');
    expect((await anonymous(unapprovedHref)).status).toBe(404);
    // Approved, but of a request or category the public may not see; or under another request.
    expect(
      (await anonymous(`/requests/public/${r.private.url}/photos/${photos.ofPrivate}`)).status,
    ).toBe(404);
    const hidden = `/requests/public/${r.notPublicCategory.url}/photos/${photos.ofHiddenCategory}`;
    expect((await anonymous(hidden)).status).toBe(404);
    expect(
      (await anonymous(`/requests/public/${r.anonymous.url}/photos/${photos.approved}`)).status,
    ).toBe(404);
    expect((await anonymous(`/requests/public/${r.named.url}/photos/abc`)).status).toBe(404);
  });

  it('shows a street-only category without its point or house number, anywhere', async () => {
    const pointDigits = [/35\.18765/, /25\.71357/];
    const list = await page('/requests/public');
    const item = list.$(`.app-public-requests li:has(a[href="/requests/public/${r.street.url}"])`);
    expect(item.text()).toContain('Ρούσου Κουντούρου');
    expect(item.text()).not.toMatch(/12|κυρίας/);
    expect(item.attr('data-lat')).toBeUndefined();
    // The exact-point category's marker is there, for the map.
    const named = list.$(`.app-public-requests li:has(a[href="/requests/public/${r.named.url}"])`);
    expect(named.attr('data-lat')).toBe('35.1911');
    const detail = await page(`/requests/public/${r.street.url}`);
    const feed = await anonymous('/requests/public/feed.atom');
    const english = await anonymous('/requests/public?lang=en');
    for (const [name, text] of [
      ['list', list.res.text],
      ['page', detail.res.text],
      ['feed', feed.text],
      ['english list', english.text],
    ] as const)
      for (const digits of pointDigits) expect(text, name).not.toMatch(digits);
    expect(detail.$('.govuk-summary-list').text()).toContain('Ρούσου Κουντούρου');
    expect(detail.$('.govuk-summary-list').text()).not.toContain('12');
    // Searching by the hidden house number finds nothing: the filter sees what the page shows.
    const byNumber = await page('/requests/public?area=Κουντούρου+12');
    expect(listed(byNumber.$)).not.toContain(r.street.url);
  });

  it('says under the map how many of the page’s requests have no marker, in both languages', async () => {
    // No map here (no tile server): nothing to explain.
    expect((await page('/requests/public')).$('.app-map-note').length).toBe(0);
    const tiles = await createTestContext(
      { MAP_TILE_URL: 'https://tiles.example.org/{z}/{x}/{y}.png' },
      { clock: { now: () => NOW } },
    );
    try {
      const citizen = await createActiveUser(tiles.db, 'map-note-citizen');
      await tiles
        .db('request_categories')
        .where({ slug: 'pavement' })
        .update({ public_location: 'street' });
      const point = { lat: 35.1911, lng: 25.7164, public: true };
      await insertRequest(tiles.db, citizen.id, 'pothole', point);
      await insertRequest(tiles.db, citizen.id, 'pavement', point);
      await insertRequest(tiles.db, citizen.id, 'pavement', point);
      const list = async (query: string) => {
        const res = await request(tiles.app).get(`/requests/public${query}`);
        const $ = cheerio.load(res.text);
        return { $, markers: $('.app-public-requests li[data-lat]').length };
      };
      const greek = await list('');
      expect(greek.$('#public-requests-map').length).toBe(1);
      expect(greek.markers).toBe(1);
      expect(greek.$('.app-map-note').text()).toBe(
        '2 από τα προβλήματα αυτής της σελίδας δείχνουν μόνο τον δρόμο, όχι το ακριβές σημείο, γι’ αυτό δεν είναι στον χάρτη.',
      );
      expect((await list('?lang=en')).$('.app-map-note').text()).toBe(
        '2 of the problems on this page show only their street, not an exact point, so they are not on the map.',
      );
      // Every request on the page has its marker: no note.
      expect((await list('?category=pothole')).$('.app-map-note').length).toBe(0);
    } finally {
      await tiles.close();
    }
  });

  it('says names appear only for citizens who agreed, and gives a filter example the addresses match', async () => {
    for (const [lang, words] of [
      ['el', /μόνο αν το δέχτηκε/],
      ['en', /only if they agreed/],
    ] as const) {
      const { $ } = await page(`/requests/public?lang=${lang}`);
      expect($('.govuk-body-l').text()).toMatch(words);
      expect($('.govuk-body-l').text()).not.toMatch(/προσωπικά στοιχεία|personal details/);
      // The addresses are in Greek, so both languages' examples are the Greek spelling.
      expect($('#area-hint').text()).toContain('Κουνδούρου');
      expect($('#area-hint').text()).toContain('Κριτσά');
    }
  });

  it('filters by category, status and area (accents and case aside)', async () => {
    const pothole = await page('/requests/public?category=pothole');
    expect(listed(pothole.$)).toEqual([r.named.url, r.anonymous.url, r.closedLately.url]);
    expect(pothole.$('#category').val()).toBe('pothole');
    const open = await page('/requests/public?status=open');
    expect(listed(open.$)).toEqual([r.named.url, r.anonymous.url, r.street.url]);
    const closed = await page('/requests/public?status=closed&category=pothole');
    expect(listed(closed.$)).toEqual([r.closedLately.url]);
    const area = await page('/requests/public?area=ΚΟΥΝΤΟΥΡΟΥ');
    expect(listed(area.$)).toEqual([r.named.url, r.street.url]);
    expect(area.$('#area').val()).toBe('ΚΟΥΝΤΟΥΡΟΥ');
    // Only categories that may be public are offered.
    const options = pothole
      .$('#category option')
      .map((_i, o) => pothole.$(o).val())
      .get();
    expect(options).toContain('pavement');
    expect(options).not.toContain('stray-animals');
    const none = await page('/requests/public?area=%CE%BA%CE%B1%CE%BC%CE%AF%CE%B1');
    expect(none.res.status).toBe(200);
    expect(listed(none.$)).toEqual([]);
    expect(none.$('main').text()).toContain('Κανένα πρόβλημα δεν ταιριάζει');
  });

  it('says what is wrong with a filter at its field, and lists nothing then', async () => {
    for (const [query, field] of [
      ['category=stray-animals', 'category'],
      ['status=pending', 'status'],
      [`area=${'α'.repeat(101)}`, 'area'],
      ['category=pothole&category=pavement', 'category'],
    ] as const) {
      const { res, $ } = await page(`/requests/public?${query}`);
      expect(res.status, query).toBe(400);
      expect($(`#${field}-error`).length, query).toBe(1);
      expect($('.govuk-error-summary a').attr('href'), query).toBe(`#${field}`);
      expect(listed($), query).toEqual([]);
    }
    const english = await page('/requests/public?status=x&lang=en');
    expect(english.$('#status-error').text()).toContain('Choose open or closed');
  });

  it('pages by 20, newest first; a page past the last, or not a number, is 404', async () => {
    const many: string[] = [];
    for (let i = 0; i < 25; i += 1)
      many.push(
        (
          await insertRequest(ctx.db, maria.id, 'light-out', {
            title: `Σβηστός λαμπτήρας ${i}`,
            address: 'Οδός Σφακιανάκη',
            created_at: new Date(days(30).getTime() + i * 60_000),
            public: true,
          })
        ).url,
      );
    const first = await page('/requests/public?category=light-out');
    expect(listed(first.$)).toEqual(many.slice(5).reverse());
    expect(first.$('main').text()).toContain('25 προβλήματα');
    const next = first.$('.govuk-pagination__next a').attr('href');
    expect(next).toBe('/requests/public?category=light-out&page=2');
    const second = await page(next!);
    expect(listed(second.$)).toEqual(many.slice(0, 5).reverse());
    expect(second.$('ol.app-public-requests').attr('start')).toBe('21');
    expect((await anonymous('/requests/public?category=light-out&page=3')).status).toBe(404);
    for (const bad of ['0', 'abc', '99999'])
      expect((await anonymous(`/requests/public?page=${bad}`)).status, bad).toBe(404);
    const unfiltered = await page('/requests/public?page=2');
    expect(unfiltered.res.status).toBe(200);
    expect(listed(unfiltered.$)).toHaveLength(9);
  });

  it('offers an Atom feed of the newest, which parses and has their entries', async () => {
    for (const lang of ['el', 'en'] as const) {
      const res = await anonymous(`/requests/public/feed.atom${lang === 'en' ? '?lang=en' : ''}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('application/atom+xml');
      expect(XMLValidator.validate(res.text)).toBe(true);
      const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(
        res.text,
      ) as {
        feed: {
          '@xmlns': string;
          '@xml:lang': string;
          id: string;
          title: string;
          updated: string;
          entry: { id: string; title: string; updated: string; link: { '@href': string } }[];
        };
      };
      const { feed } = parsed;
      expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
      expect(feed['@xml:lang']).toBe(lang);
      expect(feed.id).toMatch(/\/requests\/public\/feed\.atom/);
      expect(feed.title).toMatch(lang === 'el' ? /^Γνωστά προβλήματα: / : /^Known problems: /);
      expect(Number.isNaN(Date.parse(feed.updated))).toBe(false);
      expect(feed.entry.length).toBeLessThanOrEqual(50);
      const ids = feed.entry.map((entry) => entry.id);
      for (const shown of ['named', 'anonymous', 'street', 'closedLately'] as const)
        expect(
          ids.some((id) => id.endsWith(`/requests/public/${r[shown].url}`)),
          shown,
        ).toBe(true);
      for (const absent of ABSENT)
        expect(
          ids.some((id) => id.endsWith(r[absent].url)),
          absent,
        ).toBe(false);
      const named = feed.entry.find((entry) => entry.id.endsWith(r.named.url))!;
      expect(named.title).toBe(`ΑΙΤ-${r.named.url}: Λακκούβα στην Κουντούρου`);
      expect(named.link['@href']).toMatch(
        new RegExp(`/requests/public/${r.named.url}${lang === 'en' ? '\\?lang=en' : ''}$`),
      );
      expect(res.text).not.toContain('Μαρία Παπαδάκη');
      expect(res.text).not.toContain('Ιδιωτικό αίτημα');
    }
    const list = await page('/requests/public');
    expect(list.$('link[rel="alternate"][type="application/atom+xml"]').attr('href')).toBe(
      '/requests/public/feed.atom',
    );
  });

  it('is linked from the citizen’s own list, and shows the page in English too', async () => {
    const mine = cheerio.load((await maria.agent.get('/requests')).text);
    expect(mine('a[href="/requests/public"]').length).toBe(1);
    // Signed in, the list is the same (and says nothing of its reader).
    const signedIn = await maria.agent.get('/requests/public');
    expect(signedIn.status).toBe(200);
    const english = await page('/requests/public?lang=en');
    expect(english.$('h1').text()).toBe('Known problems');
    expect(english.res.text).not.toMatch(/undefined|NaN|requests\.public\./);
    const englishItem = await page(`/requests/public/${r.named.url}?lang=en`);
    expect(englishItem.res.status).toBe(200);
    expect(englishItem.res.text).not.toMatch(/undefined|NaN|requests\.public\./);
  });
});

describe('a handler approves photos for the public list', () => {
  const photoForm = (action: 'approve' | 'withdraw', agent: Agent, url: string, photo: number) =>
    postForm(agent, `/staff/requests/${url}`, `/staff/requests/${url}/photos/${action}`, {
      photo: String(photo),
    });
  const audits = (action: string) =>
    ctx.db('audit_log').where({ action }).orderBy('id').select('actor_id', 'entity_id', 'details');

  it('approves and withdraws, each audited, and the public photo follows', async () => {
    const staffPage = cheerio.load(
      (await handler.agent.get(`/staff/requests/${r.named.url}`)).text,
    );
    expect(
      staffPage(`form[action="/staff/requests/${r.named.url}/photos/approve"] input[name="photo"]`)
        .map((_i, input) => staffPage(input).val())
        .get(),
    ).toEqual([String(photos.unapproved)]);
    const href = `/requests/public/${r.named.url}/photos/${photos.unapproved}`;
    const approved = await photoForm('approve', handler.agent, r.named.url, photos.unapproved);
    expect(approved.status).toBe(303);
    expect(approved.headers.location).toBe(`/staff/requests/${r.named.url}`);
    const row = (await ctx.db('request_photos').where({ id: photos.unapproved }).first()) as {
      approved_at: Date | null;
      approved_by: number | null;
    };
    expect(row.approved_at).toEqual(NOW);
    expect(row.approved_by).toBe(handler.id);
    expect((await audits('request.photo_approved')).at(-1)).toMatchObject({
      actor_id: handler.id,
      entity_id: r.named.id,
      details: { reference: r.named.url, photoId: photos.unapproved },
    });
    expect((await anonymous(href)).status).toBe(200);
    const after = cheerio.load((await handler.agent.get(`/staff/requests/${r.named.url}`)).text);
    expect(after('.govuk-notification-banner, .app-notice').text()).toMatch(/εγκρίθηκε/);

    const withdrawn = await photoForm('withdraw', handler.agent, r.named.url, photos.unapproved);
    expect(withdrawn.status).toBe(303);
    expect((await audits('request.photo_withdrawn')).at(-1)).toMatchObject({
      actor_id: handler.id,
      details: { photoId: photos.unapproved },
    });
    expect((await anonymous(href)).status).toBe(404);
    expect(
      (await ctx.db('request_photos').where({ id: photos.unapproved }).first('approved_by')) as {
        approved_by: number | null;
      },
    ).toEqual({ approved_by: null });
  });

  it('refuses a citizen, a handler of another department, and another request’s photo', async () => {
    const before = (await audits('request.photo_approved')).length;
    const citizen = await maria.agent
      .post(`/staff/requests/${r.named.url}/photos/approve`)
      .type('form')
      .send({ photo: String(photos.unapproved) });
    expect([403, 404]).toContain(citizen.status);
    const other = await signedInStaff(ctx.app, ctx.db, ['handler']);
    await ctx.db('department_handlers').insert({
      department_id: await departmentId(ctx.db, 'cleaning'),
      user_id: other.id,
    });
    const token = cheerio
      .load((await other.agent.get('/staff/requests')).text)('input[name="_csrf"]')
      .first()
      .attr('value');
    const elsewhere = await other.agent
      .post(`/staff/requests/${r.named.url}/photos/approve`)
      .type('form')
      .send({ _csrf: token ?? '', photo: String(photos.unapproved) });
    expect(elsewhere.status).toBe(404);
    // A photo of another request, through this request's address.
    const mismatched = await photoForm(
      'approve',
      handler.agent,
      r.anonymous.url,
      photos.unapproved,
    );
    expect(mismatched.status).toBe(404);
    expect((await audits('request.photo_approved')).length).toBe(before);
    const row = (await ctx.db('request_photos').where({ id: photos.unapproved }).first()) as {
      approved_at: Date | null;
    };
    expect(row.approved_at).toBeNull();
  });
});

describe('what the public list needs from filing and settings', () => {
  it('keeps the citizen’s consent to show their name, off unless ticked', async () => {
    const file = async (title: string, extra: Record<string, string>) => {
      const step1 = await postForm(maria.agent, '/requests/new', '/requests/new', {
        address: 'Πλατεία Ηρώων',
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
      expect(step1.status).toBe(303);
      await maria.agent.get('/requests/new/similar');
      const details = cheerio.load((await maria.agent.get('/requests/new/details')).text);
      expect(details('#showName').attr('checked')).toBeUndefined();
      expect(details('label[for="showName"]').text()).toContain('δημόσια λίστα');
      const res = await postForm(maria.agent, '/requests/new/details', '/requests/new/details', {
        kind: 'request',
        title,
        description: 'Σπασμένη κούνια στην παιδική χαρά.',
        ...extra,
      });
      expect(res.status).toBe(303);
      return (await ctx.db('requests').where({ title }).first('show_name')) as {
        show_name: boolean;
      };
    };
    expect(await file('Κούνια με όνομα', { showName: 'yes' })).toEqual({ show_name: true });
    expect(await file('Κούνια χωρίς όνομα', {})).toEqual({ show_name: false });
  });

  it('lets an admin choose street-only for a category', async () => {
    const admin = await signedInStaff(ctx.app, ctx.db, ['admin']);
    const category = (await ctx.db('request_categories').where({ slug: 'lamp-post' }).first()) as {
      id: number;
      department_id: number;
    };
    const href = `/staff/requests/settings/categories/${category.id}`;
    const form = cheerio.load((await admin.agent.get(href)).text);
    expect(form('#publicLocation').attr('checked')).toBeDefined();
    const saved = await postForm(admin.agent, href, href, {
      nameEl: 'Χαλασμένος στύλος φωτισμού',
      nameEn: 'Damaged lamp post',
      slug: 'lamp-post',
      group: 'lighting',
      department: String(category.department_id),
      deadlineDays: '10',
      mayBePublic: 'yes',
      publicLocation: 'street',
      active: 'yes',
      position: '4',
    });
    expect(saved.status).toBe(303);
    expect(
      await ctx.db('request_categories').where({ id: category.id }).first('public_location'),
    ).toEqual({ public_location: 'street' });
    const again = cheerio.load((await admin.agent.get(href)).text);
    expect(again('#publicLocation-street').attr('checked')).toBeDefined();
    const bad = await postForm(admin.agent, href, href, {
      nameEl: 'Χαλασμένος στύλος φωτισμού',
      nameEn: 'Damaged lamp post',
      slug: 'lamp-post',
      group: 'lighting',
      department: String(category.department_id),
      deadlineDays: '10',
      publicLocation: 'rooftop',
      position: '4',
    });
    expect(bad.status).toBe(400);
    expect(cheerio.load(bad.text)('#publicLocation-error').length).toBe(1);
  });

  it('tells the handler which Open311 app filed a request', async () => {
    const [key] = (await ctx
      .db('api_keys')
      .insert({
        app_name: 'FixMyStreet Κρήτη',
        key_prefix: 'pub11abc',
        key_hash: 'x',
        scopes: ['open311:write'],
      })
      .returning('id')) as { id: number }[];
    const filed = await insertRequest(ctx.db, maria.id, 'pothole', {
      user_id: null,
      channel: 'api',
      title: 'Από εφαρμογή',
    });
    await ctx.db('open311_reporters').insert({
      request_id: filed.id,
      api_key_id: key!.id,
      token_hash: Buffer.alloc(32, 7),
    });
    const $ = cheerio.load((await handler.agent.get(`/staff/requests/${filed.url}`)).text);
    expect($('.govuk-summary-list').text()).toContain(
      'Υποβλήθηκε μέσω της εφαρμογής FixMyStreet Κρήτη (Open311)',
    );
    const web = cheerio.load((await handler.agent.get(`/staff/requests/${r.named.url}`)).text);
    expect(web('.govuk-summary-list').text()).not.toContain('Open311');
  });
});
