import * as cheerio from 'cheerio';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../../src/features/accounts/users.repository.ts';
import { athensDate, formatDate } from '../../src/lib/format.ts';
import { createActiveUser, newAgent, postForm, signIn, type Agent } from '../helpers/accounts.ts';
import { STATUS_TAG } from '../../src/features/polls/polls.present.ts';
import { versionOf } from '../../src/features/polls/polls.service.ts';
import { sharesOf } from '../../src/features/polls/results.ts';
import { freshAfm } from '../helpers/certificates.ts';
import {
  endPoll,
  insertPoll,
  type PollInput,
  castVote,
  tallyOf,
  pollVoter,
} from '../helpers/polls.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let n = 0;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const $of = (html: string) => cheerio.load(html);
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
const DAY = 86_400_000;
const today = () => athensDate(new Date());

interface Citizen {
  agent: Agent;
  user: UserRow;
}

/** A citizen (or, with `extra`, a verified or staff account) signed in on a fresh agent. */
async function signedIn(extra: Record<string, unknown> = {}): Promise<Citizen> {
  n += 1;
  const created = await createActiveUser(
    ctx.db,
    `poll${n}${Math.random().toString(36).slice(2, 6)}`,
    extra,
  );
  const agent = newAgent(ctx.app);
  await signIn(agent, created.username, created.password);
  const user = (await ctx.db<UserRow>('users').where({ id: created.id }).first())!;
  return { agent, user };
}

/** A citizen who is not signed in anywhere, for votes cast through the service (web or phone). */
const voter = (extra: Record<string, unknown> = {}) => pollVoter(ctx.db, extra);

const tally = (pollId: number) => tallyOf(ctx.db, pollId);

/** The agent's pages in a language from now on (the language cookie). */
const useLanguage = (agent: Agent, lang: 'el' | 'en') => agent.get(`/polls?lang=${lang}`);

const openPoll = (input: PollInput = {}) => insertPoll(ctx.db, input);
const upcomingPoll = () => insertPoll(ctx.db, { opensAt: new Date(Date.now() + 3 * DAY) });
const endedPoll = () =>
  insertPoll(ctx.db, {
    opensAt: new Date(Date.now() - 10 * DAY),
    closesAt: new Date(Date.now() - DAY),
  });

const choose = (agent: Agent, pollId: number, fields: Record<string, string>) =>
  postForm(agent, `/polls/${pollId}`, `/polls/${pollId}/vote`, fields);
/** The confirmation as the check page sends it: the choice and the poll's version as it stands. */
const confirm = async (agent: Agent, pollId: number, choice: string) => {
  const poll = await ctx.services.polls.poll(pollId);
  const version = poll ? versionOf(poll) : '';
  return postForm(agent, `/polls/${pollId}`, `/polls/${pollId}/vote/confirm`, { choice, version });
};

describe('/polls', () => {
  it('says so when there is no poll in a section, in both languages', async () => {
    const el = $of((await request(ctx.app).get('/polls')).text);
    expect(el('h1').text()).toBe('Ψηφοφορίες');
    expect(el('#no-open').text()).toContain('Δεν υπάρχει ανοιχτή ψηφοφορία');
    expect(el('#no-upcoming')).toHaveLength(1);
    expect(el('#no-closed')).toHaveLength(1);
    const en = $of((await request(ctx.app).get('/polls?lang=en')).text);
    expect(en('#no-open').text()).toContain('There is no open poll right now');
    expect(en('#sign-in-to-vote a').attr('href')).toBe('/login?next=%2Fpolls');
  });

  it('lists open, upcoming and closed polls with their times, never a draft', async () => {
    const open = await openPoll({ byPhone: true, questionEn: 'Open question?' });
    const upcoming = await upcomingPoll();
    const ended = await endedPoll();
    const draft = await insertPoll(ctx.db, { publishedAt: null });
    const res = await request(ctx.app).get('/polls');
    expect(res.status).toBe(200);
    const $ = $of(res.text);
    const section = (id: number) => $(`[data-poll="${id}"]`);
    expect(section(open).attr('data-status')).toBe('open');
    expect(section(open).find('a').first().attr('href')).toBe(`/polls/${open}`);
    expect(squash(section(open).text())).toContain('Κλείνει');
    expect(squash(section(open).text())).toContain('Κάθε ενεργός λογαριασμός');
    expect(section(open).find('[data-by-phone]')).toHaveLength(1);
    expect(section(upcoming).attr('data-status')).toBe('upcoming');
    expect(squash(section(upcoming).text())).toContain('Ανοίγει');
    expect(section(ended).attr('data-status')).toBe('closed');
    expect(section(ended).find(`a[href="/polls/${ended}#results"]`)).toHaveLength(1);
    expect(section(draft)).toHaveLength(0);
    // Each in its own section, open before upcoming before closed.
    const order = $('h2[id], [data-poll]')
      .map((_i, el) => $(el).attr('id') ?? $(el).attr('data-poll'))
      .get();
    expect(order.indexOf(String(open))).toBeGreaterThan(order.indexOf('open'));
    expect(order.indexOf(String(upcoming))).toBeGreaterThan(order.indexOf('upcoming'));
    expect(order.indexOf(String(ended))).toBeGreaterThan(order.indexOf('closed'));
    expect(order.indexOf(String(open))).toBeLessThan(order.indexOf('upcoming'));
    // No tags for a visitor who is not signed in.
    expect($('[data-standing]')).toHaveLength(0);
    const en = $of((await request(ctx.app).get('/polls?lang=en')).text);
    expect(en(`[data-poll="${open}"] a`).first().text()).toBe('Open question?');
    expect(squash(en(`[data-poll="${open}"]`).text())).toContain('You can also vote by phone.');
  });

  it('tags each open poll for the signed-in citizen: may vote, voted, or why not', async () => {
    const open = await openPoll();
    const verifiedOnly = await openPoll({ electorate: 'verified' });
    const citizen = await signedIn();
    const tagOf = async (agent: Agent, id: number) =>
      $of((await agent.get('/polls')).text)(`[data-poll="${id}"] [data-standing]`).attr(
        'data-standing',
      );
    expect(await tagOf(citizen.agent, open)).toBe('mayVote');
    expect(await tagOf(citizen.agent, verifiedOnly)).toBe('not_verified');
    await castVote(ctx.services, { user: citizen.user, pollId: open, option: 1, channel: 'web' });
    expect(await tagOf(citizen.agent, open)).toBe('voted');
    const staff = await signedIn({ roles: ['editor'] });
    expect(await tagOf(staff.agent, open)).toBe('staff');
    await useLanguage(citizen.agent, 'en');
    const en = $of((await citizen.agent.get('/polls')).text);
    expect(en(`[data-poll="${open}"] [data-standing]`).text()).toBe('You voted');
    expect(en(`[data-poll="${verifiedOnly}"] [data-standing]`).text()).toBe(
      'For identity-verified accounts only',
    );
  });
});

