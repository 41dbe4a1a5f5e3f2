import { readFile } from 'node:fs/promises';
import * as cheerio from 'cheerio';
import iconv from 'iconv-lite';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from '../../src/features/module-jobs.ts';
import { ROLL_IMPORT_QUEUE } from '../../src/features/roll/imports/roll-imports.service.ts';
import { type Agent, createActiveUser, formTokens } from '../helpers/accounts.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let admin: Agent;

const HEADER =
  'record_number;municipal_unit;address;person_id;relation;surname;given_name;father_name;mother_name;birth_date;birth_place;sex;marital_status;afm;registered_on;deceased_on;struck_off_on';
const seed = (name: string) => readFile(new URL(`../../seeds/roll/${name}`, import.meta.url));

/** Runs the jobs the uploads queued, as the worker would (the module's own job handler). */
async function runQueuedImports(): Promise<number> {
  const job = ctx.deps.modules
    .flatMap((m) => m.jobs ?? [])
    .find((j) => j.name === ROLL_IMPORT_QUEUE)!;
  let ran = 0;
  for (;;) {
    const jobs = await ctx.deps.boss.fetch(ROLL_IMPORT_QUEUE, { batchSize: 10 });
    if (!jobs.length) return ran;
    for (const one of jobs) {
      await job.run!(ctx.deps, one.data);
      await ctx.deps.boss.complete(ROLL_IMPORT_QUEUE, one.id);
      ran += 1;
    }
  }
}

async function upload(content: Buffer | string, name = 'roll.csv') {
  const tokens = await formTokens(admin, '/staff/roll', '/staff/roll/imports');
  return admin
    .post('/staff/roll/imports')
    .field('_csrf', tokens._csrf)
    .field('_submission', tokens._submission)
    .attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content), name);
}

/** Uploads a file as an admin does, runs its job, and reads the import's page. */
async function importAndRun(content: Buffer | string, lang = 'el') {
  const res = await upload(content);
  expect(res.status).toBe(303);
  const path = res.headers.location as string;
  expect(path).toMatch(/^\/staff\/roll\/imports\/\d+$/);
  const before = cheerio.load((await admin.get(path)).text);
  expect(before('.app-import-status').first().text()).toBe('Σε αναμονή');
  expect(before('[data-refresh-after]').find(`a[href="${path}"]`).length).toBe(1);
  expect(await runQueuedImports()).toBe(1);
  const page = await admin.get(`${path}?lang=${lang}`);
  // The language is remembered: back to Greek for the next page.
  if (lang !== 'el') await admin.get(`${path}?lang=el`);
  return { path, id: Number(path.split('/').pop()), $: cheerio.load(page.text) };
}

const summary = ($: cheerio.CheerioAPI) =>
  Object.fromEntries(
    $('.govuk-summary-list__row')
      .toArray()
      .map((row) => [
        $(row).find('dt').text().trim(),
        $(row).find('dd').text().replace(/\s+/g, ' ').trim(),
      ]),
  );

const reported = ($: cheerio.CheerioAPI) =>
  $('table tbody tr')
    .toArray()
    .map((row) =>
      $(row)
        .find('td')
        .toArray()
        .slice(0, 3)
        .map((td) => $(td).text().trim()),
    );

/** The roll as rows, to see that a rejected import changed nothing. */
const snapshot = async () => ({
  records: await ctx.db('roll_records').orderBy('id').select(),
  persons: await ctx.db('roll_persons').orderBy('id').select(),
});

beforeAll(async () => {
  ctx = await createTestContext();
  admin = (await signedInStaff(ctx.app, ctx.db, ['admin'])).agent;
});
afterAll(async () => {
  await ctx.close();
});

