import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { athensDate, athensDateTime, formatDate } from '../../src/lib/format.ts';
import { hashSecret } from '../../src/lib/passwords.ts';
import { versionOf } from '../../src/features/polls/polls.service.ts';
import { newAgent, postForm, signIn } from '../helpers/accounts.ts';
import { freshAfm } from '../helpers/certificates.ts';
import { phoneCitizen, signedInCall, type PhoneCall } from '../helpers/phone.ts';
import { insertPoll, tallyOf, type PollInput } from '../helpers/polls.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let base: string;

beforeAll(async () => {
  ctx = await createTestContext();
  base = ctx.deps.config.baseUrl;
});
afterAll(async () => ctx.close());
// Each test reads out the polls open now: the ones of earlier tests are closed after each.
afterEach(async () => {
  await ctx
    .db('polls')
    .whereNotNull('published_at')
    .whereNull('closed_early_at')
    .update({ closed_early_at: new Date(Date.now() - 1000), closed_early_reason: 'Τέλος δοκιμής' });
});

let n = 0;
/** An open phone poll with a question this test can find in what is said. */
async function phonePoll(input: PollInput = {}): Promise<{ id: number; el: string; en: string }> {
  n += 1;
  const el = `Να φυτευτούν δέντρα στην πλατεία ${n};`;
  const en = `Should trees be planted in square ${n}?`;
  const id = await insertPoll(ctx.db, { byPhone: true, questionEl: el, questionEn: en, ...input });
  return { id, el: input.questionEl ?? el, en: input.questionEn ?? en };
}

const callRow = async (call: PhoneCall) =>
  (await ctx.db('phone_calls').where({ call_sid: call.callSid }).first()) as {
    state: { node?: string; data?: Record<string, unknown> };
    answer: string | null;
    outcomes: string[];
    menus: string[];
  };

const votersOf = (pollId: number) =>
  ctx.db('poll_voters').where({ poll_id: pollId }).select('user_id', 'channel');

/** The key the list says for this question ("… press 2."), failing if it is not read out. */
function keyFor(call: PhoneCall, question: string): string {
  const item = call.screen!.says.find((line) => line.includes(question));
  const key = item?.match(/(?:πατήστε|press) (\d)\.$/)?.[1];
  if (!key) throw new Error(`"${question}" is not in the list: ${call.said}`);
  return key;
}

/** From the main menu to a poll's confirmation with this option pressed. */
async function chooseOption(call: PhoneCall, question: string, option: string): Promise<void> {
  await call.press('3');
  await call.press(keyFor(call, question));
  await call.press(option);
}

