import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser, csrfFrom, newAgent, signIn, type Agent } from '../helpers/accounts.ts';
import { STATUS_TAG } from '../../src/features/polls/polls.present.ts';
import { versionOf } from '../../src/features/polls/polls.service.ts';
import { athensDate } from '../../src/lib/format.ts';
import {
  insertPoll,
  castVote as castVoteAs,
  pollVoter,
  tallyOf as countsOf,
} from '../helpers/polls.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const POLLS = '/staff/polls';
let ctx: TestContext;
let editor: Agent;
let editorId: number;

beforeAll(async () => {
  ctx = await createTestContext();
  ({ agent: editor, id: editorId } = await signedInStaff(ctx.app, ctx.db, ['editor']));
});
afterAll(() => ctx.close());

const $ = (html: string) => cheerio.load(html);
/** This year on Athens' clock, as the form's years are checked against it. */
const THIS_YEAR = Number(athensDate(new Date()).slice(0, 4));
const YEAR = THIS_YEAR + 2;
const LAST_YEAR = String(THIS_YEAR - 1);

/** A complete poll's form (two options, web only); `extra` changes or adds fields. */
const pollForm = (extra: Record<string, string> = {}) => ({
  questionEl: 'Πού να γίνει το νέο πάρκο;',
  questionEn: 'Where should the new park be?',
  descriptionEl: 'Δύο οικόπεδα του δήμου.\nΔιαλέξτε ένα.',
  descriptionEn: 'Two plots the municipality owns.\nChoose one.',
  'opensAt-day': '15',
  'opensAt-month': '7',
  'opensAt-year': String(YEAR),
  opensAtTime: '9:00',
  'closesAt-day': '1',
  'closesAt-month': '12',
  'closesAt-year': String(YEAR),
  closesAtTime: '21:30',
  electorate: 'accounts',
  option1LabelEl: 'Στον Αλμυρό',
  option1LabelEn: 'At Almyros',
  option3LabelEl: 'Στην Κρυά Βρύση',
  option3LabelEn: 'At Krya Vrysi',
  ...extra,
});

async function post(path: string, fields: Record<string, string>, agent = editor) {
  const _csrf = await csrfFrom(agent, `${POLLS}/new`);
  return agent
    .post(path)
    .type('form')
    .send({ _csrf, ...fields });
}

/** The message shown in a field's own form group. */
const messageAt = (html: string, field: string) =>
  $(html)(`[id="${field}"]`)
    .closest('.govuk-form-group')
    .find('.govuk-error-message')
    .first()
    .text()
    .replace(/\s+/g, ' ')
    .trim();

/** Where the error summary's links go, in its order. */
const summaryLinks = (html: string) => {
  const page = $(html);
  return page('.govuk-error-summary a')
    .map((_i, a) => page(a).attr('href'))
    .get();
};

/** Nine options, each with its texts; `spoken` false: without the phone's short texts. */
const nineOptions = (spoken = true) =>
  Object.fromEntries(
    Array.from({ length: 9 }, (_, i) => [
      [`option${i + 1}LabelEl`, `Επιλογή ${i + 1}`],
      [`option${i + 1}LabelEn`, `Option ${i + 1}`],
      ...(spoken
        ? [
            [`option${i + 1}SpokenEl`, `Αριθμός ${i + 1}`],
            [`option${i + 1}SpokenEn`, `Number ${i + 1}`],
          ]
        : []),
    ]).flat(),
  ) as Record<string, string>;

/** The day of the month of March's last Sunday (summer time starts at 03:00 that night). */
const lastSundayOfMarch = (year: number) => {
  const day = new Date(Date.UTC(year, 2, 31));
  return 31 - day.getUTCDay();
};

/** The history page's change tables: each entry's rows as [field, before, after]. */
async function historyRows(pollId: number) {
  const page = $((await editor.get(`${POLLS}/${pollId}/history`)).text);
  return {
    text: page('main').text(),
    entries: page('.app-history-entry')
      .map((_i, entry) => [
        {
          action: page(entry).find('h2').text().trim(),
          rows: page(entry)
            .find('tbody tr')
            .map((_j, tr) => [
              page(tr)
                .find('th, td')
                .map((_k, cell) => page(cell).text())
                .get(),
            ])
            .get() as string[][],
        },
      ])
      .get() as { action: string; rows: string[][] }[],
  };
}

const pollCount = async () =>
  Number(((await ctx.db('polls').count({ n: '*' }).first()) as { n: string }).n);
const pollRow = (id: number) => ctx.db('polls').where({ id }).first();
const optionsOf = (id: number) => ctx.db('poll_options').where({ poll_id: id }).orderBy('position');
const tallyOf = (id: number) => countsOf(ctx.db, id);
const lastAudit = (action: string) =>
  ctx.db('audit_log').where({ action }).orderBy('id', 'desc').first<{
    actor_id: number;
    entity_type: string;
    entity_id: number;
    details: Record<string, unknown>;
  }>();

async function inEnglish<T>(run: () => Promise<T>): Promise<T> {
  await editor.get(`${POLLS}?lang=en`);
  try {
    return await run();
  } finally {
    await editor.get(`${POLLS}?lang=el`);
  }
}

/** An active citizen, as the vote service takes one. */
const citizen = () => pollVoter(ctx.db);

