import * as cheerio from 'cheerio';
import exifr from 'exifr';
import sharp from 'sharp';
import request from 'supertest';
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
import { insertRequest } from '../helpers/requests.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

// Thursday 26 November 2026, 10:00 in Athens.
const NOW = new Date('2026-11-26T08:00:00Z');
const CENTRE = { lat: 35.1911, lng: 25.7164 };
/** Metres north along a meridian, as earthdistance measures them (a sphere of 6,378,168 m). */
const north = (metres: number) => CENTRE.lat + (metres / 6378168) * (180 / Math.PI);
/** Another place, away from CENTRE's requests. */
const SPOT = { lat: 35.1852, lng: 25.7105 };

let ctx: TestContext;
let maria: Agent;
let nikos: Agent;
let categoryId: (slug: string) => Promise<number>;

async function signedIn(name: string): Promise<Agent> {
  const user = await createActiveUser(ctx.db, name);
  const agent = newAgent(ctx.app);
  await signIn(agent, user.username, user.password);
  return agent;
}

async function fileOne(
  agent: Agent,
  fields: Record<string, string>,
  details: Record<string, string>,
) {
  const step1 = await postForm(agent, '/requests/new', '/requests/new', fields);
  expect(step1.status).toBe(303);
  const similar = await agent.get('/requests/new/similar');
  if (similar.status === 303) expect(similar.headers.location).toBe('/requests/new/details');
  return postForm(agent, '/requests/new/details', '/requests/new/details', details);
}

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => NOW } });
  categoryId = async (slug) =>
    ((await ctx.db('request_categories').where({ slug }).first('id')) as { id: number }).id;
  maria = await signedIn('req-maria');
  nikos = await signedIn('req-nikos');
});
afterAll(() => ctx.close());

