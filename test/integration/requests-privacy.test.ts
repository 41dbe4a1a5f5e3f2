import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/features/api/api-keys.repository.ts';
import { MODULES } from '../../src/features/index.ts';
import type { Module, Person } from '../../src/features/module.ts';
import { eraseInOneTransaction } from '../../src/features/privacy/erasure.ts';
import { personOf } from '../../src/features/privacy/data-export.ts';
import {
  type Agent,
  createActiveUser,
  drainMail,
  newAgent,
  postForm,
  signIn,
} from '../helpers/accounts.ts';
import { rowsHolding } from '../helpers/privacy.ts';
import { insertRequest, insertRequestPhoto } from '../helpers/requests.ts';
import { afmFrom, signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

// Thursday 26 November 2026, 10:00 in Athens.
const NOW = new Date('2026-11-26T08:00:00Z');
const CENTRE = { lat: 35.1911, lng: 25.7164 };
const moduleNamed = (name: string) => MODULES.find((module) => module.name === name)!;
const requestsModule: Module = moduleNamed('requests');
/** The modules this test erases with (other modules' erasures are theirs to test). */
const ERASED = ['requests', 'open311', 'phone'].map(moduleNamed);
/** Every table of the requests, Open311 and phone modules. */
const TABLES = [
  'requests',
  'request_events',
  'request_followers',
  'request_photos',
  'request_documents',
  'request_recordings',
  'request_digests',
  'open311_reporters',
  'open311_status_links',
  'phone_calls',
];

const MARIA = {
  full_name: 'Μαρία Ξενοφώντος',
  email: 'maria.xenofontos@example.gr',
  phone_e164: '+306944123456',
  afm: afmFrom('12345678'),
};
const NIKOS_WORDS = 'Ο σκύλος του γείτονα Λεωνίδα γαβγίζει όλη νύχτα';

let ctx: TestContext;
let handler: { agent: Agent; id: number };
let maria: { id: number; agent: Agent; person: Person };
let nikos: { id: number; agent: Agent };
let eleni: { id: number; agent: Agent };

async function citizen(name: string, extra: Record<string, unknown> = {}) {
  const user = await createActiveUser(ctx.db, name, extra);
  const agent = newAgent(ctx.app);
  await signIn(agent, user.username, user.password);
  return { id: user.id, agent };
}

const pdf = () => ctx.deps.documents.save(Buffer.from('%PDF-1.4\n% test\n%%EOF\n'), 'pdf');

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => NOW } });
  const staff = await signedInStaff(ctx.app, ctx.db, ['handler']);
  handler = staff;
  const technical = (await ctx.db('departments').where({ slug: 'technical' }).first('id')) as {
    id: number;
  };
  await ctx.db('department_handlers').insert({ department_id: technical.id, user_id: staff.id });
  const m = await citizen('privacy-maria', MARIA);
  maria = { ...m, person: (await personOf(ctx.db, m.id))! };
  nikos = await citizen('privacy-nikos');
  eleni = await citizen('privacy-eleni');
});
afterAll(() => ctx.close());