async function castVote(pollId: number, option: number, channel: 'web' | 'phone' = 'web') {
  const result = await castVoteAs(ctx.services, { user: await citizen(), pollId, option, channel });
  expect(result.ok).toBe(true);
}

describe('who may use the editors’ poll pages', () => {
  it('lets editors in, refuses citizens and clerks, and sends visitors to sign in', async () => {
    const pollId = await insertPoll(ctx.db);
    expect((await editor.get(POLLS)).status).toBe(200);
    const anonymous = newAgent(ctx.app);
    const signInRedirect = await anonymous.get(`${POLLS}/${pollId}`);
    expect(signInRedirect.status).toBe(303);
    expect(signInRedirect.headers.location).toMatch(/^\/login/);

    const user = await createActiveUser(ctx.db, `pollcitizen${Date.now()}`);
    const citizenAgent = newAgent(ctx.app);
    await signIn(citizenAgent, user.username, user.password);
    const clerk = (await signedInStaff(ctx.app, ctx.db, ['clerk'])).agent;
    for (const agent of [citizenAgent, clerk]) {
      for (const path of [POLLS, `${POLLS}/new`, `${POLLS}/${pollId}`, `${POLLS}/${pollId}/close`])
        expect((await agent.get(path)).status, path).toBe(403);
      const _csrf = await csrfFrom(agent, '/account');
      for (const path of [`${POLLS}/new`, `${POLLS}/${pollId}`, `${POLLS}/${pollId}/close`]) {
        const res = await agent
          .post(path)
          .type('form')
          .send({ _csrf, ...pollForm(), reason: 'Όχι' });
        expect(res.status, path).toBe(403);
      }
    }
    expect((await pollRow(pollId)).closed_early_at).toBeNull();
  });

  it('answers 404 for polls that do not exist and ids that cannot be', async () => {
    const ids = ['abc', '0', '012', '-1', '1e3', '99999999999', '9999999999', '2000000000'];
    for (const id of [...ids, '1000000000', '999999999']) {
      expect((await editor.get(`${POLLS}/${id}`)).status, id).toBe(404);
      for (const action of ['', '/publish', '/withdraw', '/delete', '/close'])
        expect(
          (await post(`${POLLS}/${id}${action}`, { ...pollForm(), confirm: 'yes', reason: 'x' }))
            .status,
          `${id}${action}`,
        ).toBe(404);
    }
  });
});