describe('a poll’s page', () => {
  it('offers a visitor who is not signed in the way to sign in, and shows the phone lines', async () => {
    const id = await openPoll({ byPhone: true });
    await ctx
      .db('polls')
      .where({ id })
      .update({ description_el: 'Πρώτη παράγραφος.\n\nΔεύτερη\nγραμμή.', description_en: 'One.' });
    const $ = $of((await request(ctx.app).get(`/polls/${id}`)).text);
    const row = (await ctx.db('polls').where({ id }).first()) as { question_el: string };
    expect($('h1').text()).toBe(row.question_el);
    expect($('#sign-in').attr('href')).toBe(`/login?next=%2Fpolls%2F${id}`);
    expect($(`form[action="/polls/${id}/vote"]`)).toHaveLength(0);
    expect($('#status').text()).toBe('Ανοιχτή');
    expect($('#status').hasClass(STATUS_TAG.open)).toBe(true);
    expect(
      $('main p.app-pre')
        .map((_i, p) => $(p).text())
        .get(),
    ).toEqual(['Πρώτη παράγραφος.', 'Δεύτερη\nγραμμή.']);
    expect($('main a[href="tel:+302841082925"]').text()).toBe('28410\u201182925');
    expect($('main a[href="tel:+302841082928"]').text()).toBe('28410\u201182928');
    expect(squash($('main').text())).toContain('επιλέξτε 3');
    const en = $of((await request(ctx.app).get(`/polls/${id}?lang=en`)).text);
    expect(en('#sign-in').text()).toBe('Sign in to vote');
    expect(squash(en('main').text())).toContain('choose 3 (polls)');
    // A poll not offered by phone says nothing of the phone.
    const webOnly = await openPoll();
    expect($of((await request(ctx.app).get(`/polls/${webOnly}`)).text)('#by-phone')).toHaveLength(
      0,
    );
  });

  it('offers the phone only to a visitor who may still vote: not once they voted, nor to an account that may not', async () => {
    const id = await openPoll({ byPhone: true });
    const upcoming = await insertPoll(ctx.db, {
      byPhone: true,
      opensAt: new Date(Date.now() + 3 * DAY),
    });
    const phoneOn = async (agent: Agent | undefined, lang: 'el' | 'en' = 'el') => {
      const get = (path: string) =>
        agent ? agent.get(path) : request(ctx.app).get(`${path}?lang=${lang}`);
      const page = $of((await get(`/polls/${id}`)).text);
      const list = $of((await get('/polls')).text);
      return {
        page: page('#by-phone').length === 1 && squash(page('main').text()).includes('28410'),
        list: list(`[data-poll="${id}"] [data-by-phone]`).length === 1,
        upcoming: list(`[data-poll="${upcoming}"] [data-by-phone]`).length === 1,
        upcomingPage: $of((await get(`/polls/${upcoming}`)).text)('#by-phone').length === 1,
      };
    };
    const everywhere = { page: true, list: true, upcoming: true, upcomingPage: true };
    const nowhere = { page: false, list: false, upcoming: false, upcomingPage: false };
    expect(await phoneOn(undefined)).toEqual(everywhere);
    expect(await phoneOn(undefined, 'en')).toEqual(everywhere);

    const citizen = await signedIn();
    expect(await phoneOn(citizen.agent)).toEqual(everywhere);
    expect((await confirm(citizen.agent, id, '1')).status).toBe(303);
    const voted = await phoneOn(citizen.agent);
    expect(voted).toEqual({ ...everywhere, page: false, list: false });
    const after = $of((await citizen.agent.get('/polls')).text);
    expect(after(`[data-poll="${id}"] [data-standing]`).attr('data-standing')).toBe('voted');
    await useLanguage(citizen.agent, 'en');
    expect(await phoneOn(citizen.agent)).toEqual(voted);
    const en = $of((await citizen.agent.get('/polls')).text);
    expect(squash(en(`[data-poll="${id}"]`).text())).not.toContain('You can also vote by phone');
    expect(squash(en(`[data-poll="${upcoming}"]`).text())).toContain('You can also vote by phone');

    // A vote by phone hides it too; an account that may not vote never sees it.
    const byPhone = await signedIn();
    await castVote(ctx.services, { user: byPhone.user, pollId: id, option: 2, channel: 'phone' });
    expect(await phoneOn(byPhone.agent)).toEqual({ ...everywhere, page: false, list: false });
    expect(await phoneOn((await signedIn({ roles: ['clerk'] })).agent)).toEqual(nowhere);
    const verifiedOnly = await openPoll({ byPhone: true, electorate: 'verified' });
    const unverified = $of((await citizen.agent.get(`/polls/${verifiedOnly}`)).text);
    expect(unverified('#ineligible')).toHaveLength(1);
    expect(unverified('#by-phone')).toHaveLength(0);
  });

  it('says when an upcoming poll opens, and offers no form', async () => {
    const id = await upcomingPoll();
    const citizen = await signedIn();
    const $ = $of((await citizen.agent.get(`/polls/${id}`)).text);
    expect($('#status').text()).toBe('Προσεχώς');
    expect($('#opens').text()).toContain('Η ψηφοφορία ανοίγει στις');
    expect($('form[action$="/vote"]')).toHaveLength(0);
    expect($('#results')).toHaveLength(0);
    await useLanguage(citizen.agent, 'en');
    expect($of((await citizen.agent.get(`/polls/${id}`)).text)('#opens').text()).toContain(
      'Voting opens on',
    );
  });

  it('is a 404 for a draft, a poll that does not exist and an id that is not one', async () => {
    const draft = await insertPoll(ctx.db, { publishedAt: null });
    const citizen = await signedIn();
    for (const path of [
      `/polls/${draft}`,
      '/polls/2000000000',
      '/polls/9999999999',
      '/polls/99999999999',
      '/polls/0',
      '/polls/01',
      '/polls/abc',
      '/polls/999999999',
      '/polls/1000000000',
      '/polls/-1',
      `/polls/${draft}/results.csv`,
      '/polls/1000000000/results.svg',
    ]) {
      expect((await request(ctx.app).get(path)).status, path).toBe(404);
      expect((await citizen.agent.get(path)).status, path).toBe(404);
    }
    // The JSON file answers its own 404 in JSON, for an id that is not one too.
    for (const path of ['/polls/1000000000/results.json', '/polls/abc/results.json']) {
      const res = await request(ctx.app).get(path);
      expect(res.status, path).toBe(404);
      expect((res.body as { error: string }).error, path).toBe('not_found');
    }
    const vote = await confirm(citizen.agent, draft, '1');
    expect(vote.status).toBe(404);
    expect((await confirm(citizen.agent, 1_000_000_000, '1')).status).toBe(404);
    expect(await ctx.db('poll_voters').where({ poll_id: draft })).toHaveLength(0);
  });
});

