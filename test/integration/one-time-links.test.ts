import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkInvalidError } from '../../src/lib/errors.ts';
import {
  checkLink,
  consumeLink,
  issueLink,
  startLinkValidity,
  type LinkLookup,
} from '../../src/lib/one-time-links.ts';
import { hashToken } from '../../src/lib/tokens.ts';
import { createActiveUser } from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let userId: number;

beforeAll(async () => {
  ctx = await createTestContext();
  userId = (await createActiveUser(ctx.db, 'links')).id;
});
afterAll(() => ctx.close());

const HOUR = 3600_000;
const now = () => new Date();
const inAnHour = () => new Date(Date.now() + HOUR);
const next = { href: '/somewhere', textKey: 'some.key' };
const lookup = (purpose: string, at = now()): LinkLookup => ({ purpose, now: at, next });

/** The LinkInvalidError a promise is refused with (fails the test if it is not refused so). */
async function refusal(promise: Promise<unknown>): Promise<LinkInvalidError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LinkInvalidError);
  return error as LinkInvalidError;
}

const consume = (token: string, purpose: string, at = now()) =>
  ctx.db.transaction((trx) => consumeLink(trx, token, lookup(purpose, at)));

describe('one-time links', () => {
  it('stores only the hash, and a valid link is checked and then consumed once', async () => {
    const token = await issueLink(ctx.db, {
      purpose: 'test_valid',
      userId,
      expiresAt: inAnHour(),
      data: { email: 'new@example.gr' },
    });
    const rows = (await ctx.db('one_time_links').where({ purpose: 'test_valid' })) as {
      token_hash: string;
    }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(hashToken(token));
    expect(rows[0]!.token_hash).not.toContain(token);

    const checked = await checkLink(ctx.db, token, lookup('test_valid'));
    expect(checked.user_id).toBe(userId);
    expect(checked.data).toEqual({ email: 'new@example.gr' });
    // Checking does not use it up.
    const used = await consume(token, 'test_valid');
    expect(used.data.email).toBe('new@example.gr');

    const again = await refusal(consume(token, 'test_valid'));
    expect(again.reason).toBe('used');
    expect(again.status).toBe(410);
    expect(again.next).toEqual(next);
    expect((await refusal(checkLink(ctx.db, token, lookup('test_valid')))).reason).toBe('used');
  });

  it('refuses an expired link, and counts its time from when the mail is sent', async () => {
    const token = await issueLink(ctx.db, {
      purpose: 'test_expiry',
      userId,
      expiresAt: new Date(Date.now() + 1000),
    });
    const later = new Date(Date.now() + 2 * HOUR);
    expect((await refusal(checkLink(ctx.db, token, lookup('test_expiry', later)))).reason).toBe(
      'expired',
    );
    expect((await refusal(consume(token, 'test_expiry', later))).reason).toBe('expired');
    // The worker sends the mail now: the link works for an hour from then.
    await startLinkValidity(ctx.db, { tokenHash: hashToken(token), seconds: 3600 }, later);
    const inTime = new Date(later.getTime() + HOUR - 1000);
    expect((await checkLink(ctx.db, token, lookup('test_expiry', inTime))).purpose).toBe(
      'test_expiry',
    );
  });

  it('refuses an unknown link, a made-up one and one of another purpose', async () => {
    const token = await issueLink(ctx.db, {
      purpose: 'test_purpose',
      userId,
      expiresAt: inAnHour(),
    });
    for (const [raw, purpose] of [
      ['not-a-token', 'test_purpose'],
      ['x'.repeat(43), 'test_purpose'],
      [token, 'test_other_purpose'],
    ] as const) {
      expect((await refusal(checkLink(ctx.db, raw, lookup(purpose)))).reason).toBe('unknown');
      expect((await refusal(consume(raw, purpose))).reason).toBe('unknown');
    }
    // A refused consumption changed nothing.
    expect((await checkLink(ctx.db, token, lookup('test_purpose'))).used_at).toBeNull();
  });

  it('supersedes the account’s earlier unused links of the same purpose only', async () => {
    const other = (await createActiveUser(ctx.db, 'links.other')).id;
    const first = await issueLink(ctx.db, { purpose: 'test_one', userId, expiresAt: inAnHour() });
    const otherPurpose = await issueLink(ctx.db, {
      purpose: 'test_two',
      userId,
      expiresAt: inAnHour(),
    });
    const otherAccount = await issueLink(ctx.db, {
      purpose: 'test_one',
      userId: other,
      expiresAt: inAnHour(),
    });
    const second = await issueLink(ctx.db, { purpose: 'test_one', userId, expiresAt: inAnHour() });

    expect((await refusal(checkLink(ctx.db, first, lookup('test_one')))).reason).toBe('used');
    const row = (await ctx
      .db('one_time_links')
      .where({ token_hash: hashToken(first) })
      .first('data')) as { data: Record<string, unknown> };
    expect(row.data.superseded).toBe(true);
    await checkLink(ctx.db, second, lookup('test_one'));
    await checkLink(ctx.db, otherPurpose, lookup('test_two'));
    await checkLink(ctx.db, otherAccount, lookup('test_one'));
  });

  it('lets exactly one of two consumptions at once use the link', async () => {
    const token = await issueLink(ctx.db, { purpose: 'test_race', userId, expiresAt: inAnHour() });
    // Both transactions hold the row lock in turn: the second waits, then finds the link used.
    const results = await Promise.allSettled(
      [1, 2].map(() =>
        ctx.db.transaction(async (trx) => {
          const link = await consumeLink(trx, token, lookup('test_race'));
          // Work done under the link, while the other waits for the row.
          await new Promise((resolve) => setTimeout(resolve, 100));
          return link.id;
        }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const reason: unknown = lost[0]!.reason;
    expect(reason).toBeInstanceOf(LinkInvalidError);
    expect((reason as LinkInvalidError).reason).toBe('used');
  });

  it('works for a link that concerns no account (a purpose of another module)', async () => {
    const first = await issueLink(ctx.db, {
      purpose: 'bookings.confirm',
      expiresAt: inAnHour(),
      data: { bookingId: 7 },
    });
    // With no account there is nothing to supersede: an earlier link keeps working.
    const second = await issueLink(ctx.db, {
      purpose: 'bookings.confirm',
      expiresAt: inAnHour(),
      data: { bookingId: 8 },
    });
    const link = await checkLink(ctx.db, first, lookup('bookings.confirm'));
    expect(link.user_id).toBeNull();
    expect(link.data).toEqual({ bookingId: 7 });
    expect((await consume(first, 'bookings.confirm')).data.bookingId).toBe(7);
    expect((await consume(second, 'bookings.confirm')).data.bookingId).toBe(8);
    expect((await refusal(consume(first, 'bookings.confirm'))).reason).toBe('used');
  });

  it('refuses a purpose that is not a plain name', async () => {
    await expect(
      issueLink(ctx.db, { purpose: 'Not A Purpose!', expiresAt: inAnHour() }),
    ).rejects.toThrow(/one_time_links_purpose_check/);
  });
});