describe('writing a poll', () => {
  it('says what is wrong next to each field, in Greek and in English, and saves nothing', async () => {
    const before = await pollCount();
    const empty = await post(`${POLLS}/new`, {
      electorate: 'nobody',
      opensAtTime: '',
      closesAtTime: '',
    });
    expect(empty.status).toBe(400);
    const page = $(empty.text);
    expect(
      page('.govuk-error-summary a')
        .map((_i, a) => page(a).attr('href'))
        .get(),
    ).toEqual([
      '#questionEl',
      '#questionEn',
      '#opensAt-day',
      '#opensAtTime',
      '#closesAt-day',
      '#closesAtTime',
      '#electorate',
      '#options',
    ]);
    expect(messageAt(empty.text, 'questionEl')).toContain('Γράψτε την ερώτηση στα ελληνικά');
    expect(messageAt(empty.text, 'opensAt')).toContain('Ημερομηνία έναρξης');
    expect(messageAt(empty.text, 'closesAtTime')).toContain('ώρες και λεπτά');
    expect(messageAt(empty.text, 'electorate')).toContain('ποιοι μπορούν να ψηφίσουν');
    expect(messageAt(empty.text, 'options')).toContain('τουλάχιστον 2 επιλογές');

    // Too long, half-filled rows, a phone poll without spoken labels, a day that does not exist.
    const long = pollForm({
      questionEn: 'Q'.repeat(301),
      descriptionEl: 'α'.repeat(4001),
      'opensAt-day': '31',
      'opensAt-month': '2',
      closesAtTime: '25:00',
      byPhone: 'yes',
      option1LabelEn: 'x'.repeat(201),
      option1SpokenEl: 'Αλμυρός',
      option1SpokenEn: 'Almyros',
      option3SpokenEl: 'σ'.repeat(61),
      option5LabelEn: 'Only English',
    });
    const bad = await post(`${POLLS}/new`, long);
    expect(bad.status).toBe(400);
    expect(messageAt(bad.text, 'questionEn')).toContain('Έως 300 χαρακτήρες');
    expect(messageAt(bad.text, 'descriptionEl')).toContain('Έως 4000 χαρακτήρες');
    expect(messageAt(bad.text, 'opensAt')).toContain('η ημερομηνία δεν υπάρχει');
    expect(messageAt(bad.text, 'closesAtTime')).toContain('ώρες και λεπτά');
    expect(messageAt(bad.text, 'option1LabelEn')).toContain('Επιλογή 1: έως 200 χαρακτήρες');
    expect(messageAt(bad.text, 'option3SpokenEl')).toContain('Επιλογή 3: έως 60 χαρακτήρες');
    expect(messageAt(bad.text, 'option3SpokenEn')).toContain('σύντομο κείμενο για το τηλέφωνο');
    expect(messageAt(bad.text, 'option5LabelEl')).toContain('Επιλογή 5: γράψτε το κείμενο');
    // What was typed stays, in its row.
    const kept = $(bad.text);
    expect(kept('#option5LabelEn').val()).toBe('Only English');
    expect(kept('#closesAtTime').val()).toBe('25:00');
    expect(kept('#opensAt-day').val()).toBe('31');
    expect(kept('#byPhone').is(':checked')).toBe(true);
    expect(kept('#descriptionEl').text()).toHaveLength(4001);

    // Nine options by phone; closing before opening.
    const nine = nineOptions();
    const tooMany = await post(`${POLLS}/new`, pollForm({ byPhone: 'yes', ...nine }));
    expect(tooMany.status).toBe(400);
    expect(messageAt(tooMany.text, 'options')).toContain('έως 8 επιλογές');
    const backwards = await post(`${POLLS}/new`, pollForm({ 'closesAt-month': '6' }));
    expect(backwards.status).toBe(400);
    expect(messageAt(backwards.text, 'closesAt')).toContain('μετά την έναρξη');

    await inEnglish(async () => {
      const en = await post(`${POLLS}/new`, { ...long, questionEl: '' });
      expect(en.status).toBe(400);
      expect(messageAt(en.text, 'questionEl')).toContain('Enter the question in Greek');
      expect(messageAt(en.text, 'opensAt')).toContain('Opening date must be a real date');
      expect(messageAt(en.text, 'option3SpokenEn')).toContain('short text for the phone');
      const enMany = await post(`${POLLS}/new`, pollForm({ byPhone: 'yes', ...nine }));
      expect(messageAt(enMany.text, 'options')).toContain('at most 8 options');
      const enEmpty = await post(`${POLLS}/new`, {});
      expect(messageAt(enEmpty.text, 'options')).toContain('at least 2 options');
      const enBackwards = await post(`${POLLS}/new`, pollForm({ 'closesAt-month': '6' }));
      expect(messageAt(enBackwards.text, 'closesAt')).toContain('after the opening');
    });
    expect(await pollCount()).toBe(before);
  });

  it('saves a draft with its options in order, no votes yet and times on Athens’ clock; audited', async () => {
    const res = await post(`${POLLS}/new`, pollForm({ option2LabelEl: ' ', byPhone: '' }));
    expect(res.status).toBe(303);
    const id = Number(/\/staff\/polls\/(\d+)$/.exec(res.headers.location!)![1]);
    const row = await pollRow(id);
    expect(row).toMatchObject({
      question_el: 'Πού να γίνει το νέο πάρκο;',
      description_en: 'Two plots the municipality owns.\nChoose one.',
      electorate: 'accounts',
      by_phone: false,
      published_at: null,
      created_by: editorId,
    });
    // Summer time in July (UTC+3), winter time in December (UTC+2).
    expect((row.opens_at as Date).toISOString()).toBe(`${YEAR}-07-15T06:00:00.000Z`);
    expect((row.closes_at as Date).toISOString()).toBe(`${YEAR}-12-01T19:30:00.000Z`);
    expect(await optionsOf(id)).toEqual([
      {
        poll_id: id,
        position: 1,
        label_el: 'Στον Αλμυρό',
        label_en: 'At Almyros',
        spoken_el: null,
        spoken_en: null,
      },
      {
        poll_id: id,
        position: 2,
        label_el: 'Στην Κρυά Βρύση',
        label_en: 'At Krya Vrysi',
        spoken_el: null,
        spoken_en: null,
      },
    ]);
    expect(await tallyOf(id)).toEqual([0, 0]);
    const audit = await lastAudit('polls.created');
    expect(audit).toMatchObject({ actor_id: editorId, entity_type: 'poll', entity_id: id });
    expect(audit?.details).toMatchObject({
      after: { question_en: 'Where should the new park be?' },
    });

    const page = $((await editor.get(`${POLLS}/${id}`)).text);
    expect(page('.govuk-notification-banner').text()).toContain('πρόχειρη');
    expect(page('#poll-status').text()).toBe('Πρόχειρη');
    expect(page('#opensAt-day').val()).toBe('15');
    expect(page('#opensAtTime').val()).toBe('09:00');
    expect(page('#closesAtTime').val()).toBe('21:30');
    expect(page('#option2LabelEn').val()).toBe('At Krya Vrysi');
    const list = $((await editor.get(POLLS)).text);
    expect(list(`#polls tr[data-id="${id}"]`).text()).toContain('Πού να γίνει το νέο πάρκο;');
    expect(list(`#polls tr[data-id="${id}"] .app-turnout`).text()).toContain(
      'Δεν έχει δημοσιευτεί',
    );
    const en = await inEnglish(async () => $((await editor.get(POLLS)).text));
    expect(en(`#polls tr[data-id="${id}"]`).text()).toContain('Where should the new park be?');
    expect(en(`#polls tr[data-id="${id}"]`).text()).toContain('15 July');
  });

  it('publishes a poll that closes in the future, not one whose closing has passed', async () => {
    const created = await post(
      `${POLLS}/new`,
      pollForm({ 'closesAt-year': LAST_YEAR, 'opensAt-year': LAST_YEAR }),
    );
    expect(created.status).toBe(303);
    const id = Number(created.headers.location!.split('/').pop());
    const late = await post(`${POLLS}/${id}/publish`, {});
    expect(late.status).toBe(409);
    expect($(late.text)('.govuk-error-summary').text()).toContain('Η ώρα λήξης έχει περάσει');
    expect((await pollRow(id)).published_at).toBeNull();

    const edited = await post(`${POLLS}/${id}`, pollForm());
    expect(edited.status).toBe(303);
    const published = await post(`${POLLS}/${id}/publish`, {});
    expect(published.status).toBe(303);
    expect((await pollRow(id)).published_at).toBeInstanceOf(Date);
    expect(await lastAudit('polls.published')).toMatchObject({ entity_id: id, actor_id: editorId });
    const list = $((await editor.get(POLLS)).text);
    expect(list(`#polls tr[data-id="${id}"] .app-poll-status`).text()).toBe('Προσεχώς');
    expect(list(`#polls tr[data-id="${id}"] .app-turnout`).text()).toContain('0 (ιστότοπος 0');
    // A published poll's closing time cannot be moved into the past.
    const past = await post(
      `${POLLS}/${id}`,
      pollForm({ 'opensAt-year': LAST_YEAR, 'closesAt-year': LAST_YEAR }),
    );
    expect(past.status).toBe(400);
    expect(messageAt(past.text, 'closesAt')).toContain('Η ώρα λήξης έχει περάσει');
  });

  it('changes a poll before its first vote: options replaced, tally resized, audited with what changed', async () => {
    // On whole minutes, as the form writes times.
    const minute = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000);
    const pollId = await insertPoll(ctx.db, {
      byPhone: true,
      opensAt: minute(Date.now() - 3_600_000),
      closesAt: minute(Date.now() + 86_400_000),
    });
    const form = $((await editor.get(`${POLLS}/${pollId}`)).text);
    expect(form('#poll-form').length).toBe(1);
    expect(form('#poll-status').text()).toBe('Ανοιχτή');
    const values = Object.fromEntries(
      form('#poll-form input[type="text"], #poll-form textarea')
        .map((_i, el) => [[form(el).attr('name')!, form(el).val() as string]])
        .get() as [string, string][],
    );
    expect(values.option3SpokenEn).toBe('Third');
    const changed = {
      ...values,
      electorate: 'verified',
      byPhone: 'yes',
      questionEn: 'A better question?',
      option3LabelEl: '',
      option3LabelEn: '',
      option3SpokenEl: '',
      option3SpokenEn: '',
    };
    const res = await post(`${POLLS}/${pollId}`, changed);
    expect(res.status).toBe(303);
    expect(await pollRow(pollId)).toMatchObject({
      question_en: 'A better question?',
      electorate: 'verified',
      updated_by: editorId,
    });
    expect((await optionsOf(pollId)).map((o: { spoken_en: string }) => o.spoken_en)).toEqual([
      'First',
      'Second',
    ]);
    expect(await tallyOf(pollId)).toEqual([0, 0]);
    const audit = await lastAudit('polls.updated');
    expect(audit?.entity_id).toBe(pollId);
    expect(Object.keys(audit!.details.changes as object).sort()).toEqual([
      'electorate',
      'options',
      'question_en',
    ]);
  });
});