/** Text in `main` with a Greek letter whose element is not marked lang="el" (skipping `skip`). */
function greekUnmarked($: cheerio.CheerioAPI, skip = ''): string[] {
  const found: string[] = [];
  $('main')
    .find('*')
    .addBack()
    .contents()
    .each((_i, node) => {
      if (node.type !== 'text' || !/[\u0370-\u03FF\u1F00-\u1FFF]/.test(node.data)) return;
      const parent = $(node).parent();
      if (skip && parent.closest(skip).length) return;
      if (parent.closest('[lang]').attr('lang') !== 'el') found.push(node.data.trim());
    });
  return found;
}

describe('English pages', () => {
  it('have no Greek word unless marked lang="el": the identity check is at a citizen service centre (KEP)', async () => {
    const open = await openPoll({ byPhone: true });
    const verifiedOnly = await openPoll({ electorate: 'verified', byPhone: true });
    const upcoming = await upcomingPoll();
    const closed = await openPoll({ byPhone: true });
    await castVote(ctx.services, {
      user: await voter(),
      pollId: closed,
      option: 2,
      channel: 'web',
    });
    await endPoll(ctx.db, closed);
    const ended = await endedPoll();
    const mine = [open, verifiedOnly, upcoming, closed, ended];
    // Others' polls on /polls (written by other tests) are not these pages' words.
    const othersPolls = `[data-poll]:not(${mine.map((id) => `[data-poll="${id}"]`).join(',')})`;
    const citizen = await signedIn();
    const voted = await signedIn();
    expect((await confirm(voted.agent, open, '1')).status).toBe(303);
    const staff = await signedIn({ roles: ['editor'] });
    for (const agent of [citizen.agent, voted.agent, staff.agent]) await useLanguage(agent, 'en');
    const pages = [...mine.map((id) => `/polls/${id}`), '/polls'];
    for (const path of pages) {
      const anonymous = $of((await request(ctx.app).get(`${path}?lang=en`)).text);
      expect(anonymous('html').attr('lang')).toBe('en');
      expect(greekUnmarked(anonymous, othersPolls), path).toEqual([]);
      for (const agent of [citizen.agent, voted.agent, staff.agent])
        expect(greekUnmarked($of((await agent.get(path)).text), othersPolls), path).toEqual([]);
    }
    const ineligible = $of((await citizen.agent.get(`/polls/${verifiedOnly}`)).text);
    expect(squash(ineligible('#ineligible').text())).toContain(
      'in person, at a citizen service centre (KEP) or',
    );
    // The Greek close reason is there, marked.
    const reason = $of((await citizen.agent.get(`/polls/${closed}`)).text)('#closed-early-reason');
    expect(reason.text()).toBe('Τέλος δοκιμής');
    expect(reason.attr('lang')).toBe('el');
    // The check before the vote too.
    const check = $of((await choose(citizen.agent, open, { choice: '2' })).text);
    expect(check('#confirm-vote')).toHaveLength(1);
    expect(greekUnmarked(check)).toEqual([]);
  });
});

