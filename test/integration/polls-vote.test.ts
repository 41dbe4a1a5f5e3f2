import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../../src/features/accounts/users.repository.ts';
import { freshAfm } from '../helpers/certificates.ts';
import { endPoll, insertPoll, castVote, tallyOf, pollVoter } from '../helpers/polls.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const userOf = async (id: number) => (await ctx.db<UserRow>('users').where({ id }).first())!;
const citizen = (extra: Record<string, unknown> = {}) => pollVoter(ctx.db, extra);
const verified = (afm = freshAfm()) =>
  citizen({ afm, identity_verified_at: new Date(), identity_channel: 'counter' });
const vote = (user: UserRow, pollId: number, option: number, channel: 'web' | 'phone' = 'web') =>
  castVote(ctx.services, { user, pollId, option, channel });
const tally = (pollId: number) => tallyOf(ctx.db, pollId);
const resultsOf = async (pollId: number) =>
  ctx.services.polls.results((await ctx.services.polls.poll(pollId))!);
const voters = async (pollId: number) =>
  Number(
    (
      (await ctx.db('poll_voters').where({ poll_id: pollId }).count('* as c').first()) as {
        c: string;
      }
    ).c,
  );

describe('casting a vote', () => {
  it('counts one vote per account and tells a second attempt when and how the first was cast', async () => {
    const pollId = await insertPoll(ctx.db, { byPhone: true });
    const user = await citizen();
    const first = await vote(user, pollId, 2);
    expect(first).toMatchObject({ ok: true, channel: 'web' });
    const again = await vote(user, pollId, 1, 'phone');
    expect(again).toMatchObject({ ok: false, reason: 'already_voted', voted: { channel: 'web' } });
    expect(await tally(pollId)).toEqual([0, 1, 0]);
    expect(await voters(pollId)).toBe(1);
    expect(await ctx.services.polls.voted(pollId, user)).toMatchObject({ channel: 'web' });
  });

  it('in a poll for verified accounts, counts one vote per AFM across two accounts', async () => {
    const pollId = await insertPoll(ctx.db, { electorate: 'verified' });
    const afm = freshAfm();
    const one = await verified(afm);
    // A second account of the same person, verified with the same AFM (the index on users allows
    // one verified holder at a time; a later account after the first's verification was undone).
    await ctx
      .db('users')
      .where({ id: one.id })
      .update({ identity_verified_at: null, identity_channel: null });
    const two = await verified(afm);
    await ctx
      .db('users')
      .where({ id: two.id })
      .update({ identity_verified_at: null, identity_channel: null });
    await ctx
      .db('users')
      .where({ id: one.id })
      .update({ identity_verified_at: new Date(), identity_channel: 'counter' });
    expect(await vote(await userOf(one.id), pollId, 1)).toMatchObject({ ok: true });
    await ctx
      .db('users')
      .where({ id: one.id })
      .update({ identity_verified_at: null, identity_channel: null });
    await ctx
      .db('users')
      .where({ id: two.id })
      .update({ identity_verified_at: new Date(), identity_channel: 'counter' });
    expect(await vote(await userOf(two.id), pollId, 3)).toMatchObject({
      ok: false,
      reason: 'already_voted',
    });
    expect(await tally(pollId)).toEqual([1, 0, 0]);
  });

  it('refuses an unverified account in a poll for verified accounts, and staff accounts anywhere', async () => {
    const pollId = await insertPoll(ctx.db, { electorate: 'verified' });
    expect(await vote(await citizen(), pollId, 1)).toEqual({ ok: false, reason: 'not_verified' });
    const open = await insertPoll(ctx.db);
    expect(await vote(await citizen({ roles: ['editor'] }), open, 1)).toEqual({
      ok: false,
      reason: 'staff',
    });
    expect(await vote(await citizen({ status: 'pending' }), open, 1)).toEqual({
      ok: false,
      reason: 'inactive',
    });
    expect(await tally(pollId)).toEqual([0, 0, 0]);
    expect(await tally(open)).toEqual([0, 0, 0]);
  });

  it('refuses a poll not yet open, one closed (by time or early), a draft, and the phone where it is not offered', async () => {
    const now = Date.now();
    const user = await citizen();
    const upcoming = await insertPoll(ctx.db, { opensAt: new Date(now + 86_400_000) });
    const ended = await insertPoll(ctx.db, {
      opensAt: new Date(now - 7 * 86_400_000),
      closesAt: new Date(now - 1000),
    });
    const closedEarly = await insertPoll(ctx.db);
    await endPoll(ctx.db, closedEarly);
    const draft = await insertPoll(ctx.db, { publishedAt: null });
    const webOnly = await insertPoll(ctx.db, { byPhone: false });
    expect(await vote(user, upcoming, 1)).toEqual({ ok: false, reason: 'not_open' });
    expect(await vote(user, ended, 1)).toEqual({ ok: false, reason: 'closed' });
    expect(await vote(user, closedEarly, 1)).toEqual({ ok: false, reason: 'closed' });
    expect(await vote(user, draft, 1)).toEqual({ ok: false, reason: 'not_found' });
    expect(await vote(user, 2_000_000_000, 1)).toEqual({ ok: false, reason: 'not_found' });
    expect(await vote(user, webOnly, 1, 'phone')).toEqual({ ok: false, reason: 'not_by_phone' });
    for (const id of [upcoming, ended, closedEarly, draft, webOnly])
      expect(await voters(id)).toBe(0);
  });

  it('refuses an option the poll does not have, recording nothing', async () => {
    const pollId = await insertPoll(ctx.db);
    const user = await citizen();
    for (const option of [0, 4, -1, 99]) {
      expect(await vote(user, pollId, option)).toEqual({ ok: false, reason: 'no_such_option' });
    }
    expect(await tally(pollId)).toEqual([0, 0, 0]);
    expect(await voters(pollId)).toBe(0);
    expect(await vote(user, pollId, 3)).toMatchObject({ ok: true });
  });

  it('50 simultaneous attempts by one account leave exactly one ballot', async () => {
    const pollId = await insertPoll(ctx.db);
    const user = await citizen();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => vote(user, pollId, (i % 3) + 1)),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok && o.reason === 'already_voted')).toHaveLength(49);
    expect((await tally(pollId)).reduce((a, b) => a + b, 0)).toBe(1);
    expect(await voters(pollId)).toBe(1);
  });

  it('many voters at once: the counts equal the voters', async () => {
    const pollId = await insertPoll(ctx.db);
    const people = await Promise.all(Array.from({ length: 30 }, () => citizen()));
    await Promise.all(people.map((user, i) => vote(user, pollId, (i % 3) + 1)));
    expect(await tally(pollId)).toEqual([10, 10, 10]);
    expect(await voters(pollId)).toBe(30);
    // Spread over the poll's shards, so simultaneous votes do not all wait for one row.
    const shards = await ctx.db('poll_tallies').where({ poll_id: pollId }).pluck('shard');
    expect(shards.length).toBeGreaterThan(3);
  });
});