describe('a poll with votes', () => {
  it('cannot change, be withdrawn or deleted; its page shows turnout but never counts per option', async () => {
    const pollId = await insertPoll(ctx.db, { byPhone: true });
    await castVote(pollId, 2);
    await castVote(pollId, 2, 'phone');
    // Counts nobody could mistake for turnout: the pages must not show them.
    await ctx.db('poll_tallies').where({ poll_id: pollId }).delete();
    await ctx.db('poll_tallies').insert({ poll_id: pollId, shard: 0, votes: [4171, 5309, 8623] });
    const before = { poll: await pollRow(pollId), options: await optionsOf(pollId) };

    for (const lang of ['el', 'en']) {
      await editor.get(`${POLLS}?lang=${lang}`);
      for (const path of [POLLS, `${POLLS}/${pollId}`, `${POLLS}/${pollId}/close`]) {
        const text = (await editor.get(path)).text;
        for (const count of ['4171', '5309', '8623']) expect(text, path).not.toContain(count);
      }
    }
    await editor.get(`${POLLS}?lang=el`);
    const page = $((await editor.get(`${POLLS}/${pollId}`)).text);
    expect(page('#poll-form').length).toBe(0);
    expect(page('#poll-frozen').text()).toContain('δεν μπορεί πια να αλλάξει');
    expect(page('#poll-turnout').text()).toContain('Από τον ιστότοπο: 1');
    expect(page('#poll-turnout').text()).toContain('Από το τηλέφωνο: 1');
    expect(page('#poll-turnout').text()).toContain('Σύνολο: 2');
    expect(page('#poll-options').text()).toContain('Δεύτερη επιλογή');
    expect(page(`form[action="${POLLS}/${pollId}/withdraw"]`).length).toBe(0);
    expect(page('#delete-poll').length).toBe(0);
    expect(page('#close-early').attr('href')).toBe(`${POLLS}/${pollId}/close`);
    expect((await editor.get(POLLS)).text).toContain('2 (ιστότοπος 1, τηλέφωνο 1)');

    const edit = await post(`${POLLS}/${pollId}`, pollForm());
    expect(edit.status).toBe(409);
    expect($(edit.text)('.govuk-error-summary').text()).toContain(
      'οι αλλαγές σας δεν αποθηκεύτηκαν',
    );
    for (const action of ['withdraw', 'delete']) {
      const res = await post(`${POLLS}/${pollId}/${action}`, { confirm: 'yes' });
      expect(res.status, action).toBe(409);
    }
    expect((await editor.get(`${POLLS}/${pollId}/delete`)).headers.location).toBe(
      `${POLLS}/${pollId}`,
    );
    const enRefusal = await inEnglish(() => post(`${POLLS}/${pollId}`, pollForm()));
    expect($(enRefusal.text)('.govuk-error-summary').text()).toContain(
      'your changes were not saved',
    );
    expect({ poll: await pollRow(pollId), options: await optionsOf(pollId) }).toEqual(before);
    expect(await tallyOf(pollId)).toEqual([4171, 5309, 8623]);
  });

  it('a first vote racing an edit: the edit is refused, or the vote (for the options it was shown) is', async () => {
    for (let round = 0; round < 3; round += 1) {
      const pollId = await insertPoll(ctx.db);
      const user = await citizen();
      // The voter saw the poll as it was before the edit.
      const version = versionOf((await ctx.services.polls.poll(pollId))!);
      const _csrf = await csrfFrom(editor, `${POLLS}/new`);
      const [edit, vote] = await Promise.all([
        editor
          .post(`${POLLS}/${pollId}`)
          .type('form')
          .send({ _csrf, ...pollForm({ 'opensAt-year': LAST_YEAR }) }),
        ctx.services.polls.vote({ user, pollId, option: 1, channel: 'web', version }),
      ]);
      const options = await optionsOf(pollId);
      if (edit.status === 409) {
        expect(vote.ok).toBe(true);
        expect(options).toHaveLength(3);
        expect(await tallyOf(pollId)).toEqual([1, 0, 0]);
      } else {
        // The edit won: the vote was for options that are gone, so it is refused, not miscounted.
        expect(edit.status).toBe(303);
        expect(vote).toEqual({ ok: false, reason: 'poll_changed' });
        expect(options.map((o: { label_en: string }) => o.label_en)).toEqual([
          'At Almyros',
          'At Krya Vrysi',
        ]);
        expect(await tallyOf(pollId)).toEqual([0, 0]);
      }
    }
  });

  it('closes early with a reason (required, audited), then links to the public results', async () => {
    const pollId = await insertPoll(ctx.db);
    await castVote(pollId, 1);
    const closePage = $((await editor.get(`${POLLS}/${pollId}/close`)).text);
    expect(closePage('#reason').length).toBe(1);
    // The hint says where the reason goes: publicly, with the results, as written.
    expect(closePage('#reason-hint').text()).toContain('δημόσια με τα αποτελέσματα');
    expect(closePage('#reason-hint').text()).toContain('σε μία γλώσσα');
    const enClose = await inEnglish(async () =>
      $((await editor.get(`${POLLS}/${pollId}/close`)).text),
    );
    expect(enClose('#reason-hint').text()).toContain('Shown publicly with the results');
    expect(enClose('#reason-hint').text()).toContain('in one language');
    const control = await post(`${POLLS}/${pollId}/close`, { reason: 'Λάθος\u0001' });
    expect(control.status).toBe(400);
    expect(messageAt(control.text, 'reason')).toContain('χαρακτήρες ελέγχου');
    const enControl = await inEnglish(() =>
      post(`${POLLS}/${pollId}/close`, { reason: 'Wrong\u007f' }),
    );
    expect(messageAt(enControl.text, 'reason')).toContain('control characters');
    const none = await post(`${POLLS}/${pollId}/close`, { reason: '  ' });
    expect(none.status).toBe(400);
    expect(messageAt(none.text, 'reason')).toContain('Γράψτε γιατί');
    const long = await post(`${POLLS}/${pollId}/close`, { reason: 'λ'.repeat(501) });
    expect(messageAt(long.text, 'reason')).toContain('Έως 500 χαρακτήρες');
    expect($(long.text)('#reason').text()).toHaveLength(501);
    const en = await inEnglish(() => post(`${POLLS}/${pollId}/close`, { reason: '' }));
    expect(messageAt(en.text, 'reason')).toContain('Enter why the poll closes early');
    expect((await pollRow(pollId)).closed_early_at).toBeNull();

    const res = await post(`${POLLS}/${pollId}/close`, { reason: 'Λάθος στην ερώτηση' });
    expect(res.status).toBe(303);
    expect(await pollRow(pollId)).toMatchObject({
      closed_early_by: editorId,
      closed_early_reason: 'Λάθος στην ερώτηση',
    });
    const audit = await lastAudit('polls.closed_early');
    expect(audit).toMatchObject({ entity_type: 'poll', entity_id: pollId, actor_id: editorId });
    expect(audit?.details).toMatchObject({ reason: 'Λάθος στην ερώτηση' });
    expect(JSON.stringify(audit?.details)).not.toMatch(/option/i);
    const page = $((await editor.get(`${POLLS}/${pollId}`)).text);
    expect(page('#poll-status').text()).toBe('Έκλεισε');
    expect(page('#poll-closed-early').text()).toContain('Λάθος στην ερώτηση');
    // Closed: it says so, not that it can still be closed early; no action but the results.
    expect(page('#poll-closed').text()).toContain('έχει κλείσει');
    expect(page('#poll-frozen').length).toBe(0);
    expect(page('#poll-actions').length).toBe(0);
    expect(
      page('#poll-results a')
        .map((_i, a) => page(a).attr('href'))
        .get(),
    ).toEqual([
      `/polls/${pollId}#results`,
      `/polls/${pollId}/results.csv`,
      `/polls/${pollId}/results.json`,
    ]);
    expect(page('#close-early').length).toBe(0);
    expect((await post(`${POLLS}/${pollId}/close`, { reason: 'Ξανά' })).status).toBe(409);
    expect((await editor.get(`${POLLS}/${pollId}/close`)).headers.location).toBe(
      `${POLLS}/${pollId}`,
    );
    const history = await historyRows(pollId);
    const closing = history.entries.find((e) => e.action.startsWith('Πρόωρο κλείσιμο'));
    expect(closing?.rows).toEqual([
      ['Κατάσταση', 'Ανοιχτή', 'Έκλεισε'],
      ['Αιτιολογία πρόωρου κλεισίματος', '', 'Λάθος στην ερώτηση'],
    ]);
    const enHistory = await inEnglish(() => historyRows(pollId));
    expect(enHistory.text).toContain('Reason for closing early');
    expect(enHistory.text).toContain('Λάθος στην ερώτηση');
    await inEnglish(() => editor.get(`${POLLS}/${pollId}`));
  });
});