describe('filing a request', () => {
  it('asks anonymous visitors to sign in first', async () => {
    for (const path of ['/requests', '/requests/new', '/requests/2026-000001']) {
      const res = await request(ctx.app).get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.location, path).toMatch(/^\/login/);
    }
  });

  it('says at each field what is wrong with the place, in Greek and in English', async () => {
    const empty = await postForm(maria, '/requests/new', '/requests/new', {
      address: '',
      lat: '35.19',
      lng: '',
      category: '',
    });
    expect(empty.status).toBe(400);
    const $ = cheerio.load(empty.text);
    expect($('#category-error').text()).toContain('Επιλέξτε τι αφορά το αίτημα');
    const outside = await postForm(maria, '/requests/new?lang=en', '/requests/new', {
      address: 'Heraklion harbour',
      lat: '35.3387',
      lng: '25.1442',
      category: String(await categoryId('pothole')),
    });
    expect(outside.status).toBe(400);
    expect(cheerio.load(outside.text)('#lat-error').text()).toContain('outside the municipality');
    const half = await postForm(maria, '/requests/new?lang=en', '/requests/new', {
      address: '',
      lat: '35.19',
      lng: '',
      category: String(await categoryId('pothole')),
    });
    expect(cheerio.load(half.text)('#lng-error').text()).toContain('both latitude and longitude');
    // Back to Greek for the rest.
    await maria.get('/requests?lang=el');
  });

  it('files it with a reference, a due date in working days, a timeline and an email', async () => {
    await drainMail(ctx.deps);
    const filed = await fileOne(
      maria,
      {
        address: 'Ρούσου Κούνδουρου 12',
        lat: '',
        lng: '',
        category: String(await categoryId('pothole')),
      },
      {
        kind: 'complaint',
        title: 'Λακκούβα στη διάβαση',
        description: 'Βαθιά λακκούβα.\n\nΚινδυνεύουν πεζοί.',
      },
    );
    expect(filed.status).toBe(303);
    expect(filed.headers.location).toMatch(/^\/requests\/2026-\d{6}$/);
    const page = await maria.get(filed.headers.location as string);
    expect(page.status).toBe(200);
    const $ = cheerio.load(page.text);
    expect($('.govuk-caption-l').text()).toMatch(/^ΑΙΤ-2026-\d{6}$/);
    expect($('h1').text()).toBe('Λακκούβα στη διάβαση');
    // Pothole: 10 working days from Thursday 26 November 2026: 27, 30 Nov, 1–4, 7–10 Dec.
    expect(page.text).toContain('10 Δεκεμβρίου 2026');
    expect(page.text).toContain('Υποβλήθηκε');
    const mail = (await drainMail(ctx.deps)).find((m) => m.to === 'user.req-maria@example.gr');
    expect(mail?.subject).toMatch(/ΑΙΤ-2026-\d{6}/);
    expect(mail?.text).toContain(`/requests/${(filed.headers.location as string).slice(10)}`);
    expect((await maria.get('/account')).text).toContain('Τα ανοιχτά αιτήματά μου: 1');
  });

  it('refuses details that are missing or too long, at the field', async () => {
    const step1 = await postForm(maria, '/requests/new', '/requests/new', {
      address: 'Πλατεία Βενιζέλου',
      lat: '',
      lng: '',
      category: String(await categoryId('parks')),
    });
    expect(step1.status).toBe(303);
    const res = await postForm(maria, '/requests/new/details?lang=en', '/requests/new/details', {
      kind: 'other',
      title: '',
      description: 'x'.repeat(4001),
    });
    expect(res.status).toBe(400);
    const $ = cheerio.load(res.text);
    expect($('#kind-error').text()).toContain('request or a complaint');
    expect($('#title-error').text()).not.toBe('');
    expect($('#description-error').text()).not.toBe('');
    await maria.get('/requests?lang=el');
  });

  it('offers an open request of the same category 49 m away, not one 51 m away, and lets the citizen follow it', async () => {
    const lightOut = await categoryId('light-out');
    const near = await fileOne(
      nikos,
      {
        address: 'Ακτή Σήφη Κουνδούρου 7',
        lat: north(49).toFixed(8),
        lng: String(CENTRE.lng),
        category: String(lightOut),
      },
      { kind: 'request', title: 'Κοντινή λάμπα', description: 'Σβηστή.' },
    );
    const far = await fileOne(
      nikos,
      {
        address: 'Ακτή',
        lat: north(51).toFixed(8),
        lng: String(CENTRE.lng),
        category: String(lightOut),
      },
      { kind: 'request', title: 'Μακρινή λάμπα', description: 'Σβηστή.' },
    );
    // Same place, another category: not a duplicate.
    await fileOne(
      nikos,
      {
        address: 'Ακτή',
        lat: String(CENTRE.lat),
        lng: String(CENTRE.lng),
        category: String(await categoryId('pothole')),
      },
      { kind: 'request', title: 'Λακκούβα εδώ', description: 'Λακκούβα.' },
    );
    expect([near.status, far.status]).toEqual([303, 303]);

    await postForm(maria, '/requests/new', '/requests/new', {
      address: 'Ακτή',
      lat: String(CENTRE.lat),
      lng: String(CENTRE.lng),
      category: String(lightOut),
    });
    // Nikos is not offered his own requests to follow.
    await postForm(nikos, '/requests/new', '/requests/new', {
      address: 'Ακτή',
      lat: String(CENTRE.lat),
      lng: String(CENTRE.lng),
      category: String(lightOut),
    });
    expect((await nikos.get('/requests/new/similar')).headers.location).toBe(
      '/requests/new/details',
    );
    const similar = await maria.get('/requests/new/similar');
    expect(similar.status).toBe(200);
    const $ = cheerio.load(similar.text);
    // Not published: its category, how far (rounded), when and its status; never its words or place.
    const cards = $('.app-nearby');
    expect(cards.length).toBe(1);
    expect(cards.find('.govuk-summary-card__title').text()).toBe('Σβηστός λαμπτήρας');
    expect(cards.text()).toContain('περίπου 50 μ. μακριά');
    expect(cards.text()).toMatch(/Υποβλήθηκε\s*\d{1,2} [Α-Ωα-ωάέήίόύώ]+ 2026/);
    expect(cards.text()).toContain('Υποβλήθηκε');
    expect(similar.text).not.toContain('Κοντινή λάμπα');
    expect(similar.text).not.toContain('Σβηστή.');
    expect(similar.text).not.toContain('Κουνδούρου');
    expect(similar.text).not.toContain((near.headers.location as string).slice(10));

    // Maria cannot see Nikos's request by its reference, until she follows it.
    const ref = near.headers.location as string;
    expect((await maria.get(ref)).status).toBe(404);
    const followed = await postForm(maria, '/requests/new/similar', '/requests/follow', {});
    expect(followed.status).toBe(303);
    expect(followed.headers.location).toBe(ref);
    const page = await maria.get(ref);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Παρακολουθείτε');
    expect((await maria.get('/requests')).text).toContain('Κοντινή λάμπα');
    // Still not the far one.
    expect((await maria.get(far.headers.location as string)).status).toBe(404);
  });

  it('lets a citizen follow only a request the near-duplicates step offers: anything else is 404, and nothing is recorded', async () => {
    const owner = await createActiveUser(ctx.db, 'req-follow-owner');
    const prober = await createActiveUser(ctx.db, 'req-prober');
    const agent = newAgent(ctx.app);
    await signIn(agent, prober.username, prober.password);
    const at = (metres: number) => ({ lat: SPOT.lat + metres / 111_320, lng: SPOT.lng });
    const offered = await insertRequest(ctx.db, owner.id, 'lamp-post', at(20));
    const refused = {
      farAway: await insertRequest(ctx.db, owner.id, 'lamp-post', at(80)),
      // Unpublished, in a category that may never be public: the hand-made form's target.
      otherCategory: await insertRequest(ctx.db, owner.id, 'stray-animals', at(0)),
      closed: await insertRequest(ctx.db, owner.id, 'lamp-post', {
        ...at(5),
        status: 'closed',
        closed_at: NOW,
      }),
    };
    const followBy = (id: string) => postForm(agent, '/requests/new', '/requests/follow', { id });
    const recorded = async () => ({
      followers: Number(
        (
          (await ctx
            .db('request_followers')
            .where({ user_id: prober.id })
            .count({ n: '*' })
            .first()) as {
            n: string;
          }
        ).n,
      ),
      audit: Number(
        (
          (await ctx
            .db('audit_log')
            .where({ user_id: prober.id, action: 'request.followed' })
            .count({ n: '*' })
            .first()) as { n: string }
        ).n,
      ),
    });
    // Without a draft nothing is offered, not even the request nearby.
    expect((await followBy(String(offered.id))).status).toBe(404);
    await postForm(agent, '/requests/new', '/requests/new', {
      address: 'Λιμάνι',
      lat: String(SPOT.lat),
      lng: String(SPOT.lng),
      category: String(await categoryId('lamp-post')),
    });
    const similar = cheerio.load((await agent.get('/requests/new/similar')).text);
    expect(
      similar('form[action="/requests/follow"] input[name="id"]')
        .map((_i, input) => similar(input).val())
        .get(),
    ).toEqual([String(offered.id)]);
    for (const [name, target] of Object.entries(refused))
      expect((await followBy(String(target.id))).status, name).toBe(404);
    for (const odd of ['', 'abc', '0', '99999999'])
      expect((await followBy(odd)).status, odd).toBe(404);
    expect(await recorded()).toEqual({ followers: 0, audit: 0 });
    for (const target of Object.values(refused))
      expect((await agent.get(`/requests/${target.url}`)).status).toBe(404);

    const followed = await followBy(String(offered.id));
    expect(followed.status).toBe(303);
    expect(followed.headers.location).toBe(`/requests/${offered.url}`);
    expect(await recorded()).toEqual({ followers: 1, audit: 1 });
    // The draft is spent: the same form again finds nothing to follow.
    expect((await followBy(String(refused.farAway.id))).status).toBe(404);
  });

  it('shows of a published near duplicate its title and street, of an unpublished one neither', async () => {
    const owner = await createActiveUser(ctx.db, 'req-dup-owner');
    const viewer = await signedIn('req-dup-viewer');
    // Pavements show only their street on the public list: a door is a home.
    await ctx.db('request_categories').where({ slug: 'pavement' }).update({
      public_location: 'street',
    });
    const published = await insertRequest(ctx.db, owner.id, 'pavement', {
      ...SPOT,
      title: 'Σπασμένες πλάκες',
      address: 'Οδός Μαρκοπούλου 14, δίπλα στον φούρνο',
      public: true,
    });
    await insertRequest(ctx.db, owner.id, 'pavement', {
      lat: SPOT.lat + 0.0001,
      lng: SPOT.lng,
      title: 'Ιδιωτικό πεζοδρόμιο',
      description: 'Μυστική περιγραφή',
      address: 'Οδός Ιδιωτική 3',
    });
    const draft = async (slug: string, lang = 'el') => {
      await postForm(viewer, '/requests/new', '/requests/new', {
        address: 'Εδώ',
        lat: String(SPOT.lat),
        lng: String(SPOT.lng),
        category: String(await categoryId(slug)),
      });
      const res = await viewer.get(`/requests/new/similar?lang=${lang}`);
      expect(res.status).toBe(200);
      return { text: res.text, $: cheerio.load(res.text) };
    };
    const pavement = await draft('pavement');
    const cards = pavement.$('.app-nearby');
    expect(cards.length).toBe(2);
    const shown = cards.first();
    expect(shown.find('.govuk-summary-card__title').text()).toBe('Σπασμένες πλάκες');
    expect(shown.text()).toContain('Οδός Μαρκοπούλου');
    expect(shown.text()).toContain('περίπου 10 μ. μακριά');
    expect(shown.find(`a[href="/requests/public/${published.url}"]`).length).toBe(1);
    // The street-only category's house number and the rest of the address never reach the page.
    expect(pavement.text).not.toMatch(/Μαρκοπούλου 14|φούρνο/);
    const hidden = cards.last();
    expect(hidden.find('.govuk-summary-card__title').text()).toBe('Χαλασμένο πεζοδρόμιο');
    expect(hidden.text()).toContain('περίπου 10 μ. μακριά');
    expect(hidden.text()).toContain('20 Νοεμβρίου 2026');
    expect(hidden.text()).toContain('Υποβλήθηκε');
    expect(hidden.find('a').length).toBe(0);
    for (const secret of ['Ιδιωτικό πεζοδρόμιο', 'Μυστική', 'Ιδιωτική 3'])
      expect(pavement.text, secret).not.toContain(secret);

    // An exact-point category shows its whole address; one that may never be public, nothing.
    await insertRequest(ctx.db, owner.id, 'pothole', {
      ...SPOT,
      title: 'Λακκούβα στην Κονδυλάκη',
      address: 'Οδός Κονδυλάκη 8',
      public: true,
    });
    const pothole = await draft('pothole', 'en');
    const exact = pothole.$('.app-nearby');
    expect(exact.find('.govuk-summary-card__title').text()).toBe('Λακκούβα στην Κονδυλάκη');
    expect(exact.text()).toContain('Οδός Κονδυλάκη 8');
    expect(exact.text()).toContain('about 10 m away');
    await insertRequest(ctx.db, owner.id, 'stray-animals', {
      ...SPOT,
      title: 'Κουτάβια στην αυλή',
      address: 'Οδός Σκύλων 1',
      public: true,
    });
    const animals = await draft('stray-animals');
    expect(animals.$('.app-nearby').length).toBeGreaterThan(0);
    expect(animals.text).not.toMatch(/Κουτάβια|Σκύλων/);
    await viewer.get('/requests?lang=el');
  });

  it('gives an address example spelled as the streets are', async () => {
    const $ = cheerio.load((await maria.get('/requests/new')).text);
    expect($('#address-hint').text()).toContain('Ρούσσου Κουνδούρου 12');
  });

  it('never shows a request to another citizen, whatever the reference', async () => {
    const stranger = await signedIn('req-stranger');
    const refs = (await ctx.db('requests').select('year', 'number')) as {
      year: number;
      number: number;
    }[];
    expect(refs.length).toBeGreaterThan(2);
    for (const ref of refs) {
      const res = await stranger.get(
        `/requests/${ref.year}-${String(ref.number).padStart(6, '0')}`,
      );
      expect(res.status).toBe(404);
    }
    for (const odd of ['2026-0', 'abc', '2026-000000', '9999-999999', '2026-1%27'])
      expect((await stranger.get(`/requests/${odd}`)).status, odd).toBe(404);
  });

  it('takes at most 10 requests a day from one account', async () => {
    const busy = await signedIn('req-busy');
    const category = String(await categoryId('other'));
    for (let i = 1; i <= 10; i += 1) {
      const res = await fileOne(
        busy,
        { address: `Οδός ${i}`, lat: '', lng: '', category },
        { kind: 'request', title: `Θέμα ${i}`, description: 'Κείμενο.' },
      );
      expect(res.status, String(i)).toBe(303);
    }
    const eleventh = await fileOne(
      busy,
      { address: 'Οδός 11', lat: '', lng: '', category },
      { kind: 'request', title: 'Θέμα 11', description: 'Κείμενο.' },
    );
    expect(eleventh.status).toBe(400);
    expect(eleventh.text).toContain('πολλά αιτήματα σήμερα');
  });

  it('keeps photos without GPS or camera details, and shows them only to those who may see the request', async () => {
    const phone = await sharp({
      create: { width: 1200, height: 900, channels: 3, background: '#3366aa' },
    })
      .jpeg()
      .withExif({
        IFD0: { Make: 'Acme', Model: 'Phone 9' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '35/1 11/1 0/1',
          GPSLongitudeRef: 'E',
          GPSLongitude: '25/1 43/1 0/1',
        },
      })
      .toBuffer();
    expect((await exifr.gps(phone))?.latitude).toBeGreaterThan(35);
    const uploader = await signedIn('req-photos');
    await postForm(uploader, '/requests/new', '/requests/new', {
      address: 'Πλατεία',
      lat: '',
      lng: '',
      category: String(await categoryId('parks')),
    });
    const send = async (files: [Buffer, string][]) => {
      const token = await csrfFrom(uploader, '/requests/new/details');
      let req = uploader
        .post('/requests/new/details')
        .field('_csrf', token)
        .field('kind', 'request')
        .field('title', 'Σπασμένη κούνια')
        .field('description', 'Στην παιδική χαρά.');
      for (const [buffer, name] of files) req = req.attach('photos', buffer, name);
      return req;
    };
    // An iPhone's HEIC is refused at the field, and nothing is filed.
    const heic = Buffer.concat([
      Buffer.from([0, 0, 0, 24]),
      Buffer.from('ftypheic'),
      Buffer.alloc(64),
    ]);
    const refused = await send([[heic, 'IMG_0001.HEIC']]);
    expect(refused.status).toBe(400);
    expect(cheerio.load(refused.text)('#photos-error').text()).toContain('JPEG');
    const filed = await send([[phone, 'photo.jpg']]);
    expect(filed.status).toBe(303);
    const ref = filed.headers.location as string;
    const $ = cheerio.load((await uploader.get(ref)).text);
    const src = $('.app-photos img').attr('src');
    expect(src).toMatch(new RegExp(`^${ref}/photos/\\d+$`));
    const photo = await uploader
      .get(src!)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(photo.status).toBe(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
    const body = photo.body as Buffer;
    expect(await exifr.gps(body)).toBeUndefined();
    expect(await exifr.parse(body, ['Make', 'Model'])).toBeUndefined();
    // Another citizen, and an anonymous visitor, do not get it.
    const stranger = await signedIn('req-photo-stranger');
    expect((await stranger.get(src!)).status).toBe(404);
    expect((await request(ctx.app).get(src!)).status).toBe(303);
    // The handlers of its department see it; those of another department do not.
    const departmentOf = async (slug: string) =>
      ((await ctx.db('departments').where({ slug }).first('id')) as { id: number }).id;
    const green = await signedInStaff(ctx.app, ctx.db, ['handler']);
    const police = await signedInStaff(ctx.app, ctx.db, ['handler']);
    await ctx.db('department_handlers').insert([
      { department_id: await departmentOf('green'), user_id: green.id },
      { department_id: await departmentOf('police'), user_id: police.id },
    ]);
    const staffSrc = src!.replace('/requests/', '/staff/requests/');
    const seen = await green.agent.get(staffSrc);
    expect(seen.status).toBe(200);
    expect(seen.headers['content-type']).toBe('image/jpeg');
    expect((await police.agent.get(staffSrc)).status).toBe(404);
  });

  it('takes the citizen’s comments while open, and a reopening within 30 days of closing', async () => {
    const owner = await signedIn('req-owner');
    const filed = await fileOne(
      owner,
      {
        address: 'Λιμάνι',
        lat: '',
        lng: '',
        category: String(await categoryId('street-cleaning')),
      },
      { kind: 'request', title: 'Σκουπίδια στο λιμάνι', description: 'Μετά τη γιορτή.' },
    );
    const ref = filed.headers.location as string;
    const token = await csrfFrom(owner, ref);
    const commented = await owner
      .post(`${ref}/comment`)
      .field('_csrf', token)
      .field('comment', 'Ακόμη εκεί σήμερα.');
    expect(commented.status).toBe(303);
    expect((await owner.get(ref)).text).toContain('Ακόμη εκεί σήμερα.');
    // A follower or another citizen cannot comment.
    const other = await signedIn('req-other');
    const otherToken = await csrfFrom(other, '/requests/new');
    expect(
      (await other.post(`${ref}/comment`).field('_csrf', otherToken).field('comment', 'x')).status,
    ).toBe(404);

    const id = ((await ctx.db('requests').orderBy('id', 'desc').first('id')) as { id: number }).id;
    // Closed 31 days ago: too late.
    await ctx
      .db('requests')
      .where({ id })
      .update({ status: 'closed', closed_at: new Date(NOW.getTime() - 31 * 86_400_000) });
    expect(cheerio.load((await owner.get(ref)).text)(`form[action="${ref}/reopen"]`).length).toBe(
      0,
    );
    const late = await owner
      .post(`${ref}/reopen`)
      .type('form')
      .send({ _csrf: await csrfFrom(owner, '/requests/new'), reason: 'Δεν καθαρίστηκε.' });
    expect(late.status).toBe(400);
    expect(cheerio.load(late.text)('.govuk-error-summary').text()).toContain('30 ημέρες');
    // Closed 10 days ago: the form is there and reopens it, with an email.
    await ctx
      .db('requests')
      .where({ id })
      .update({ closed_at: new Date(NOW.getTime() - 10 * 86_400_000) });
    await drainMail(ctx.deps);
    const empty = await postForm(owner, ref, `${ref}/reopen`, { reason: '' });
    expect(empty.status).toBe(400);
    expect(cheerio.load(empty.text)('#reason-error').text()).toContain('γιατί ανοίγει ξανά');
    const reopened = await postForm(owner, ref, `${ref}/reopen`, { reason: 'Δεν καθαρίστηκε.' });
    expect(reopened.status).toBe(303);
    const row = (await ctx.db('requests').where({ id }).first('status', 'closed_at')) as {
      status: string;
      closed_at: Date | null;
    };
    expect(row).toEqual({ status: 'submitted', closed_at: null });
    const page = await owner.get(ref);
    expect(page.text).toContain('Δεν καθαρίστηκε.');
    expect(page.text).toContain('Άνοιξε ξανά');
    const mails = await drainMail(ctx.deps);
    const told = mails.find((m) => m.to === 'user.req-owner@example.gr');
    // The citizen's own words are not passed off as the department's note.
    expect(told?.text).toContain('Ο λόγος που δόθηκε:');
    expect(told?.text).not.toContain('Σημείωμα της υπηρεσίας');
  });
});