describe('a poll once voted in', () => {
  it('cannot change (question, times, options) but can be closed early', async () => {
    const pollId = await insertPoll(ctx.db);
    await ctx.db('polls').where({ id: pollId }).update({ question_el: 'Πριν από την πρώτη ψήφο;' });
    expect(await vote(await citizen(), pollId, 1)).toMatchObject({ ok: true });
    const refused = async (change: Promise<unknown>) => {
      const error = (await change.then(
        () => undefined,
        (e: unknown) => e,
      )) as { constraint?: string } | undefined;
      expect(error?.constraint).toBe('polls_frozen_by_votes');
    };
    await refused(ctx.db('polls').where({ id: pollId }).update({ question_el: 'Άλλη ερώτηση;' }));
    await refused(
      ctx
        .db('polls')
        .where({ id: pollId })
        .update({ closes_at: new Date(Date.now() + 9e9) }),
    );
    await refused(
      ctx.db('poll_options').where({ poll_id: pollId, position: 1 }).update({ label_el: 'Άλλο' }),
    );
    await refused(
      ctx
        .db('poll_options')
        .insert({ poll_id: pollId, position: 4, label_el: 'Νέα', label_en: 'New' }),
    );
    await refused(ctx.db('poll_options').where({ poll_id: pollId, position: 3 }).delete());
    const deleted = await ctx
      .db('polls')
      .where({ id: pollId })
      .delete()
      .then(
        () => 'deleted',
        () => 'refused',
      );
    expect(deleted).toBe('refused');
    await endPoll(ctx.db, pollId);
    // Closed once: not again, and not reopened.
    await refused(
      ctx
        .db('polls')
        .where({ id: pollId })
        .update({ closed_early_at: null, closed_early_reason: null }),
    );
  });
});