describe('a poll without votes', () => {
  it('goes back to draft, audited, and can be deleted after the confirm page', async () => {
    const pollId = await insertPoll(ctx.db);
    const withdrawn = await post(`${POLLS}/${pollId}/withdraw`, {});
    expect(withdrawn.status).toBe(303);
    expect((await pollRow(pollId)).published_at).toBeNull();
    expect(await lastAudit('polls.withdrawn')).toMatchObject({ entity_id: pollId });

    const confirm = $((await editor.get(`${POLLS}/${pollId}/delete`)).text);
    expect(confirm(`form[action="${POLLS}/${pollId}/delete"] input[name="confirm"]`).val()).toBe(
      'yes',
    );
    await inEnglish(() => editor.get(`${POLLS}/${pollId}/delete`));
    const unconfirmed = await post(`${POLLS}/${pollId}/delete`, {});
    expect(unconfirmed.headers.location).toBe(`${POLLS}/${pollId}/delete`);
    expect(await pollRow(pollId)).toBeDefined();
    const deleted = await post(`${POLLS}/${pollId}/delete`, { confirm: 'yes' });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.location).toBe(POLLS);
    expect(await pollRow(pollId)).toBeUndefined();
    expect(await ctx.db('poll_tallies').where({ poll_id: pollId }).first()).toBeUndefined();
    expect(await lastAudit('polls.deleted')).toMatchObject({
      entity_id: pollId,
      actor_id: editorId,
    });
    expect((await editor.get(`${POLLS}/${pollId}`)).status).toBe(404);
  });

  it('lists every poll newest first, and renders each page in both languages', async () => {
    const older = await insertPoll(ctx.db, { publishedAt: null });
    const newer = await insertPoll(ctx.db, { opensAt: new Date(Date.now() + 86_400_000) });
    const list = $((await editor.get(POLLS)).text);
    const ids = list('#polls tbody tr')
      .map((_i, tr) => Number(list(tr).attr('data-id')))
      .get();
    expect(ids.indexOf(newer)).toBeLessThan(ids.indexOf(older));
    for (const lang of ['en', 'el']) {
      await editor.get(`${POLLS}?lang=${lang}`);
      for (const path of [
        POLLS,
        `${POLLS}/new`,
        `${POLLS}/${older}`,
        `${POLLS}/${newer}`,
        `${POLLS}/${newer}/close`,
      ])
        expect((await editor.get(path)).status, path).toBe(200);
      expect((await post(`${POLLS}/new`, {})).status).toBe(400);
      expect((await post(`${POLLS}/${newer}`, pollForm({ questionEl: '' }))).status).toBe(400);
    }
  });
});