describe('a citizen’s requests, downloaded and erased', () => {
  let open: { id: number; url: string };
  let published: { id: number; url: string };
  let nikosRequest: { id: number; url: string };
  let throughApp: string;
  const files: Record<string, string> = {};

  beforeAll(async () => {
    // Maria's open request: her comment, a photo, the department's notes (one naming her), a
    // public document and an internal one; Eleni follows it.
    open = await insertRequest(ctx.db, maria.id, 'pothole', {
      title: 'Λακκούβα μπροστά στο σπίτι μου',
      description: `Είμαι η ${MARIA.full_name}, καλέστε με στο 6944123456.`,
      status: 'assigned',
      assignee_id: handler.id,
    });
    await ctx.db('request_events').insert([
      {
        request_id: open.id,
        kind: 'comment',
        actor_id: maria.id,
        by_citizen: true,
        public_note: 'Μεγάλωσε κι άλλο σήμερα.',
      },
      {
        request_id: open.id,
        kind: 'status',
        status: 'in_progress',
        actor_id: handler.id,
        public_note: 'Το συνεργείο θα περάσει την Πέμπτη.',
        internal_note: `Τηλεφώνησε η ${MARIA.full_name} (${MARIA.phone_e164}), ΑΦΜ ${MARIA.afm}.`,
      },
    ]);
    const photo = await insertRequestPhoto(ctx.deps, open.id);
    files.openPhoto = (
      (await ctx.db('request_photos').where({ id: photo }).first('file')) as {
        file: string;
      }
    ).file;
    files.publicDocument = await pdf();
    files.internalDocument = await pdf();
    await ctx.db('request_documents').insert([
      {
        request_id: open.id,
        stored_name: files.publicDocument,
        original_name: 'Αυτοψία.pdf',
        size: 20,
        public: true,
        uploaded_by: handler.id,
      },
      {
        request_id: open.id,
        stored_name: files.internalDocument,
        original_name: 'Εσωτερικό σημείωμα.pdf',
        size: 20,
        public: false,
        uploaded_by: handler.id,
      },
    ]);
    await ctx.db('request_followers').insert({ request_id: open.id, user_id: eleni.id });

    // Maria's closed public request, her name allowed on the public list: one photo approved.
    published = await insertRequest(ctx.db, maria.id, 'pothole', {
      title: 'Σπασμένο πεζοδρόμιο',
      description: 'Σπασμένες πλάκες σε όλο το πεζοδρόμιο.',
      status: 'closed',
      closed_at: new Date('2026-11-24T09:00:00Z'),
      public: true,
      show_name: true,
    });
    await ctx.db('request_events').insert({
      request_id: published.id,
      kind: 'status',
      status: 'closed',
      actor_id: handler.id,
      public_note: 'Επισκευάστηκε.',
    });
    const approved = await insertRequestPhoto(ctx.deps, published.id, { approvedBy: handler.id });
    const unapproved = await insertRequestPhoto(ctx.deps, published.id, { colour: '#004488' });
    for (const [name, id] of [
      ['approvedPhoto', approved],
      ['unapprovedPhoto', unapproved],
    ] as const)
      files[name] = (
        (await ctx.db('request_photos').where({ id }).first('file')) as {
          file: string;
        }
      ).file;

    // Nikos's public request, which Maria follows.
    nikosRequest = await insertRequest(ctx.db, nikos.id, 'pothole', {
      title: 'Θόρυβος τη νύχτα',
      description: NIKOS_WORDS,
      public: true,
      show_name: true,
    });
    await ctx.db('request_events').insert({
      request_id: nikosRequest.id,
      kind: 'comment',
      actor_id: nikos.id,
      by_citizen: true,
      public_note: 'Σχόλιο του Νίκου μόνο για την υπηρεσία',
    });
    await ctx.db('request_followers').insert({ request_id: nikosRequest.id, user_id: maria.id });

    // A report Maria sent through an app (Open311) with her account's email.
    const { key } = await createApiKey(ctx.db, {
      appName: 'Δημότης App',
      scopes: ['open311:write'],
      createdBy: handler.id,
    });
    const sent = await request(ctx.app).post('/open311/v2/requests.json').type('form').send({
      api_key: key,
      service_code: 'pothole',
      lat: '35.1811',
      long: '25.7064',
      description: 'Λακκούβα· ειδοποιήστε τη Μαρία Ξενοφώντος στο +30 6944 123456',
      email: 'Maria.Xenofontos@example.gr',
      first_name: 'Μαρία',
      last_name: 'Ξενοφώντος',
      phone: '+30 6944 123456',
    });
    expect(sent.status).toBe(200);
    throughApp = (sent.body as { service_request_id: string }[])[0]!.service_request_id;
  });

  it('exports her requests, comments, photos, documents and the one she follows, nobody else’s', async () => {
    const exported = await requestsModule.exportFor!(maria.person, ctx.db);
    const text = JSON.stringify(exported);
    const data = exported as {
      requestsFiled: {
        reference: string;
        description: string;
        timeline: { what: string; note: string | null; byYou: boolean }[];
        photos: { file: string; approvedForThePublicList: boolean }[];
        documents: { file: string; name: string }[];
        filedAt: string;
      }[];
      requestsFollowed: { reference: string; title: string | null; departmentNotes: unknown[] }[];
    };
    expect(data.requestsFiled.map((r) => r.reference)).toEqual([open.url, published.url]);
    const [first, second] = data.requestsFiled;
    expect(first!.description).toContain(MARIA.full_name);
    expect(first!.filedAt).toBe('2026-11-20T10:00:00.000Z');
    expect(first!.timeline).toContainEqual(
      expect.objectContaining({ what: 'comment', byYou: true, note: 'Μεγάλωσε κι άλλο σήμερα.' }),
    );
    expect(first!.timeline).toContainEqual(
      expect.objectContaining({ what: 'status', note: 'Το συνεργείο θα περάσει την Πέμπτη.' }),
    );
    // Never a note only staff see, a staff member's name or an internal document.
    expect(text).not.toContain('Τηλεφώνησε');
    expect(text).not.toContain('Υπάλληλος');
    expect(text).not.toContain('Εσωτερικό σημείωμα');
    expect(first!.photos).toEqual([
      expect.objectContaining({ file: `${open.url}/photo-1.jpg`, approvedForThePublicList: false }),
    ]);
    expect(first!.documents).toEqual([
      expect.objectContaining({ file: `${open.url}/document-1.pdf`, name: 'Αυτοψία.pdf' }),
    ]);
    expect(second!.photos.map((p) => p.approvedForThePublicList)).toEqual([true, false]);
    // The followed request: its public facts only, never Nikos's words, comment or name.
    expect(data.requestsFollowed).toEqual([
      expect.objectContaining({ reference: nikosRequest.url, title: 'Θόρυβος τη νύχτα' }),
    ]);
    expect(text).not.toContain(NIKOS_WORDS);
    expect(text).not.toContain('Σχόλιο του Νίκου');
    expect(text).not.toContain('privacy-nikos');

    const exportedFiles = await requestsModule.exportFiles!(maria.person, ctx.db);
    expect(exportedFiles).toEqual([
      { path: `${open.url}/photo-1.jpg`, documentKey: files.openPhoto },
      { path: `${published.url}/photo-1.jpg`, documentKey: files.approvedPhoto },
      { path: `${published.url}/photo-2.jpg`, documentKey: files.unapprovedPhoto },
      { path: `${open.url}/document-1.pdf`, documentKey: files.publicDocument },
    ]);
    // Nikos's export has none of Maria's.
    const nikosExport = JSON.stringify(
      await requestsModule.exportFor!((await personOf(ctx.db, nikos.id))!, ctx.db),
    );
    expect(nikosExport).not.toContain(MARIA.full_name);
    expect(nikosExport).not.toContain(open.url);
  });

  it('erases her: the open request withdrawn, no trace of her, the public facts kept', async () => {
    await drainMail(ctx.deps);
    await eraseInOneTransaction(ctx.deps, maria.person, ERASED);

    const identifiers = [
      MARIA.full_name,
      MARIA.email,
      MARIA.phone_e164,
      '6944123456',
      '6944 123456',
      MARIA.afm,
    ];
    for (const value of identifiers)
      expect(await rowsHolding(ctx.db, value, TABLES), value).toEqual([]);

    const withdrawn = (await ctx.db('requests').where({ id: open.id }).first()) as Record<
      string,
      unknown
    >;
    expect(withdrawn).toMatchObject({
      status: 'closed',
      closed_at: NOW,
      user_id: null,
      description: '[Διαγράφηκε κατόπιν αιτήματος του πολίτη]',
      title: '[Διαγράφηκε κατόπιν αιτήματος του πολίτη]',
      address: 'Οδός Κουντούρου 5',
    });
    const events = (await ctx
      .db('request_events')
      .where({ request_id: open.id })
      .orderBy('id')
      .select('kind', 'status', 'by_citizen', 'public_note', 'actor_id')) as Record<
      string,
      unknown
    >[];
    expect(events.at(-1)).toEqual({
      kind: 'withdrawn',
      status: 'closed',
      by_citizen: true,
      public_note: null,
      actor_id: null,
    });
    expect(events.find((e) => e.kind === 'comment')?.public_note).toBe(
      '[Διαγράφηκε κατόπιν αιτήματος του πολίτη]',
    );
    // The department's public note stays; its internal note keeps all but her identifiers.
    expect(events.find((e) => e.kind === 'status')?.public_note).toBe(
      'Το συνεργείο θα περάσει την Πέμπτη.',
    );
    const internal = (await ctx
      .db('request_events')
      .where({ request_id: open.id, kind: 'status' })
      .first('internal_note')) as { internal_note: string };
    expect(internal.internal_note).toBe(
      'Τηλεφώνησε η [διαγράφηκε] ([διαγράφηκε]), ΑΦΜ [διαγράφηκε].',
    );

    // The published request keeps its public facts and approved photo, without her name.
    const kept = (await ctx.db('requests').where({ id: published.id }).first()) as Record<
      string,
      unknown
    >;
    expect(kept).toMatchObject({
      status: 'closed',
      title: 'Σπασμένο πεζοδρόμιο',
      public: true,
      show_name: false,
      user_id: null,
    });
    expect(
      await ctx.db('request_photos').where({ request_id: published.id }).pluck('file'),
    ).toEqual([files.approvedPhoto]);
    const page = await newAgent(ctx.app).get(`/requests/public/${published.url}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Σπασμένο πεζοδρόμιο');
    expect(page.text).toContain('Επισκευάστηκε.');
    expect(page.text).not.toContain('Ξενοφώντος');
    // What she wrote is gone; the marker reads in the reader's language.
    expect(page.text).toContain('[Διαγράφηκε κατόπιν αιτήματος του πολίτη]');
    const english = await newAgent(ctx.app).get(`/requests/public/${published.url}?lang=en`);
    expect(english.text).toContain('[Erased at the citizen’s request]');
    expect(english.text).not.toContain('[Διαγράφηκε');

    // Files: hers gone once committed; the department's documents and the public photo kept.
    const store = ctx.deps.documents;
    expect(await store.exists(files.openPhoto!)).toBe(false);
    expect(await store.exists(files.unapprovedPhoto!)).toBe(false);
    expect(await store.exists(files.approvedPhoto!)).toBe(true);
    expect(await store.exists(files.publicDocument!)).toBe(true);
    expect(await store.exists(files.internalDocument!)).toBe(true);

    // She follows nothing; Eleni still follows the withdrawn request and is told, as the handler.
    expect(await ctx.db('request_followers').where({ user_id: maria.id })).toEqual([]);
    expect(
      await ctx.db('request_followers').where({ request_id: open.id }).pluck('user_id'),
    ).toEqual([eleni.id]);
    const mails = await drainMail(ctx.deps);
    expect(mails.map((mail) => mail.to)).not.toContain(MARIA.email);
    const toEleni = mails.find((mail) => mail.to === 'user.privacy-eleni@example.gr');
    expect(toEleni?.text).toContain('αποσύρθηκε από τον πολίτη που το υπέβαλε');
    // Not published: the mail names its category, not her title.
    expect(toEleni?.text).toContain('«Λακκούβα»');
    const handlerEmail = (await ctx.db('users').where({ id: handler.id }).first('email')) as {
      email: string;
    };
    expect(mails.find((mail) => mail.to === handlerEmail.email)?.text).toContain(
      'Ο πολίτης απέσυρε το αίτημα',
    );

    // Her report through an app: withdrawn too, her words and details gone.
    const [year, number] = throughApp.split('-').map(Number);
    expect(
      await ctx
        .db('requests as r')
        .join('open311_reporters as o', 'o.request_id', 'r.id')
        .where({ 'r.year': year, 'r.number': number })
        .first('r.status', 'r.description', 'o.email', 'o.first_name', 'o.phone'),
    ).toEqual({
      status: 'closed',
      description: '[Διαγράφηκε κατόπιν αιτήματος του πολίτη]',
      email: null,
      first_name: null,
      phone: null,
    });

    // Nikos's request is untouched; the handlers' page shows the withdrawal.
    expect(await ctx.db('requests').where({ id: nikosRequest.id }).first('description')).toEqual({
      description: NIKOS_WORDS,
    });
    const staffPage = cheerio.load((await handler.agent.get(`/staff/requests/${open.url}`)).text);
    expect(staffPage('body').text()).toContain('Αποσύρθηκε από τον πολίτη');
  });
});

describe('the privacy notice on the requests’ forms', () => {
  const noticeOf = (html: string) => {
    const $ = cheerio.load(html);
    return $('form .privacy-notice')
      .map((_i, notice) => $(notice).text().replace(/\s+/g, ' '))
      .get();
  };

  it('stands before the submit button of each form, in Greek and English', async () => {
    const agent = eleni.agent;
    for (const [lang, what, why] of [
      [
        'el',
        'Το σημείο (διεύθυνση ή/και θέση στον χάρτη)',
        'Για να χειριστεί η αρμόδια υπηρεσία το αίτημά σας',
      ],
      [
        'en',
        'The place (address and/or point on the map)',
        'So that the department in charge can handle your request',
      ],
    ] as const) {
      const page = await agent.get(`/requests/new?lang=${lang}`);
      expect(page.status).toBe(200);
      const notices = noticeOf(page.text);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain(what);
      expect(notices[0]).toContain(why);
      // Just before the button.
      const $ = cheerio.load(page.text);
      expect($('form .privacy-notice').next().is('button[type="submit"]')).toBe(true);
    }

    // The details step and its notice, after the first step.
    const pothole = (await ctx.db('request_categories').where({ slug: 'pothole' }).first('id')) as {
      id: number;
    };
    const step1 = await postForm(agent, '/requests/new', '/requests/new', {
      address: 'Πλατεία',
      lat: '35.1700',
      lng: '25.7000',
      category: String(pothole.id),
    });
    expect(step1.status).toBe(303);
    for (const [lang, who] of [
      ['el', 'Το προσωπικό της αρμόδιας υπηρεσίας.'],
      ['en', 'The staff of the department in charge.'],
    ] as const) {
      const details = await agent.get(`/requests/new/details?lang=${lang}`);
      expect(details.status).toBe(200);
      expect(noticeOf(details.text).join()).toContain(who);
    }

    // Near an open request of the same category: the follow buttons' notice.
    await insertRequest(ctx.db, nikos.id, 'pothole', {
      lat: CENTRE.lat,
      lng: CENTRE.lng,
    });
    await postForm(agent, '/requests/new', '/requests/new', {
      address: 'Ακτή',
      lat: String(CENTRE.lat),
      lng: String(CENTRE.lng),
      category: String(pothole.id),
    });
    for (const [lang, what] of [
      ['el', 'Ότι παρακολουθείτε το αίτημα'],
      ['en', 'That you follow the request'],
    ] as const) {
      const similar = await agent.get(`/requests/new/similar?lang=${lang}`);
      expect(similar.status).toBe(200);
      const $ = cheerio.load(similar.text);
      expect($('.privacy-notice').text()).toContain(what);
      expect($('form[action="/requests/follow"]').length).toBeGreaterThan(0);
    }
  });

  it('is on the comment and reopen forms of the citizen’s own request', async () => {
    const openOne = await insertRequest(ctx.db, eleni.id, 'pothole');
    const closedOne = await insertRequest(ctx.db, eleni.id, 'pothole', {
      status: 'closed',
      closed_at: new Date('2026-11-25T09:00:00Z'),
    });
    for (const [lang, comment, reopen] of [
      ['el', 'Ό,τι γράφετε και τις φωτογραφίες', 'Τον λόγο για τον οποίο ανοίγετε ξανά'],
      ['en', 'What you write and the photos you add', 'Your reason for reopening'],
    ] as const) {
      const page = await eleni.agent.get(`/requests/${openOne.url}?lang=${lang}`);
      const $ = cheerio.load(page.text);
      const notice = $(`form[action="/requests/${openOne.url}/comment"] .privacy-notice`);
      expect(notice.text()).toContain(comment);
      expect(notice.next().is('button[type="submit"]')).toBe(true);
      const closed = cheerio.load(
        (await eleni.agent.get(`/requests/${closedOne.url}?lang=${lang}`)).text,
      );
      expect(
        closed(`form[action="/requests/${closedOne.url}/reopen"] .privacy-notice`).text(),
      ).toContain(reopen);
    }
  });
});