describe('results', () => {
  it('are hidden until the poll closes, then give counts, shares and turnout per channel', async () => {
    const pollId = await insertPoll(ctx.db, { byPhone: true });
    const choices: [number, 'web' | 'phone'][] = [
      [1, 'web'],
      [1, 'phone'],
      [2, 'web'],
      [1, 'web'],
      [3, 'phone'],
      [1, 'web'],
    ];
    for (const [option, channel] of choices) await vote(await citizen(), pollId, option, channel);
    expect(await resultsOf(pollId)).toBeUndefined();
    expect(await ctx.services.polls.turnout(pollId)).toEqual({ web: 4, phone: 2 });
    await endPoll(ctx.db, pollId);
    expect(await resultsOf(pollId)).toEqual({
      total: 6,
      options: [
        { position: 1, votes: 4 },
        { position: 2, votes: 1 },
        { position: 3, votes: 1 },
      ],
      turnout: { web: 4, phone: 2 },
    });
  });

  it('of a closed poll nobody voted in are zeros (no tally row was ever made)', async () => {
    const pollId = await insertPoll(ctx.db);
    await endPoll(ctx.db, pollId);
    const results = await resultsOf(pollId);
    expect(results?.total).toBe(0);
    expect(results?.options.map((o) => o.votes)).toEqual([0, 0, 0]);
    expect(await ctx.db('poll_tallies').where({ poll_id: pollId })).toEqual([]);
  });
});

describe('the phone portal’s list', () => {
  it('offers the open phone polls this caller may vote in, with the votes already cast', async () => {
    const phone = await insertPoll(ctx.db, { byPhone: true });
    const webOnly = await insertPoll(ctx.db, { byPhone: false });
    const verifiedOnly = await insertPoll(ctx.db, { byPhone: true, electorate: 'verified' });
    const user = await citizen();
    await vote(user, phone, 2, 'phone');
    const offered = await ctx.services.polls.phonePolls(user);
    const ids = offered.map((entry) => entry.poll.id);
    expect(ids).toContain(phone);
    expect(ids).not.toContain(webOnly);
    expect(ids).not.toContain(verifiedOnly);
    expect(offered.find((entry) => entry.poll.id === phone)?.voted?.channel).toBe('phone');
  });
});

describe('the person’s own data', () => {
  it('exports the polls voted in (day and channel, never the choice) and erases the link, keeping the count', async () => {
    const { exportPollVotes, erasePollVotes } =
      await import('../../src/features/polls/polls.personal.ts');
    const open = await insertPoll(ctx.db, { electorate: 'verified' });
    const closed = await insertPoll(ctx.db);
    const user = await verified();
    await vote(user, open, 2);
    await vote(user, closed, 1, 'web');
    await endPoll(ctx.db, closed);
    const person = { userId: user.id, afm: user.afm };
    const exported = (await exportPollVotes(person, ctx.db)) as {
      votes: Record<string, unknown>[];
    };
    expect(exported.votes.map((v) => v.poll).sort()).toEqual([open, closed].sort());
    expect(JSON.stringify(exported)).not.toMatch(/option|choice|Επιλογή|option \d/i);
    await ctx.db.transaction((trx) =>
      erasePollVotes(person, trx, { deps: ctx.deps, removeAfterCommit: () => undefined }),
    );
    expect(await ctx.db('poll_voters').where({ user_id: user.id })).toEqual([]);
    // Still counted; the AFM kept only where the poll is open (no second vote from a new account).
    expect(await tally(open)).toEqual([0, 1, 0]);
    expect(await ctx.db('poll_voters').where({ poll_id: open }).first()).toMatchObject({
      user_id: null,
      afm: user.afm,
    });
    expect(await ctx.db('poll_voters').where({ poll_id: closed }).first()).toMatchObject({
      user_id: null,
      afm: null,
    });
    const again = await verified(freshAfm());
    await ctx
      .db('users')
      .where({ id: again.id })
      .update({ afm: user.afm, identity_verified_at: null, identity_channel: null });
    await ctx
      .db('users')
      .where({ id: user.id })
      .update({ identity_verified_at: null, identity_channel: null });
    await ctx
      .db('users')
      .where({ id: again.id })
      .update({ identity_verified_at: new Date(), identity_channel: 'counter' });
    expect(await vote(await userOf(again.id), open, 1)).toMatchObject({
      ok: false,
      reason: 'already_voted',
    });
  });
});