describe('checking what editors type', () => {
  it('refuses control characters at their field, in Greek and in English, and saves nothing', async () => {
    const before = await pollCount();
    const typed = pollForm({
      questionEl: 'Πού να γίνει\u007f το πάρκο;',
      descriptionEn: 'Two plots.\u0007',
      byPhone: 'yes',
      option1LabelEl: 'Στον\u0001Αλμυρό',
      option1SpokenEl: 'Αλμυρός',
      option1SpokenEn: 'Almy\u001bros',
      option3SpokenEl: 'Κρυά Βρύση',
      option3SpokenEn: 'Krya\tVrysi',
    });
    const res = await post(`${POLLS}/new`, typed);
    expect(res.status).toBe(400);
    expect(summaryLinks(res.text)).toEqual([
      '#questionEl',
      '#descriptionEn',
      '#option1LabelEl',
      '#option1SpokenEn',
      '#option3SpokenEn',
    ]);
    expect(messageAt(res.text, 'questionEl')).toContain('χαρακτήρες ελέγχου');
    expect(messageAt(res.text, 'descriptionEn')).toContain('χαρακτήρες ελέγχου');
    expect(messageAt(res.text, 'option1LabelEl')).toContain('Επιλογή 1: αφαιρέστε');
    expect(messageAt(res.text, 'option3SpokenEn')).toContain('Επιλογή 3: αφαιρέστε');
    const en = await inEnglish(() => post(`${POLLS}/new`, typed));
    expect(messageAt(en.text, 'questionEl')).toContain('Remove the control characters');
    expect(messageAt(en.text, 'option1LabelEl')).toContain('Option 1: remove the control');
    expect(await pollCount()).toBe(before);

    // Tabs and line breaks are text in a description.
    const description = 'Δύο οικόπεδα:\r\n\tστον Αλμυρό\n\tστην Κρυά Βρύση';
    const saved = await post(`${POLLS}/new`, pollForm({ descriptionEl: description }));
    expect(saved.status).toBe(303);
    const id = Number(saved.headers.location!.split('/').pop());
    expect((await pollRow(id)).description_el).toBe(description);
  });

  it('refuses a time that Athens’ clock skips, and years too far back or ahead, at their fields', async () => {
    const before = await pollCount();
    // 03:30 on the night summer time starts: the clocks go from 03:00 to 04:00.
    const gap = pollForm({
      'opensAt-day': String(lastSundayOfMarch(YEAR)),
      'opensAt-month': '3',
      opensAtTime: '03:30',
    });
    const skipped = await post(`${POLLS}/new`, gap);
    expect(skipped.status).toBe(400);
    expect(summaryLinks(skipped.text)).toEqual(['#opensAtTime']);
    expect(messageAt(skipped.text, 'opensAtTime')).toContain('δεν υπάρχει στην Αθήνα');
    const enSkipped = await inEnglish(() => post(`${POLLS}/new`, gap));
    expect(messageAt(enSkipped.text, 'opensAtTime')).toContain('does not exist in Athens');
    expect(await pollCount()).toBe(before);
    // An hour later is on the clock: 04:30 summer time, 01:30 UTC.
    const later = await post(`${POLLS}/new`, { ...gap, opensAtTime: '04:30' });
    expect(later.status).toBe(303);
    const id = Number(later.headers.location!.split('/').pop());
    expect(((await pollRow(id)).opens_at as Date).toISOString()).toBe(
      `${YEAR}-03-${String(lastSundayOfMarch(YEAR)).padStart(2, '0')}T01:30:00.000Z`,
    );

    const years = pollForm({
      'opensAt-year': String(THIS_YEAR - 2),
      'closesAt-year': String(THIS_YEAR + 6),
    });
    const far = await post(`${POLLS}/new`, years);
    expect(far.status).toBe(400);
    expect(summaryLinks(far.text)).toEqual(['#opensAt-day', '#closesAt-day']);
    const range = `από ${THIS_YEAR - 1} έως ${THIS_YEAR + 5}`;
    expect(messageAt(far.text, 'opensAt')).toContain(
      `Ημερομηνία έναρξης: το έτος πρέπει να είναι ${range}`,
    );
    expect(messageAt(far.text, 'closesAt')).toContain(range);
    const enFar = await inEnglish(() => post(`${POLLS}/new`, years));
    expect(messageAt(enFar.text, 'closesAt')).toContain(
      `Closing date: the year must be between ${THIS_YEAR - 1} and ${THIS_YEAR + 5}`,
    );
    expect(await pollCount()).toBe(before + 1);
  });

  it('says once that a phone poll has too many options, and lists errors in the page’s order', async () => {
    const nine = pollForm({ byPhone: 'yes', questionEn: '', ...nineOptions(false) });
    const res = await post(`${POLLS}/new`, nine);
    expect(res.status).toBe(400);
    expect(summaryLinks(res.text)).toEqual(['#questionEn', '#options']);
    expect(messageAt(res.text, 'options')).toContain('έως 8 επιλογές');
    expect($(res.text)('#option1SpokenEl-error').length).toBe(0);
    // A row's own problem still shows, after the options' one (which stands above the rows).
    const half = await post(`${POLLS}/new`, { ...nine, option5LabelEn: '' });
    expect(summaryLinks(half.text)).toEqual(['#questionEn', '#options', '#option5LabelEn']);
    const one = await post(
      `${POLLS}/new`,
      pollForm({ option1LabelEn: '', option3LabelEl: '', option3LabelEn: '' }),
    );
    expect(summaryLinks(one.text)).toEqual(['#options', '#option1LabelEn']);
    // Within the limit, each missing short text is at its field.
    const eight = pollForm({ byPhone: 'yes' });
    expect(summaryLinks((await post(`${POLLS}/new`, eight)).text)).toEqual([
      '#option1SpokenEl',
      '#option1SpokenEn',
      '#option3SpokenEl',
      '#option3SpokenEn',
    ]);
    const en = await inEnglish(() => post(`${POLLS}/new`, nine));
    expect(summaryLinks(en.text)).toEqual(['#questionEn', '#options']);
  });
});