describe('the phone portal: voting', () => {
  it('lists a phone poll, reads its spoken options, and counts a confirmed vote as a phone vote, keeping no choice', async () => {
    const poll = await phonePoll();
    const other = await phonePoll();
    await ctx
      .db('polls')
      .where({ id: poll.id })
      .update({ description_el: 'Η πλατεία   έχει σήμερα\n\nλίγη σκιά' });
    const caller = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, caller);

    const list = await call.press('3');
    expect(list.says[0]).toBe('Υπάρχουν 2 ψηφοφορίες στις οποίες μπορείτε να ψηφίσετε.');
    const { closes_at: closes } = (await ctx.db('polls').where({ id: poll.id }).first()) as {
      closes_at: Date;
    };
    const date = formatDate(athensDate(closes), 'el');
    const time = athensDateTime(closes).slice(11);
    expect(list.says[1]).toBe(
      `Ψηφοφορία 1: ${poll.el} Η ψηφοφορία είναι ανοιχτή έως τις ${date}, ώρα ${time}. Για να ψηφίσετε σε αυτή, πατήστε 1.`,
    );
    expect(list.says[2]).toContain(`Ψηφοφορία 2: ${other.el}`);
    expect(list.says.at(-1)).toBe('Για το αρχικό μενού, πατήστε αστερίσκο.');
    expect(list.gather?.numDigits).toBe(1);

    // Not a poll's number: asked again.
    expect((await call.press('3')).says[0]).toBe('Αυτή δεν είναι μία από τις επιλογές.');

    const question = await call.press('1');
    expect(question.says[0]).toBe(poll.el);
    expect(question.says[1]).toBe('Η πλατεία έχει σήμερα λίγη σκιά.');
    // The spoken labels, never the written ones.
    expect(question.says).toContain('Για την επιλογή Δεύτερη, πατήστε 2.');
    expect(call.said).not.toContain('Δεύτερη επιλογή');
    expect(call.said).toContain('πατήστε 9');
    // 0 says it again.
    expect((await call.press('0')).says).toEqual(question.says);
    // There are three options: 4 is not one.
    await call.press('4');

    const confirm = await call.press('2');
    expect(confirm.says[0]).toBe('Επιλέξατε: Δεύτερη.');
    expect(call.said).toContain('πατήστε 1');
    // Until the confirmation the choice is in the call's state…
    expect((await callRow(call)).state.data?.option).toBe(2);
    // …and choosing again drops it.
    const again = await call.press('2');
    expect(again.says[0]).toBe(poll.el);
    expect((await callRow(call)).state.data).not.toHaveProperty('option');
    await call.press('2');

    const voted = await call.press('1');
    expect(voted.says[0]).toBe('Η ψήφος σας καταμετρήθηκε. Ευχαριστούμε για τη συμμετοχή σας.');
    // Back to the list: the poll left to vote in, and the one voted in.
    expect(voted.says.slice(1, 4)).toEqual([
      'Υπάρχει μία ψηφοφορία στην οποία μπορείτε να ψηφίσετε.',
      'Έχετε ψηφίσει σε μία ψηφοφορία που είναι ακόμη ανοιχτή.',
      expect.stringContaining(`Ψηφοφορία 1: ${other.el}`) as unknown,
    ]);
    expect(call.said).not.toContain(poll.el);

    expect(await tallyOf(ctx.db, poll.id)).toEqual([0, 1, 0]);
    expect(await votersOf(poll.id)).toEqual([{ user_id: caller.id, channel: 'phone' }]);

    // The call keeps no trace of the choice: not in its state, its last answer, or its log.
    const row = await callRow(call);
    expect(row.state.node).toBe('polls');
    expect(row.state.data).toEqual({ polls: [other.id] });
    expect(row.outcomes).toEqual(['signed_in', 'voted']);
    expect(row.menus).toContain('polls');
    const kept = JSON.stringify(row);
    for (const trace of ['"option"', 'Δεύτερη', 'Second', 'Επιλέξατε'])
      expect(kept).not.toContain(trace);
    expect(await call.hangUp(95)).toBe(204);
    const ended = await callRow(call);
    expect(ended.state).toEqual({});
    expect(JSON.stringify(ended)).not.toContain('Δεύτερη');
  });

  it('a retried confirmation gets the same answer and counts once', async () => {
    const poll = await phonePoll();
    const caller = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, caller);
    await chooseOption(call, poll.el, '3');
    const first = await call.press('1');
    expect(first.says[0]).toContain('Η ψήφος σας καταμετρήθηκε');
    const retried = await call.resend();
    expect(retried.status).toBe(200);
    expect(retried.xml).toBe(first.xml);
    expect(retried.says.join(' ')).not.toContain('Έχετε ήδη ψηφίσει');
    expect(await tallyOf(ctx.db, poll.id)).toEqual([0, 0, 1]);
    expect(await votersOf(poll.id)).toHaveLength(1);
    expect((await callRow(call)).outcomes).toEqual(['signed_in', 'voted']);
  });

  it('a second call no longer offers the poll, and one that was at the confirmation is told it already voted', async () => {
    const poll = await phonePoll();
    const caller = await phoneCitizen(ctx.db);
    // Two calls at once from the same account, both at the confirmation.
    const one = await signedInCall(ctx.app, base, caller);
    const two = await signedInCall(ctx.app, base, caller);
    await chooseOption(one, poll.el, '1');
    await chooseOption(two, poll.el, '3');
    expect((await one.press('1')).says[0]).toContain('Η ψήφος σας καταμετρήθηκε');
    const refused = await two.press('1');
    const today = formatDate(athensDate(new Date()), 'el');
    expect(refused.says[0]).toBe(
      `Έχετε ήδη ψηφίσει σε αυτή την ψηφοφορία, στις ${today}, από το τηλέφωνο. Η ψήφος μετρά μία φορά και δεν αλλάζει.`,
    );
    expect((await callRow(two)).outcomes).toEqual(['signed_in', 'vote_refused']);
    expect(await tallyOf(ctx.db, poll.id)).toEqual([1, 0, 0]);

    // A later call does not offer it at all.
    const three = await signedInCall(ctx.app, base, caller);
    await three.press('3');
    expect(three.said).not.toContain(poll.el);
    expect(three.said).toContain('Έχετε ψηφίσει σε μία ψηφοφορία που είναι ακόμη ανοιχτή.');
    expect(three.screen!.says.at(-1)).toContain('πατήστε 3');
  });

  it('one vote whether by web or phone: web first refuses the phone, phone first refuses the web', async () => {
    const password = 'ένας κωδικός για τον ιστότοπο';
    const citizen = async () => {
      const caller = await phoneCitizen(ctx.db);
      await ctx
        .db('users')
        .where({ id: caller.id })
        .update({ password_hash: await hashSecret(password) });
      const { username } = (await ctx.db('users').where({ id: caller.id }).first()) as {
        username: string;
      };
      const agent = newAgent(ctx.app);
      await signIn(agent, username, password);
      return { ...caller, agent };
    };
    const webVote = async (agent: ReturnType<typeof newAgent>, pollId: number, choice: string) => {
      const current = (await ctx.services.polls.poll(pollId))!;
      return postForm(agent, `/polls/${pollId}`, `/polls/${pollId}/vote/confirm`, {
        choice,
        version: versionOf(current),
      });
    };
    const today = formatDate(athensDate(new Date()), 'el');

    // Web first, while the caller is at the confirmation.
    const webFirst = await phonePoll();
    const a = await citizen();
    const call = await signedInCall(ctx.app, base, a);
    await chooseOption(call, webFirst.el, '2');
    expect((await webVote(a.agent, webFirst.id, '1')).status).toBe(303);
    const refused = await call.press('1');
    expect(refused.says[0]).toBe(
      `Έχετε ήδη ψηφίσει σε αυτή την ψηφοφορία, στις ${today}, από τον ιστότοπο. Η ψήφος μετρά μία φορά και δεν αλλάζει.`,
    );
    expect(await tallyOf(ctx.db, webFirst.id)).toEqual([1, 0, 0]);
    expect(await votersOf(webFirst.id)).toMatchObject([{ user_id: a.id, channel: 'web' }]);

    // Phone first: the website refuses.
    const phoneFirst = await phonePoll();
    const b = await citizen();
    const phone = await signedInCall(ctx.app, base, b);
    await chooseOption(phone, phoneFirst.el, '3');
    expect((await phone.press('1')).says[0]).toContain('Η ψήφος σας καταμετρήθηκε');
    const web = await webVote(b.agent, phoneFirst.id, '1');
    expect(web.status).toBe(409);
    expect(web.text).toContain('Έχετε ήδη ψηφίσει');
    expect(await tallyOf(ctx.db, phoneFirst.id)).toEqual([0, 0, 1]);
    expect(await votersOf(phoneFirst.id)).toMatchObject([{ user_id: b.id, channel: 'phone' }]);
  });

  it('offers a poll for verified accounts only to a verified caller, and never a poll not open by phone', async () => {
    const everyone = await phonePoll();
    const verifiedOnly = await phonePoll({ electorate: 'verified' });
    const webOnly = await phonePoll({ byPhone: false });
    const notYet = await phonePoll({ opensAt: new Date(Date.now() + 86_400_000) });

    const unverified = await signedInCall(ctx.app, base, await phoneCitizen(ctx.db));
    await unverified.press('3');
    expect(unverified.said).toContain(`Ψηφοφορία 1: ${everyone.el}`);
    expect(unverified.said).toContain('Υπάρχει μία ψηφοφορία');
    for (const hidden of [verifiedOnly, webOnly, notYet])
      expect(unverified.said).not.toContain(hidden.el);
    // Only one poll: 2 is not a number on the list.
    expect((await unverified.press('2')).says[0]).toBe('Αυτή δεν είναι μία από τις επιλογές.');

    const verified = await phoneCitizen(ctx.db, {
      afm: freshAfm(),
      identity_verified_at: new Date(),
      identity_channel: 'counter',
    });
    const call = await signedInCall(ctx.app, base, verified);
    await call.press('3');
    expect(call.said).toContain('Υπάρχουν 2 ψηφοφορίες');
    expect(call.said).toContain(everyone.el);
    expect(call.said).toContain(verifiedOnly.el);
    expect(call.said).not.toContain(webOnly.el);
    await call.press(keyFor(call, verifiedOnly.el));
    await call.press('1');
    expect((await call.press('1')).says[0]).toContain('Η ψήφος σας καταμετρήθηκε');
    expect(await tallyOf(ctx.db, verifiedOnly.id)).toEqual([1, 0, 0]);
    expect(await tallyOf(ctx.db, webOnly.id)).toEqual([0, 0, 0]);
  });

  it('says there is nothing to vote in when no phone poll is open', async () => {
    const webOnly = await phonePoll({ byPhone: false });
    const call = await signedInCall(ctx.app, base, await phoneCitizen(ctx.db));
    const answer = await call.press('3');
    expect(answer.says[0]).toBe(
      'Αυτή τη στιγμή δεν υπάρχει ανοιχτή ψηφοφορία στην οποία μπορείτε να ψηφίσετε από το τηλέφωνο.',
    );
    expect(call.said).not.toContain(webOnly.el);
    expect(call.said).not.toContain('Έχετε ψηφίσει');
    // Back at the main menu.
    expect(answer.says.at(-1)).toContain('πατήστε 3');
    expect((await callRow(call)).state.node).toBe('main');
  });

  it('reads out at most nine polls, and says the others come later', async () => {
    const polls = [];
    for (let i = 0; i < 10; i += 1) polls.push(await phonePoll());
    const call = await signedInCall(ctx.app, base, await phoneCitizen(ctx.db));
    const list = await call.press('3');
    expect(list.says[0]).toBe('Υπάρχουν 10 ψηφοφορίες στις οποίες μπορείτε να ψηφίσετε.');
    expect(keyFor(call, polls[8]!.el)).toBe('9');
    expect(call.said).not.toContain(polls[9]!.el);
    expect(call.said).toContain('Οι υπόλοιπες ψηφοφορίες διαβάζονται αφού ψηφίσετε σε αυτές');
    expect((await call.press('9')).says[0]).toBe(polls[8]!.el);
  });

  it('speaks English to an English account, with the English spoken labels', async () => {
    const poll = await phonePoll();
    await ctx
      .db('polls')
      .where({ id: poll.id })
      .update({ description_en: 'A long description. '.repeat(20) });
    const caller = await phoneCitizen(ctx.db, { lang: 'en' });
    const call = await signedInCall(ctx.app, base, caller);
    const list = await call.press('3');
    expect(list.languages.every((lang) => lang === 'en-GB')).toBe(true);
    expect(list.says[0]).toBe('There is one poll you can vote in.');
    expect(call.said).toMatch(
      new RegExp(
        `Poll 1: ${poll.en.replace('?', '\\?')} Voting is open until \\d{1,2} \\w+ \\d{4} at \\d\\d:\\d\\d\\. To vote in it, press 1\\.`,
      ),
    );
    const question = await call.press('1');
    expect(question.says[0]).toBe(poll.en);
    expect(question.says[1]).toBe('The full description of the poll is on the website.');
    expect(question.says).toContain('For Third, press 3.');
    expect(call.said).not.toContain('Third option');
    expect(call.said).toContain('For the main menu, press star.');
    expect((await call.press('3')).says[0]).toBe('You chose: Third.');
    const voted = await call.press('1');
    expect(voted.languages.every((lang) => lang === 'en-GB')).toBe(true);
    expect(voted.says[0]).toBe('Your vote was counted. Thank you for taking part.');
    expect(call.said).toContain('You have voted in one poll that is still open.');
  });

  it('refuses a vote for a poll changed after the caller heard it, and reads it again', async () => {
    const poll = await phonePoll();
    const caller = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, caller);
    await chooseOption(call, poll.el, '1');
    // An editor changes the poll while the caller is at the confirmation (nobody voted yet).
    const changed = `Να φυτευτούν πλατάνια στην πλατεία ${n};`;
    await ctx.db('polls').where({ id: poll.id }).update({ question_el: changed });
    const refused = await call.press('1');
    expect(refused.says[0]).toBe(
      'Ο δήμος άλλαξε αυτή την ψηφοφορία μόλις τώρα και η ψήφος σας δεν καταχωρίστηκε. Ακούστε την όπως είναι τώρα και επιλέξτε ξανά.',
    );
    expect(refused.says[1]).toBe(changed);
    expect((await callRow(call)).outcomes).toEqual(['signed_in', 'vote_refused']);
    expect(await tallyOf(ctx.db, poll.id)).toEqual([0, 0, 0]);

    // Changed again between hearing the options and pressing one: said before the confirmation.
    await ctx
      .db('poll_options')
      .where({ poll_id: poll.id, position: 2 })
      .update({ label_el: 'Άλλη δεύτερη επιλογή' });
    const before = await call.press('2');
    expect(before.says[0]).toBe(
      'Ο δήμος άλλαξε αυτή την ψηφοφορία μόλις τώρα. Ακούστε την όπως είναι τώρα και επιλέξτε ξανά.',
    );
    expect(before.says[1]).toBe(changed);

    // As it stands now, the vote counts.
    await call.press('2');
    expect((await call.press('1')).says[0]).toContain('Η ψήφος σας καταμετρήθηκε');
    expect(await tallyOf(ctx.db, poll.id)).toEqual([0, 1, 0]);
    expect((await callRow(call)).outcomes).toEqual(['signed_in', 'vote_refused', 'voted']);
  });

  it('says when a poll closed while the caller was choosing, and counts nothing', async () => {
    const poll = await phonePoll();
    const caller = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, caller);
    await chooseOption(call, poll.el, '1');
    await ctx
      .db('polls')
      .where({ id: poll.id })
      .update({ closed_early_at: new Date(Date.now() - 1000), closed_early_reason: 'Δοκιμή' });
    const refused = await call.press('1');
    expect(refused.says[0]).toBe('Η ψηφοφορία έχει κλείσει. Η ψήφος σας δεν καταχωρίστηκε.');
    expect(call.said).toContain('δεν υπάρχει ανοιχτή ψηφοφορία');
    expect(await tallyOf(ctx.db, poll.id)).toEqual([0, 0, 0]);
    expect(await votersOf(poll.id)).toHaveLength(0);
  });
});