describe('staff accounts behind a poll with votes', () => {
  it('can still be deleted: who wrote and closed it is blanked (the audit log keeps it), nothing else changes', async () => {
    const editor = await citizen({ roles: ['editor'] });
    const pollId = await insertPoll(ctx.db);
    await ctx
      .db('polls')
      .where({ id: pollId })
      .update({ created_by: editor.id, updated_by: editor.id });
    expect(await vote(await citizen(), pollId, 1)).toMatchObject({ ok: true });
    await ctx.db('polls').where({ id: pollId }).update({
      closed_early_at: new Date(),
      closed_early_by: editor.id,
      closed_early_reason: 'Τέλος',
    });
    await ctx.db('users').where({ id: editor.id }).delete();
    expect(await ctx.db('polls').where({ id: pollId }).first()).toMatchObject({
      created_by: null,
      updated_by: null,
      closed_early_by: null,
      closed_early_reason: 'Τέλος',
    });
    // Blanking is allowed; naming someone else is a change like any other.
    const other = await citizen({ roles: ['editor'] });
    const error = (await ctx
      .db('polls')
      .where({ id: pollId })
      .update({ created_by: other.id })
      .then(
        () => undefined,
        (e: unknown) => e,
      )) as { constraint?: string } | undefined;
    expect(error?.constraint).toBe('polls_frozen_by_votes');
  });
});

describe('a poll that closes by its time', () => {
  it('shows its results from the closing moment on, with the votes cast before it', async () => {
    const pollId = await insertPoll(ctx.db, { closesAt: new Date(Date.now() + 1500) });
    await vote(await citizen(), pollId, 2);
    await vote(await citizen(), pollId, 2);
    await vote(await citizen(), pollId, 1);
    expect(await resultsOf(pollId)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(await vote(await citizen(), pollId, 1)).toEqual({ ok: false, reason: 'closed' });
    expect((await resultsOf(pollId))?.options.map((o) => o.votes)).toEqual([1, 2, 0]);
  });
});

describe('a vote the database could not take', () => {
  it('is a 503 for the error page (its code kept), never the statement', async () => {
    const { VoteFailedError } = await import('../../src/features/polls/polls.service.ts');
    const { classifyDatabaseError } = await import('../../src/db/database-errors.ts');
    const lost = new VoteFailedError(
      Object.assign(
        new Error('UPDATE poll_tallies SET votes[2] … - Connection terminated unexpectedly'),
        {},
      ),
    );
    expect(classifyDatabaseError(lost)?.kind).toBe('unavailable');
    expect(lost.message).not.toMatch(/votes\[/);
    const pool = new VoteFailedError(
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), {
        name: 'KnexTimeoutError',
      }),
    );
    expect(classifyDatabaseError(pool)?.kind).toBe('unavailable');
    const down = new VoteFailedError(
      Object.assign(new Error('terminating connection'), { code: '57P01' }),
    );
    expect(classifyDatabaseError(down)).toEqual({ kind: 'unavailable', code: '57P01' });
  });
});