describe('a poll’s history', () => {
  it('names each change by its label, with times on Athens’ clock, yes or no, and the options as a list', async () => {
    const created = await post(`${POLLS}/new`, pollForm());
    const id = Number(created.headers.location!.split('/').pop());
    const changed = await post(
      `${POLLS}/${id}`,
      pollForm({
        descriptionEl: '',
        closesAtTime: '20:00',
        electorate: 'verified',
        byPhone: 'yes',
        option1SpokenEl: 'Αλμυρός',
        option1SpokenEn: 'Almyros',
        option3SpokenEl: 'Κρυά Βρύση',
        option3SpokenEn: 'Krya Vrysi',
      }),
    );
    expect(changed.status).toBe(303);

    const history = await historyRows(id);
    const update = history.entries.find((e) => e.action.startsWith('Αλλαγή'));
    expect(update?.rows).toEqual([
      ['Περιγραφή (ελληνικά)', 'Δύο οικόπεδα του δήμου.\nΔιαλέξτε ένα.', 'Καμία'],
      ['Κλείνει', `1 Δεκεμβρίου ${YEAR}, 21:30`, `1 Δεκεμβρίου ${YEAR}, 20:00`],
      [
        'Ποιοι ψηφίζουν',
        'Κάθε ενεργός λογαριασμός',
        'Μόνο λογαριασμοί με επιβεβαιωμένη ταυτότητα (μία ψήφος ανά ΑΦΜ)',
      ],
      ['Και από το τηλεφωνικό κέντρο', 'Όχι', 'Ναι'],
      [
        'Επιλογές',
        '1. Στον Αλμυρό / At Almyros\n2. Στην Κρυά Βρύση / At Krya Vrysi',
        '1. Στον Αλμυρό / At Almyros (εκφώνηση: Αλμυρός / Almyros)\n' +
          '2. Στην Κρυά Βρύση / At Krya Vrysi (εκφώνηση: Κρυά Βρύση / Krya Vrysi)',
      ],
    ]);
    // The new poll's content, from nothing.
    const creation = history.entries.find((e) => e.action.startsWith('Δημιουργία'));
    expect(creation?.rows[0]).toEqual(['Ερώτηση (ελληνικά)', '', 'Πού να γίνει το νέο πάρκο;']);
    expect(creation?.rows).toContainEqual(['Ανοίγει', '', `15 Ιουλίου ${YEAR}, 09:00`]);
    // Never a column's name, a raw value or a UTC instant.
    for (const raw of [/_el|_en|_at\b|by_phone|options/, /null|true|false/, /\d{4}-\d\d-\d\dT/])
      expect(history.text).not.toMatch(raw);

    const en = await inEnglish(() => historyRows(id));
    expect(en.entries.find((e) => e.action === 'Poll changed')?.rows).toContainEqual([
      'Closes',
      `1 December ${YEAR}, 21:30`,
      `1 December ${YEAR}, 20:00`,
    ]);
    expect(en.text).toContain('Also through the phone line');
    expect(en.text).toContain('1. Στον Αλμυρό / At Almyros (spoken: Αλμυρός / Almyros)');
    expect(en.text).not.toMatch(/by_phone|closes_at|null|true|false/);
  });
});