describe('voting', () => {
  it('takes a vote through the confirmation step, and the page then says when and how, never what', async () => {
    const id = await openPoll({
      options: [
        { el: 'Πλατεία', en: 'Square' },
        { el: 'Πάρκο', en: 'Park' },
        { el: 'Λιμάνι', en: 'Harbour' },
      ],
    });
    const citizen = await signedIn();
    const page = $of((await citizen.agent.get(`/polls/${id}`)).text);
    const form = page(`form[action="/polls/${id}/vote"]`);
    expect(
      form
        .find('input[name="choice"]')
        .map((_i, input) => page(input).attr('value'))
        .get(),
    ).toEqual(['1', '2', '3']);
    expect(form.find('label[for="choice-2"]').text()).toBe('Πάρκο');

    const step = await choose(citizen.agent, id, { choice: '2' });
    expect(step.status).toBe(200);
    const $ = $of(step.text);
    // The check lists every option, the chosen one checked, and can still be changed there.
    const check = $(`form[action="/polls/${id}/vote/confirm"]`);
    expect(
      check
        .find('input[name="choice"]')
        .map((_i, input) => $(input).attr('value'))
        .get(),
    ).toEqual(['1', '2', '3']);
    expect(check.find('#choice-2').attr('checked')).toBeDefined();
    expect(check.find('#choice').attr('checked')).toBeUndefined();
    expect(check.find('input[name="version"]').attr('value')).toMatch(/^[0-9a-f]{32}$/);
    expect(squash($('main').text())).toContain(
      'Η ψήφος σας είναι μυστική και δεν μπορεί να αλλάξει.',
    );
    // Its size does not tell the choice: sent uncompressed, the same length for every option.
    expect(step.headers['content-encoding']).toBeUndefined();
    expect(step.headers['cache-control']).toContain('no-transform');
    const lengths = new Set<number>();
    for (const choice of ['1', '2', '3']) {
      const page = await citizen.agent
        .post(`/polls/${id}/vote`)
        .set('accept-encoding', 'gzip, br')
        .type('form')
        .send({ _csrf: check.find('input[name="_csrf"]').attr('value'), choice });
      expect(page.headers['content-encoding']).toBeUndefined();
      lengths.add(Buffer.byteLength(page.text));
    }
    expect(lengths.size).toBe(1);
    expect(await tally(id)).toEqual([0, 0, 0]);

    const cast = await confirm(citizen.agent, id, '2');
    expect(cast.status).toBe(303);
    expect(cast.headers.location).toBe(`/polls/${id}`);
    expect(await tally(id)).toEqual([0, 1, 0]);
    const after = $of((await citizen.agent.get(`/polls/${id}`)).text);
    expect(after('.govuk-notification-banner').text()).toContain('Η ψήφος σας καταγράφηκε');
    expect(after('#voted').text()).toContain(
      `Ψηφίσατε στις ${formatDate(today(), 'el')} από τον ιστότοπο.`,
    );
    expect(after(`form[action="/polls/${id}/vote"]`)).toHaveLength(0);
    // What was chosen appears nowhere but as one of the options' names, nowhere marked.
    expect(squash(after('main').text())).not.toContain('Πάρκο');
    // The message is shown once.
    expect(
      $of((await citizen.agent.get(`/polls/${id}`)).text)('.govuk-notification-banner'),
    ).toHaveLength(0);
    await useLanguage(citizen.agent, 'en');
    expect($of((await citizen.agent.get(`/polls/${id}`)).text)('#voted').text()).toContain(
      `You voted on ${formatDate(today(), 'en')} on the website.`,
    );
  });

  it('asks again, next to the field, when no answer was chosen, in Greek and in English', async () => {
    const id = await openPoll();
    const citizen = await signedIn();
    const sent: Record<string, string>[] = [{}, { choice: '' }, { choice: '7' }, { choice: 'x' }];
    for (const fields of sent) {
      const res = await choose(citizen.agent, id, fields);
      expect(res.status).toBe(400);
      const $ = $of(res.text);
      expect($('#choice-error').text()).toContain('Επιλέξτε μία από τις απαντήσεις');
      expect($('.govuk-error-summary a').attr('href')).toBe('#choice');
      expect($('title').text()).toMatch(/^Σφάλμα/);
    }
    await useLanguage(citizen.agent, 'en');
    const en = $of((await choose(citizen.agent, id, {})).text);
    expect(en('#choice-error').text()).toContain('Choose one of the answers');
    // An option the poll does not have, sent straight to the confirmation: refused, nothing counted.
    const wrong = await confirm(citizen.agent, id, '9');
    expect(wrong.status).toBe(400);
    expect($of(wrong.text)('#choice-error').text()).toContain('Choose one of the answers');
    expect(await tally(id)).toEqual([0, 0, 0]);
    expect(await ctx.db('poll_voters').where({ poll_id: id })).toHaveLength(0);
  });

  it('refuses a second vote, on the web or after one by phone, saying when the first was cast', async () => {
    const id = await openPoll({ byPhone: true });
    const citizen = await signedIn();
    expect((await confirm(citizen.agent, id, '1')).status).toBe(303);
    for (const attempt of [
      choose(citizen.agent, id, { choice: '3' }),
      confirm(citizen.agent, id, '3'),
    ]) {
      const res = await attempt;
      expect(res.status).toBe(409);
      const $ = $of(res.text);
      expect($('#refused').attr('data-reason')).toBe('already_voted');
      expect($('#refused').text()).toContain('Έχετε ήδη ψηφίσει');
      expect($('#voted').text()).toContain('από τον ιστότοπο');
    }
    expect(await tally(id)).toEqual([1, 0, 0]);

    const byPhone = await signedIn();
    await castVote(ctx.services, { user: byPhone.user, pollId: id, option: 2, channel: 'phone' });
    const page = $of((await byPhone.agent.get(`/polls/${id}`)).text);
    expect(page('#voted').text()).toContain('από το τηλέφωνο');
    const again = await confirm(byPhone.agent, id, '1');
    expect(again.status).toBe(409);
    await useLanguage(byPhone.agent, 'en');
    const en = $of((await byPhone.agent.get(`/polls/${id}`)).text);
    expect(en('#voted').text()).toContain('by phone.');
    expect(await tally(id)).toEqual([1, 1, 0]);
  });

  it('explains to an unverified account how the identity check opens a verified-only poll, and refuses its vote', async () => {
    const id = await openPoll({ electorate: 'verified' });
    const citizen = await signedIn();
    const page = await citizen.agent.get(`/polls/${id}`);
    expect(page.status).toBe(200);
    const $ = $of(page.text);
    expect($('#ineligible').attr('data-reason')).toBe('not_verified');
    expect($('#ineligible').text()).toContain('ΚΕΠ');
    expect($('#ineligible a').attr('href')).toBe('/account#identity-check');
    expect($(`form[action="/polls/${id}/vote"]`)).toHaveLength(0);
    expect(squash($('#electorate').text())).toContain(
      'Μόνο λογαριασμοί με επιβεβαιωμένη ταυτότητα',
    );
    const refused = await confirm(citizen.agent, id, '1');
    expect(refused.status).toBe(403);
    expect($of(refused.text)('#refused').attr('data-reason')).toBe('not_verified');
    expect((await choose(citizen.agent, id, { choice: '1' })).status).toBe(403);
    await useLanguage(citizen.agent, 'en');
    expect($of((await citizen.agent.get(`/polls/${id}`)).text)('#ineligible').text()).toContain(
      'identity is checked once',
    );
    // A verified account votes.
    const verified = await signedIn({
      afm: freshAfm(),
      identity_verified_at: new Date(),
      identity_channel: 'counter',
    });
    expect((await confirm(verified.agent, id, '3')).status).toBe(303);
    expect(await tally(id)).toEqual([0, 0, 1]);
  });

  it('tells a staff account to vote with a personal account, and refuses its vote', async () => {
    const id = await openPoll();
    const staff = await signedIn({ roles: ['clerk'] });
    const $ = $of((await staff.agent.get(`/polls/${id}`)).text);
    expect($('#ineligible').attr('data-reason')).toBe('staff');
    expect($('#ineligible').text()).toContain('προσωπικό σας λογαριασμό');
    const refused = await confirm(staff.agent, id, '1');
    expect(refused.status).toBe(403);
    expect($of(refused.text)('#refused').attr('data-reason')).toBe('staff');
    await useLanguage(staff.agent, 'en');
    expect($of((await staff.agent.get(`/polls/${id}`)).text)('#ineligible').text()).toContain(
      'personal citizen account',
    );
    expect(await tally(id)).toEqual([0, 0, 0]);
  });

  it('refuses a vote in a poll not yet open or already closed, with a page that says so', async () => {
    const upcoming = await upcomingPoll();
    const ended = await endedPoll();
    const citizen = await signedIn();
    const early = await confirm(citizen.agent, upcoming, '1');
    expect(early.status).toBe(409);
    expect($of(early.text)('#refused').attr('data-reason')).toBe('not_open');
    const late = await choose(citizen.agent, ended, { choice: '1' });
    expect(late.status).toBe(409);
    expect($of(late.text)('#refused').attr('data-reason')).toBe('closed');
    expect($of(late.text)('#results')).toHaveLength(1);
    expect((await confirm(citizen.agent, ended, '1')).status).toBe(409);
    expect(await tally(upcoming)).toEqual([0, 0, 0]);
    expect(await tally(ended)).toEqual([0, 0, 0]);
  });

  it('sends a visitor who is not signed in to sign in, and records nothing', async () => {
    const id = await openPoll();
    const agent = newAgent(ctx.app);
    // The poll's page has no form for this visitor: the sign-in form's token, as a forged form would.
    const res = await postForm(agent, '/login', `/polls/${id}/vote/confirm`, { choice: '1' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect(await tally(id)).toEqual([0, 0, 0]);
  });

  it('never shows one citizen whether another has voted', async () => {
    const id = await openPoll();
    const first = await signedIn();
    const second = await signedIn();
    expect((await confirm(first.agent, id, '2')).status).toBe(303);
    const theirs = $of((await second.agent.get(`/polls/${id}`)).text);
    expect(theirs('#voted')).toHaveLength(0);
    expect(theirs(`form[action="/polls/${id}/vote"]`)).toHaveLength(1);
    expect(
      $of((await second.agent.get('/polls')).text)(`[data-poll="${id}"] [data-standing]`).attr(
        'data-standing',
      ),
    ).toBe('mayVote');
    const anonymous = $of((await request(ctx.app).get(`/polls/${id}`)).text);
    expect(anonymous('#voted')).toHaveLength(0);
    expect(anonymous('#sign-in')).toHaveLength(1);
    // The second votes in their own right.
    expect((await confirm(second.agent, id, '2')).status).toBe(303);
    expect(await tally(id)).toEqual([0, 2, 0]);
  });
});

describe('results', () => {
  it('are hidden until the poll closes, then shown as a chart, a table, turnout, CSV and JSON with the same figures', async () => {
    const id = await openPoll({
      byPhone: true,
      questionEl: 'Πού να γίνει το νέο πάρκο;',
      questionEn: 'Where should the new park go?',
      options: [
        { el: 'Στη Λατώ', en: 'At Lato' },
        { el: 'Στο λιμάνι', en: 'By the harbour' },
        { el: 'Στην Κίτροπλατεία', en: 'At Kitroplateia' },
      ],
    });
    const cast: [number, 'web' | 'phone'][] = [
      [1, 'web'],
      [1, 'phone'],
      [2, 'web'],
      [1, 'web'],
      [3, 'phone'],
      [1, 'web'],
    ];
    for (const [option, channel] of cast)
      await castVote(ctx.services, { user: await voter(), pollId: id, option, channel });

    // Before the close: nothing of the results, anywhere.
    expect($of((await request(ctx.app).get(`/polls/${id}`)).text)('#results')).toHaveLength(0);
    for (const file of ['results.csv', 'results.svg']) {
      const res = await request(ctx.app).get(`/polls/${id}/${file}`);
      expect(res.status, file).toBe(404);
      expect(res.text).toContain('δημοσιεύονται όταν κλείσει');
    }
    const early = await request(ctx.app).get(`/polls/${id}/results.json?lang=en`);
    expect(early.status).toBe(404);
    expect(early.body).toEqual({
      error: 'not_closed',
      message: 'The results of this poll are published once it has closed.',
    });
    const none = await request(ctx.app).get('/polls/2000000000/results.json');
    expect(none.status).toBe(404);
    expect((none.body as { error: string }).error).toBe('not_found');

    await endPoll(ctx.db, id);
    expect(await tally(id)).toEqual([4, 1, 1]);
    const page = await request(ctx.app).get(`/polls/${id}`);
    expect(page.status).toBe(200);
    const $ = $of(page.text);
    expect($('#status').text()).toBe('Έκλεισε');
    const results = $('#results');
    expect(results).toHaveLength(1);
    const rows = $('#results-table tbody tr[data-position]')
      .map((_i, tr) => [
        [
          $(tr).find('th').text(),
          $(tr).find('td').eq(0).attr('data-votes'),
          $(tr).find('td').eq(1).text(),
        ],
      ])
      .get() as unknown as string[][];
    expect(rows).toEqual([
      ['Στη Λατώ', '4', '66,7%'],
      ['Στο λιμάνι', '1', '16,7%'],
      // Largest remainders: the shares add up to 100,0 (a tie goes to the earlier option).
      ['Στην Κίτροπλατεία', '1', '16,6%'],
    ]);
    expect($('#results-total td').first().text()).toBe('6');
    expect($('#turnout-web').text()).toBe('4');
    expect($('#turnout-phone').text()).toBe('2');
    expect($('#closed-early').text()).toContain('Η ψηφοφορία έκλεισε νωρίτερα');
    expect($('#closed-early-reason').text()).toBe('Τέλος δοκιμής');
    expect($(`#results-files a[href="/polls/${id}/results.csv"]`)).toHaveLength(1);
    expect($(`#results-files a[href="/polls/${id}/results.json"]`)).toHaveLength(1);

    // The chart: an image with a name and a description that give the table's figures.
    const svg = $('#results svg');
    expect(svg.attr('role')).toBe('img');
    const labelledBy = String(svg.attr('aria-labelledby')).split(' ');
    expect(labelledBy).toEqual(['poll-chart-title', 'poll-chart-desc']);
    expect(svg.find('title#poll-chart-title').text()).toBe(
      'Αποτελέσματα: Πού να γίνει το νέο πάρκο;',
    );
    const desc = svg.find('desc#poll-chart-desc').text();
    expect(desc).toBe(
      'Στη Λατώ: 4 ψήφοι (66,7%). Στο λιμάνι: 1 ψήφος (16,7%). Στην Κίτροπλατεία: 1 ψήφος (16,6%). Σύνολο: 6 ψήφοι.',
    );
    const drawn = svg
      .find('text')
      .map((_i, t) => $(t).text())
      .get();
    for (const [label, votes, percent] of rows) {
      expect(drawn).toContain(label);
      expect(drawn).toContain(`${votes} (${percent})`);
    }
    const bars = svg
      .find('rect')
      .map((_i, r) => Number($(r).attr('width')))
      .get() as number[];
    expect(bars).toHaveLength(3);
    expect(bars[0]).toBeGreaterThan(bars[1]!);
    expect(bars[1]).toBe(bars[2]);

    const en = $of((await request(ctx.app).get(`/polls/${id}?lang=en`)).text);
    expect(
      en('#results-table tbody tr[data-position] td:nth-of-type(2)')
        .map((_i, td) => en(td).text())
        .get(),
    ).toEqual(['66.7%', '16.7%', '16.6%']);
    expect(en('#poll-chart-desc').text()).toContain(
      'At Lato: 4 votes (66.7%). By the harbour: 1 vote (16.7%).',
    );

    // CSV: a byte-order mark, `;`, a decimal comma, both languages' labels.
    const csv = await request(ctx.app)
      .get(`/polls/${id}/results.csv`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toContain(`poll-${id}-results.csv`);
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(bytes.subarray(3).toString('utf8'), { delimiter: ';' }) as string[][];
    expect(records).toEqual([
      ['position', 'option_el', 'option_en', 'votes', 'percent'],
      ['1', 'Στη Λατώ', 'At Lato', '4', '66,7'],
      ['2', 'Στο λιμάνι', 'By the harbour', '1', '16,7'],
      ['3', 'Στην Κίτροπλατεία', 'At Kitroplateia', '1', '16,6'],
      ['total', '', '', '6', '100,0'],
      ['turnout_web', '', '', '4', ''],
      ['turnout_phone', '', '', '2', ''],
    ]);

    const json = await request(ctx.app).get(`/polls/${id}/results.json`);
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toContain('application/json');
    const poll = (await ctx.db('polls').where({ id }).first()) as {
      opens_at: Date;
      closes_at: Date;
      closed_early_at: Date;
    };
    expect(json.body).toEqual({
      poll: {
        id,
        question: { el: 'Πού να γίνει το νέο πάρκο;', en: 'Where should the new park go?' },
        opens_at: poll.opens_at.toISOString(),
        closes_at: poll.closes_at.toISOString(),
        closed_at: poll.closed_early_at.toISOString(),
        closed_early: true,
        closed_early_reason: 'Τέλος δοκιμής',
      },
      total: 6,
      turnout: { web: 4, phone: 2 },
      options: [
        { position: 1, label: { el: 'Στη Λατώ', en: 'At Lato' }, votes: 4, percent: 66.7 },
        { position: 2, label: { el: 'Στο λιμάνι', en: 'By the harbour' }, votes: 1, percent: 16.7 },
        {
          position: 3,
          label: { el: 'Στην Κίτροπλατεία', en: 'At Kitroplateia' },
          votes: 1,
          percent: 16.6,
        },
      ],
    });

    const file = await request(ctx.app).get(`/polls/${id}/results.svg?lang=en`).buffer(true);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    const text = Buffer.isBuffer(file.body) ? file.body.toString('utf8') : file.text;
    expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(text).toContain(
      '<title id="poll-chart-title">Results: Where should the new park go?</title>',
    );
    // The file stands alone: its language, and the question and the total drawn above the bars.
    const drawing = async (lang: 'el' | 'en') => {
      const res = await request(ctx.app).get(`/polls/${id}/results.svg?lang=${lang}`).buffer(true);
      const $svg = cheerio.load(Buffer.isBuffer(res.body) ? res.body.toString('utf8') : res.text, {
        xml: true,
      });
      const texts = $svg('svg > text')
        .map((_i, t) => ({ text: $svg(t).text(), y: Number($svg(t).attr('y')) }))
        .get() as { text: string; y: number }[];
      const firstBar = Math.min(
        ...($svg('rect')
          .map((_i, r) => Number($svg(r).attr('y')))
          .get() as number[]),
      );
      return { lang: $svg('svg').attr('xml:lang'), texts, firstBar };
    };
    const standaloneEn = await drawing('en');
    expect(standaloneEn.lang).toBe('en');
    expect(standaloneEn.texts.slice(0, 2).map((t) => t.text)).toEqual([
      'Where should the new park go?',
      'Total: 6 votes',
    ]);
    expect(standaloneEn.texts[1]!.y).toBeLessThan(standaloneEn.firstBar);
    const standaloneEl = await drawing('el');
    expect(standaloneEl.lang).toBe('el');
    expect(standaloneEl.texts.slice(0, 2).map((t) => t.text)).toEqual([
      'Πού να γίνει το νέο πάρκο;',
      'Σύνολο: 6 ψήφοι',
    ]);
    // The chart in the page is drawn as before: the page has its own heading and total.
    expect(drawn).not.toContain('Σύνολο: 6 ψήφοι');
    expect(svg.attr('xml:lang')).toBeUndefined();
  });

  it('share out 100,0% exactly by the largest remainder (1, 1, 1), on the page, in the chart, the CSV and the JSON', async () => {
    const id = await openPoll();
    for (const option of [1, 2, 3])
      await castVote(ctx.services, { user: await voter(), pollId: id, option, channel: 'web' });
    await endPoll(ctx.db, id);
    const $ = $of((await request(ctx.app).get(`/polls/${id}`)).text);
    const shown = $('#results-table tbody tr[data-position] td:nth-of-type(2)')
      .map((_i, td) => $(td).text())
      .get();
    expect(shown).toEqual(['33,4%', '33,3%', '33,3%']);
    expect($('#results-total td').eq(1).text()).toBe('100,0%');
    expect($('#poll-chart-desc').text()).toContain('(33,4%)');
    const csv = parse((await request(ctx.app).get(`/polls/${id}/results.csv`)).text.slice(1), {
      delimiter: ';',
    }) as string[][];
    expect(csv.slice(1).map((row) => row[4])).toEqual(['33,4', '33,3', '33,3', '100,0', '', '']);
    expect(csv.slice(-3).map((row) => row[0])).toEqual(['total', 'turnout_web', 'turnout_phone']);
    const json = (await request(ctx.app).get(`/polls/${id}/results.json`)).body as {
      options: { percent: number }[];
    };
    expect(json.options.map((option) => option.percent)).toEqual([33.4, 33.3, 33.3]);
  });

  it('mark the close reason with its language when it is not the page’s', async () => {
    const id = await endedPoll();
    const reasonOn = async (lang: 'el' | 'en') =>
      $of((await request(ctx.app).get(`/polls/${id}?lang=${lang}`)).text)('#closed-early-reason');
    const closeEarly = (reason: string) =>
      ctx
        .db('polls')
        .where({ id })
        .update({ closed_early_at: new Date(Date.now() - 2 * DAY), closed_early_reason: reason });
    await closeEarly('Η μελέτη άλλαξε.');
    expect((await reasonOn('el')).attr('lang')).toBeUndefined();
    expect((await reasonOn('en')).attr('lang')).toBe('el');
    await closeEarly('The study changed (ΚΕΠ notice 12).');
    expect((await reasonOn('en')).attr('lang')).toBe('el');
    await closeEarly('The study changed.');
    expect((await reasonOn('el')).attr('lang')).toBe('en');
    expect((await reasonOn('en')).attr('lang')).toBeUndefined();
    await closeEarly('12/2026');
    expect((await reasonOn('el')).attr('lang')).toBeUndefined();
    expect((await reasonOn('en')).attr('lang')).toBeUndefined();
    const json = (await request(ctx.app).get(`/polls/${id}/results.json`)).body as {
      poll: Record<string, unknown>;
    };
    expect(json.poll).toMatchObject({ closed_early: true, closed_early_reason: '12/2026' });
  });

  it('of a poll that ended by time without votes say nobody voted, without an early-close note', async () => {
    const id = await endedPoll();
    const $ = $of((await request(ctx.app).get(`/polls/${id}`)).text);
    expect($('#no-votes').text()).toContain('Δεν ψήφισε κανείς');
    expect($('#closed-early')).toHaveLength(0);
    expect($('#results svg rect')).toHaveLength(0);
    expect($('#results-total td').first().text()).toBe('0');
    const closesAt = ((await ctx.db('polls').where({ id }).first()) as { closes_at: Date })
      .closes_at;
    expect((await request(ctx.app).get(`/polls/${id}/results.json`)).body).toMatchObject({
      poll: {
        closed_at: closesAt.toISOString(),
        closed_early: false,
        closed_early_reason: null,
      },
      total: 0,
      turnout: { web: 0, phone: 0 },
      options: [{ percent: 0 }, { percent: 0 }, { percent: 0 }],
    });
    const csv = (await request(ctx.app).get(`/polls/${id}/results.csv`)).text;
    expect(csv.trimEnd().split('\r\n').slice(-3)).toEqual([
      '"total";"";"";"0";"0,0"',
      '"turnout_web";"";"";"0";""',
      '"turnout_phone";"";"";"0";""',
    ]);
  });
});

describe('sharesOf', () => {
  it('rounds to tenths that add up to 100 by the largest remainder, ties to the earlier option', () => {
    expect(sharesOf([1, 1, 1])).toEqual([33.4, 33.3, 33.3]);
    expect(sharesOf([4, 1, 1])).toEqual([66.7, 16.7, 16.6]);
    expect(sharesOf([1, 1, 1, 1, 1, 1, 1])).toEqual([14.3, 14.3, 14.3, 14.3, 14.3, 14.3, 14.2]);
    expect(sharesOf([0, 0, 0])).toEqual([0, 0, 0]);
    expect(sharesOf([5, 0])).toEqual([100, 0]);
    expect(sharesOf([2, 1])).toEqual([66.7, 33.3]);
    // Any counts: exact sum, each share within a tenth of its true value.
    for (let run = 0; run < 500; run += 1) {
      const counts = Array.from({ length: 2 + (run % 9) }, () => Math.floor(Math.random() * 50));
      const total = counts.reduce((sum, count) => sum + count, 0);
      const shares = sharesOf(counts);
      if (!total) continue;
      expect(Math.round(shares.reduce((sum, share) => sum + share, 0) * 10)).toBe(1000);
      counts.forEach((count, i) =>
        expect(Math.abs(shares[i]! - (count * 100) / total)).toBeLessThan(0.1 + 1e-9),
      );
    }
  });
});

describe('around the service', () => {
  it('has a card on the hub, a line on a citizen’s account page (not a staff account’s) and a privacy section', async () => {
    const hub = $of((await request(ctx.app).get('/')).text);
    expect(hub('a[href="/polls"]').length).toBeGreaterThan(0);
    expect(squash(hub('main').text())).toContain('Ψηφοφορίες');
    expect((await request(ctx.app).get('/?lang=en')).text).toContain('in secret');

    const citizen = await signedIn();
    const line = async () => {
      const $ = $of((await citizen.agent.get('/account')).text);
      return squash($('main li a[href="/polls"]').text());
    };
    const before = await line();
    const count = Number(/: (\d+)$/.exec(before)?.[1]);
    expect(before).toMatch(/^Ανοιχτές ψηφοφορίες στις οποίες μπορείτε να ψηφίσετε: \d+$/);
    const id = await openPoll();
    expect(await line()).toBe(`Ανοιχτές ψηφοφορίες στις οποίες μπορείτε να ψηφίσετε: ${count + 1}`);
    await openPoll({ electorate: 'verified' });
    expect((await confirm(citizen.agent, id, '1')).status).toBe(303);
    expect(await line()).toBe(`Ανοιχτές ψηφοφορίες στις οποίες μπορείτε να ψηφίσετε: ${count}`);
    await useLanguage(citizen.agent, 'en');
    expect(await line()).toBe(`Open polls you can vote in: ${count}`);

    const staff = await signedIn({ roles: ['editor'] });
    const staffPage = $of((await staff.agent.get('/account')).text);
    expect(staffPage('main li a[href="/polls"]')).toHaveLength(0);

    const privacy = await request(ctx.app).get('/privacy');
    expect(privacy.text).toContain('Δεν κρατάμε ποτέ τι επιλέξατε');
    expect((await request(ctx.app).get('/privacy?lang=en')).text).toContain(
      'We never keep what you chose',
    );
  });

  it('renders every page in both languages (html-validate checks them when the file ends)', async () => {
    const open = await openPoll({ byPhone: true });
    const verifiedOnly = await openPoll({ electorate: 'verified' });
    const upcoming = await upcomingPoll();
    const ended = await endedPoll();
    const citizen = await signedIn();
    const voted = await signedIn();
    expect((await confirm(voted.agent, open, '1')).status).toBe(303);
    for (const lang of ['el', 'en'] as const) {
      for (const agent of [citizen.agent, voted.agent]) {
        await useLanguage(agent, lang);
        for (const path of [
          '/polls',
          ...[open, verifiedOnly, upcoming, ended].map((id) => `/polls/${id}`),
        ])
          expect((await agent.get(path)).status, path).toBe(200);
      }
      for (const path of ['/polls', `/polls/${open}`, `/polls/${ended}`])
        expect((await request(ctx.app).get(`${path}?lang=${lang}`)).status).toBe(200);
      expect((await choose(citizen.agent, open, { choice: '2' })).status).toBe(200);
      expect((await choose(citizen.agent, open, {})).status).toBe(400);
      expect((await choose(voted.agent, open, { choice: '2' })).status).toBe(409);
      expect((await choose(citizen.agent, verifiedOnly, { choice: '2' })).status).toBe(403);
    }
    expect(ctx.renderedPages.length).toBeGreaterThan(20);
  });
});