describe('importing the municipal roll', () => {
  it('imports the registry export in Windows-1253 with `;` and Greek words, and counts what it did', async () => {
    const { $, id } = await importAndRun(await seed('roll.csv'));
    expect($('.app-import-status').first().text()).toBe('Ολοκληρώθηκε');
    const facts = summary($);
    expect(facts['Αρχείο']).toMatch(/WINDOWS-1253/);
    expect(facts['Νέα πρόσωπα']).toBe('20');
    expect(facts['Νέες μερίδες']).toBe('7');
    expect(facts['Πρόσωπα χωρίς αλλαγή']).toBe('0');

    const head = await ctx.services.roll.personByAfm('102938470');
    expect(head).toMatchObject({
      source_id: '50101',
      relation: 'head',
      surname: 'Μανωλάκης',
      given_name: 'Γιώργος',
      father_name: 'Ιωάννης',
      mother_name: 'Ελένη',
      birth_date: '1979-05-14',
      birth_place: 'Άγιος Νικόλαος',
      sex: 'M',
      marital_status: 'married',
      deceased_on: null,
    });
    const family = await ctx.services.roll.recordOf(head!);
    expect(family!.record).toMatchObject({
      record_number: '1203',
      municipal_unit: 'Αγίου Νικολάου',
      address: 'Κουντούρου 12, Άγιος Νικόλαος',
    });
    expect(family!.members.map((m) => [m.given_name, m.relation, m.sex, m.afm])).toEqual([
      ['Γιώργος', 'head', 'M', '102938470'],
      ['Κατερίνα', 'spouse', 'F', '203040507'],
      ['Ιωάννης', 'child', 'M', null],
      ['Ελένη', 'child', 'F', null],
    ]);
    const mother = await ctx.services.roll.personByAfm('066194204');
    expect([mother!.relation, mother!.marital_status]).toEqual(['parent', 'widowed']);
    const deceased = await ctx.db('roll_persons').whereNotNull('deceased_on').select();
    expect(deceased.map((p) => [p.source_id, p.deceased_on])).toEqual([['50301', '2021-11-02']]);
    const audit = await ctx.db('audit_log').where({ entity_type: 'roll_import', entity_id: id });
    expect(audit.map((a) => a.action).sort()).toEqual([
      'roll.import_created',
      'roll.import_merged',
    ]);
    expect(Number((await ctx.db('roll_staging').count('* as n'))[0]!.n)).toBe(0);
  });

  it('changes nothing when the same roll comes again, in UTF-8 with a BOM and commas', async () => {
    const before = await ctx.db('roll_persons').orderBy('id').select('id', 'updated_at');
    const text = iconv.decode(await seed('roll.csv'), 'windows-1253');
    // Commas between fields: the addresses, which have commas, quoted as Excel does.
    const utf8 = text
      .split('\r\n')
      .map((line) =>
        line
          .split(';')
          .map((field) => (field.includes(',') ? `"${field}"` : field))
          .join(','),
      )
      .join('\r\n');
    const { $ } = await importAndRun(Buffer.from(`\uFEFF${utf8}`, 'utf8'), 'en');
    const facts = summary($);
    expect(facts['File']).toMatch(/UTF-8/);
    expect([facts['New persons'], facts['Persons changed'], facts['Persons unchanged']]).toEqual([
      '0',
      '0',
      '20',
    ]);
    expect([facts['New family records'], facts['Family records changed']]).toEqual(['0', '0']);
    expect($('.govuk-notification-banner').text()).toContain('nothing changed');
    expect(await ctx.db('roll_persons').orderBy('id').select('id', 'updated_at')).toEqual(before);
  });

  it('moves a person to another record and an AFM from one person to another, as updates', async () => {
    const rows = [
      HEADER,
      // The younger son now lives with his grandmother's family; two AFMs change hands.
      '2417;Κριτσάς;Κεντρική οδός 8, Κριτσά;50103;other;Μανωλάκης;Ιωάννης;Γιώργος;Κατερίνα;2010-02-11;Άγιος Νικόλαος;M;single;;;;',
      '3105;Νεάπολης;Ελευθερίου Βενιζέλου 31, Νεάπολη;50303;child;Κουτάκης;Σταύρος;Μιχαήλ;Αγγελική;1985-12-09;Νεάπολη;M;single;155022895;1985-12-09;;',
      '1877;Αγίου Νικολάου;Ρούσου Καπετανάκη 4, Άγιος Νικόλαος;50403;child;Σπανάκης;Εμμανουήλ;Δημήτριος;Ευαγγελία;2001-06-27;Ηράκλειο;M;single;134679020;2001-06-27;;',
    ].join('\n');
    const { $ } = await importAndRun(rows);
    const facts = summary($);
    expect([facts['Νέα πρόσωπα'], facts['Πρόσωπα που άλλαξαν']]).toEqual(['0', '3']);
    expect(facts['Μερίδες που άλλαξαν']).toBe('0');
    const moved = await ctx.db('roll_persons').where({ source_id: '50103' }).first();
    const record = await ctx.db('roll_records').where({ id: moved.record_id }).first();
    expect([record.record_number, moved.relation]).toEqual(['2417', 'other']);
    expect((await ctx.services.roll.personByAfm('155022895'))!.source_id).toBe('50303');
    expect((await ctx.services.roll.personByAfm('134679020'))!.source_id).toBe('50403');
  });

  it('imports nothing from a file with bad rows, and reports every one (line, column, reason)', async () => {
    const before = await snapshot();
    const { $, path, id } = await importAndRun(await seed('roll-bad-rows.csv'));
    expect($('.app-import-status').first().text()).toBe('Απορρίφθηκε');
    expect(reported($)).toEqual([
      ['3', 'relation', expect.stringMatching(/^Άγνωστη σχέση/)],
      ['3', 'birth_date', expect.stringMatching(/^Μη έγκυρη ημερομηνία/)],
      ['3', 'sex', expect.stringMatching(/^Άγνωστο φύλο/)],
      ['3', 'marital_status', expect.stringMatching(/^Άγνωστη οικογενειακή κατάσταση/)],
      ['3', 'afm', 'Μη έγκυρος ΑΦΜ (9 ψηφία με σωστό ψηφίο ελέγχου)'],
      ['4', 'given_name', 'Λείπει: η στήλη είναι υποχρεωτική'],
      ['4', 'record_number', expect.stringMatching(/διαφέρει από την πρώτη γραμμή της μερίδας/)],
      ['4', 'relation', 'Η μερίδα έχει ήδη αρχηγό σε προηγούμενη γραμμή του αρχείου'],
      ['5', 'person_id', 'Η ίδια τιμή υπάρχει σε προηγούμενη γραμμή του αρχείου'],
      ['5', 'birth_date', 'Η ημερομηνία γέννησης είναι στο μέλλον'],
      ['5', 'afm', 'Η ίδια τιμή υπάρχει σε προηγούμενη γραμμή του αρχείου'],
      ['5', 'deceased_on', 'Η ημερομηνία θανάτου είναι πριν από τη γέννηση'],
    ]);
    expect($('.govuk-error-summary').text()).toContain('3 γραμμές έχουν λάθη (12 συνολικά)');
    // The good first row was not imported either: nothing is half-imported.
    expect(await snapshot()).toEqual(before);
    const report = await admin.get(`${path}/report.csv`);
    expect(report.headers['content-type']).toMatch(/text\/csv/);
    expect(report.text.startsWith('\uFEFF"Γραμμή";"Στήλη";"Λάθος";"Τιμή"')).toBe(true);
    expect(report.text).toContain('"3";"relation";"Άγνωστη σχέση');
    expect(report.text).toContain('"5";"deceased_on";"Η ημερομηνία θανάτου');
    expect(report.text.trim().split('\r\n')).toHaveLength(13);
    const audit = await ctx.db('audit_log').where({ entity_type: 'roll_import', entity_id: id });
    expect(audit.map((a) => a.action).sort()).toEqual([
      'roll.import_created',
      'roll.import_rejected',
    ]);
    expect(Number((await ctx.db('roll_staging').count('* as n'))[0]!.n)).toBe(0);
  });

  it('refuses an AFM another person on the roll keeps, and a second head for a record', async () => {
    const before = await snapshot();
    const { $ } = await importAndRun(
      [
        HEADER,
        '1203;Αγίου Νικολάου;Κουντούρου 12, Άγιος Νικόλαος;59100;αρχηγός;Μανωλάκης;Γιώργος;Ιωάννης;Ελένη;14/05/1979;Άγιος Νικόλαος;Α;;102938470;;;',
        // The same AFM is fine for the person who has it, and a head may stay the head.
        '1203;Αγίου Νικολάου;Κουντούρου 12, Άγιος Νικόλαος;50101;αρχηγός;Μανωλάκης;Γιώργος;Ιωάννης;Ελένη;14/05/1979;Άγιος Νικόλαος;Α;έγγαμος;102938470;14/05/1979;;',
      ].join('\n'),
    );
    expect(reported($)).toEqual([
      ['2', 'relation', 'Η μερίδα έχει ήδη άλλον αρχηγό στο δημοτολόγιο'],
      ['2', 'afm', 'Ο ΑΦΜ ανήκει ήδη σε άλλο πρόσωπο του δημοτολογίου'],
      ['3', 'relation', 'Η μερίδα έχει ήδη αρχηγό σε προηγούμενη γραμμή του αρχείου'],
      ['3', 'afm', 'Η ίδια τιμή υπάρχει σε προηγούμενη γραμμή του αρχείου'],
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('takes a new head for a record when the same file gives the old head another place', async () => {
    const { $ } = await importAndRun(
      [
        HEADER,
        '2417;Κριτσάς;Κεντρική οδός 8, Κριτσά;50202;αρχηγός;Βασιλάκη;Ειρήνη;Γεώργιος;Μαρία;05/04/1943;Κριτσά;Θ;χήρα;066194204;12/09/1965;;',
        '2417;Κριτσάς;Κεντρική οδός 8, Κριτσά;50201;τέκνο;Βασιλάκης;Νίκος;Εμμανουήλ;Ειρήνη;22/10/1968;Κριτσά;Α;διαζευγμένος;112233441;22/10/1968;;',
      ].join('\n'),
    );
    expect(summary($)['Πρόσωπα που άλλαξαν']).toBe('2');
    const heads = await ctx
      .db('roll_persons as p')
      .join('roll_records as r', 'r.id', 'p.record_id')
      .where({ 'r.record_number': '2417', 'p.relation': 'head' })
      .pluck('p.source_id');
    expect(heads).toEqual(['50202']);
  });

  it('fails a file without the columns it needs, naming them, and one with no rows', async () => {
    const { $ } = await importAndRun('record_number;person_id;surname\n1;2;Χ\n');
    expect($('.app-import-status').first().text()).toBe('Απέτυχε');
    expect($('.govuk-error-summary').text()).toContain(
      'municipal_unit, relation, given_name, birth_date, sex, address, father_name, mother_name, birth_place',
    );
    const empty = await importAndRun(`${HEADER}\n`);
    expect(empty.$('.govuk-error-summary').text()).toContain('δεν έχει γραμμές δεδομένων');
  });

  it('marks an import cut short by a stopped worker as failed, after an hour', async () => {
    const [row] = await ctx
      .db('roll_imports')
      .insert({
        channel: 'upload',
        file_name: 'stuck.csv',
        file_key: 'none.csv',
        file_bytes: 1,
        file_sha256: 'x',
        status: 'running',
        started_at: new Date(Date.now() - 2 * 60 * 60 * 1000),
      })
      .returning<{ id: number }[]>('id');
    await ctx.db('roll_staging').insert({ import_id: row!.id, line: 2, person_id: 'x' });
    await runMaintenance(ctx.deps);
    const after = await ctx.db('roll_imports').where({ id: row!.id }).first();
    expect([after.status, after.failure]).toEqual(['failed', 'interrupted']);
    expect(await ctx.db('roll_staging').where({ import_id: row!.id })).toEqual([]);
    const page = cheerio.load((await admin.get(`/staff/roll/imports/${row!.id}`)).text);
    expect(page('.govuk-error-summary').text()).toContain('διακόπηκε');
  });
});

describe('the upload form and who may use it', () => {
  it('refuses a form without a file, or with a spreadsheet, next to the field', async () => {
    for (const [file, message] of [
      [undefined, 'Επιλέξτε το αρχείο CSV'],
      [Buffer.from('PK\u0003\u0004rest of a zip'), 'βιβλίο Excel'],
    ] as const) {
      const tokens = await formTokens(admin, '/staff/roll', '/staff/roll/imports');
      let post = admin
        .post('/staff/roll/imports')
        .field('_csrf', tokens._csrf)
        .field('_submission', tokens._submission);
      if (file) post = post.attach('file', file, 'roll.xlsx');
      const res = await post;
      expect(res.status).toBe(400);
      const $ = cheerio.load(res.text);
      expect($('#file-error').text()).toContain(message);
      expect($('.govuk-error-summary a[href="#file"]').length).toBe(1);
    }
  });

  it('is for admins only: other staff get 403, visitors are sent to sign in', async () => {
    const finance = (await signedInStaff(ctx.app, ctx.db, ['finance', 'clerk'])).agent;
    for (const path of ['/staff/roll', '/staff/roll/search?q=Μαν', '/staff/roll/imports/1'])
      expect((await finance.get(path)).status, path).toBe(403);
    const anonymous = await request(ctx.app).get('/staff/roll');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login/);
    const nav = cheerio.load((await admin.get('/staff')).text);
    expect(nav('a[href="/staff/roll"]').first().text()).toContain('Δημοτολόγιο');
  });
});

describe('looking up the roll', () => {
  it('finds people by the start of the surname, whatever the accents and case', async () => {
    for (const q of ['μανωλακ', 'ΜΑΝΩΛΆΚΗ']) {
      const $ = cheerio.load(
        (await admin.get(`/staff/roll/search?q=${encodeURIComponent(q)}`)).text,
      );
      const names = $('.app-roll-results tbody tr td:first-child')
        .toArray()
        .map((td) => $(td).text().trim());
      expect(names, q).toEqual(['Μανωλάκη Ελένη', 'Μανωλάκης Γιώργος', 'Μανωλάκης Ιωάννης']);
    }
    // `%` is a letter like any other, not a wildcard.
    const wildcard = cheerio.load((await admin.get('/staff/roll/search?q=%25%25')).text);
    expect(wildcard('.app-roll-results').length).toBe(0);
    expect(wildcard('#results-heading').text()).toContain('0 πρόσωπα');
  });

  it('finds a person by AFM and a family by its record number, and shows the record', async () => {
    const byAfm = cheerio.load((await admin.get('/staff/roll/search?q=203040507&lang=en')).text);
    expect(byAfm('.app-roll-results tbody tr').length).toBe(1);
    expect(byAfm('.app-roll-results tbody td').first().text().trim()).toBe('Κουτάκη Κατερίνα');
    const byRecord = cheerio.load((await admin.get('/staff/roll/search?q=3105&lang=el')).text);
    const link = byRecord('.app-roll-results a').first().attr('href')!;
    expect(byRecord('.app-roll-results tbody tr').length).toBe(3);

    await createActiveUser(ctx.db, 'roll-widow', {
      afm: '055288370',
      identity_verified_at: new Date(),
      identity_channel: 'counter',
    });
    for (const lang of ['en', 'el']) {
      const $ = cheerio.load((await admin.get(`${link}?lang=${lang}`)).text);
      expect($('h1').text()).toBe(lang === 'el' ? 'Μερίδα 3105' : 'Family record 3105');
      const cards = $('.app-roll-member')
        .toArray()
        .map((card) =>
          $(card).find('.govuk-summary-card__title').text().replace(/\s+/g, ' ').trim(),
        );
      expect(cards).toEqual(
        lang === 'el'
          ? [
              'Μιχαήλ Κουτάκης (Αρχηγός οικογένειας) Απεβίωσε',
              'Αγγελική Κουτάκη (Σύζυγος)',
              'Σταύρος Κουτάκης (Τέκνο)',
            ]
          : [
              'Μιχαήλ Κουτάκης (Head of the family) Deceased',
              'Αγγελική Κουτάκη (Spouse)',
              'Σταύρος Κουτάκης (Child)',
            ],
      );
      const widow = summary(cheerio.load($('.app-roll-member').eq(1).html()!));
      if (lang === 'el') {
        expect(widow['Οικογενειακή κατάσταση']).toBe('Χήρος/α');
        expect(widow['ΑΦΜ']).toBe('055288370 (επαληθευμένος λογαριασμός στην πύλη)');
        expect(widow['Γέννηση']).toBe('17 Αυγούστου 1954, Λατσίδα');
      }
    }
    expect((await admin.get('/staff/roll/records/999999')).status).toBe(404);
    // One letter is not a search.
    const short = cheerio.load((await admin.get('/staff/roll/search?q=Μ')).text);
    expect(short('main').text()).toContain('τουλάχιστον 2 χαρακτήρες');
  });

  it('renders its pages in English as well (each checked by html-validate)', async () => {
    for (const path of ['/staff/roll?lang=en', '/staff/roll/search?lang=en']) {
      const res = await admin.get(path);
      expect(res.status, path).toBe(200);
      expect(res.text).not.toMatch(/roll\.[a-z]+\.[a-z]/);
    }
  });
});