describe('a closed poll', () => {
  it('says it has closed and offers nothing but its results, even with no votes', async () => {
    const day = 86_400_000;
    const pollId = await insertPoll(ctx.db, {
      opensAt: new Date(Date.now() - 3 * day),
      closesAt: new Date(Date.now() - day),
    });
    for (const lang of ['el', 'en']) {
      await editor.get(`${POLLS}?lang=${lang}`);
      const page = $((await editor.get(`${POLLS}/${pollId}`)).text);
      expect(page('#poll-closed').text()).toContain(lang === 'el' ? 'έχει κλείσει' : 'has closed');
      expect(page('#poll-frozen').length).toBe(0);
      expect(page('#poll-actions').length).toBe(0);
      expect(page('#poll-form').length).toBe(0);
      expect(page('#poll-results a').length).toBe(3);
    }
    await editor.get(`${POLLS}?lang=el`);
    // Nor does it take those actions when asked directly.
    expect((await editor.get(`${POLLS}/${pollId}/delete`)).headers.location).toBe(
      `${POLLS}/${pollId}`,
    );
    for (const action of ['withdraw', 'delete']) {
      const res = await post(`${POLLS}/${pollId}/${action}`, { confirm: 'yes' });
      expect(res.status, action).toBe(409);
      expect($(res.text)('.govuk-error-summary').text()).toContain('έχει κλείσει');
    }
    expect(await pollRow(pollId)).toMatchObject({ id: pollId });
    expect((await pollRow(pollId)).published_at).toBeInstanceOf(Date);
  });

  it('tags each status in the citizens’ pages’ colours on the editors’ list', async () => {
    const day = 86_400_000;
    const ids = {
      draft: await insertPoll(ctx.db, { publishedAt: null }),
      upcoming: await insertPoll(ctx.db, { opensAt: new Date(Date.now() + day) }),
      open: await insertPoll(ctx.db),
      closed: await insertPoll(ctx.db, {
        opensAt: new Date(Date.now() - 3 * day),
        closesAt: new Date(Date.now() - day),
      }),
    };
    const list = $((await editor.get(POLLS)).text);
    for (const [status, id] of Object.entries(ids)) {
      const tag = list(`#polls tr[data-id="${id}"] .app-poll-status`);
      expect(tag.attr('class')!.split(/\s+/), status).toContain(
        STATUS_TAG[status as keyof typeof STATUS_TAG],
      );
      const poll = $((await editor.get(`${POLLS}/${id}`)).text);
      expect(poll('#poll-status').attr('class')).toBe(
        `govuk-tag ${STATUS_TAG[status as keyof typeof STATUS_TAG]}`,
      );
    }
  });
});
