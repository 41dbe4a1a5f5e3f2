/**
 * The shared retention rules (sessions, rate limits and sign-in counts, spent one-time links,
 * pending accounts, the mail queue's history): each deletes exactly what is due (one item just
 * past its cutoff, one just inside it) and says how many; every run is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIL_QUEUE } from '../../src/features/mail/mail-queue.ts';
import type { RetentionRule } from '../../src/features/module.ts';
import { recordRetentionRun } from '../../src/features/privacy/retention-runs.ts';
import { ensureQueue } from '../../src/features/queues.ts';
import { createActiveUser, drainMail } from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
let now = new Date('2026-06-10T09:00:00Z');
const clock = { now: () => now };
let ctx: TestContext;

const rule = (name: string): RetentionRule =>
  ctx.deps.modules.flatMap((m) => m.retention ?? []).find((r) => r.name === name)!;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock });
});
afterAll(() => ctx.close());

describe('the shared retention rules', () => {
  it('site.expired-sessions deletes sessions past their expiry only', async () => {
    await ctx.db('session').delete();
    await ctx.db('session').insert([
      { sid: 'gone', sess: '{}', expire: new Date(now.getTime() - 1000) },
      { sid: 'kept', sess: '{}', expire: new Date(now.getTime() + 1000) },
    ]);
    expect(await rule('site.expired-sessions').run(ctx.deps)).toBe(1);
    expect(await ctx.db('session').pluck('sid')).toEqual(['kept']);
  });

  it('site.prune deletes rate-limit windows, sign-in counts and submission marks older than a day', async () => {
    await ctx.db.raw('TRUNCATE rate_limits, sign_in_failures, form_submissions');
    const old = new Date(now.getTime() - DAY - 1000);
    const recent = new Date(now.getTime() - DAY + 1000);
    await ctx.db('rate_limits').insert([
      { key: 'old', window_start: old, hits: 3 },
      { key: 'recent', window_start: recent, hits: 3 },
    ]);
    await ctx.db('sign_in_failures').insert([
      { key: 'name:old', failures: 2, last_failed_at: old },
      { key: 'name:recent', failures: 2, last_failed_at: recent },
    ]);
    await ctx.db('form_submissions').insert([
      {
        id: '00000000-0000-4000-8000-000000000001',
        session_id: 's',
        location: '/',
        created_at: old,
      },
      {
        id: '00000000-0000-4000-8000-000000000002',
        session_id: 's',
        location: '/',
        created_at: recent,
      },
    ]);
    expect(await rule('site.prune').run(ctx.deps)).toBe(3);
    expect(await ctx.db('rate_limits').pluck('key')).toEqual(['recent']);
    expect(await ctx.db('sign_in_failures').pluck('key')).toEqual(['name:recent']);
    expect(Number((await ctx.db('form_submissions').count({ n: '*' }).first())?.n)).toBe(1);
  });

  it('accounts.spent-links deletes links used or expired over 30 days ago', async () => {
    await ctx.db('one_time_links').delete();
    const user = await createActiveUser(ctx.db, 'retention.links');
    const at = (days: number) => new Date(now.getTime() + days * DAY);
    const link = (hash: string, fields: Record<string, unknown>) => ({
      user_id: user.id,
      purpose: 'password_reset',
      token_hash: hash.padEnd(64, '0'),
      created_at: at(-60),
      ...fields,
    });
    await ctx
      .db('one_time_links')
      .insert([
        link('a', { expires_at: at(-31), used_at: null }),
        link('b', { expires_at: at(-29), used_at: null }),
        link('c', { expires_at: at(1), used_at: at(-31) }),
        link('d', { expires_at: at(1), used_at: at(-29) }),
        link('e', { expires_at: at(1), used_at: null }),
      ]);
    expect(await rule('accounts.spent-links').run(ctx.deps)).toBe(2);
    const left = (await ctx.db('one_time_links').pluck('token_hash')) as string[];
    expect(left.map((hash) => hash[0]).sort()).toEqual(['b', 'd', 'e']);
  });

  it('accounts.pending-cleanup deletes accounts never activated after the set days', async () => {
    const days = 7;
    const pending = async (n: string, ageDays: number) =>
      (
        await createActiveUser(ctx.db, n, {
          status: 'pending',
          activated_at: null,
          created_at: new Date(now.getTime() - ageDays * DAY),
        })
      ).id;
    const stale = await pending('retention.stale', days + 0.01);
    const fresh = await pending('retention.fresh', days - 0.01);
    expect(await rule('accounts.pending-cleanup').run(ctx.deps)).toBe(1);
    expect(await ctx.db('users').whereIn('id', [stale, fresh]).pluck('id')).toEqual([fresh]);
  });

  it('mail.history deletes the queue’s finished messages after the set days, never one waiting', async () => {
    await drainMail(ctx.deps);
    await ensureQueue(ctx.deps.boss, MAIL_QUEUE);
    const mail = (to: string) => ({ to, subject: 's', html: '<p>h</p>', text: 't' });
    await ctx.deps.mail.enqueue(mail('old@example.gr'));
    await ctx.deps.mail.enqueue(mail('recent@example.gr'));
    await drainMail(ctx.deps); // both sent (completed)
    await ctx.deps.mail.enqueue(mail('waiting@example.gr'));
    const real = Date.now();
    await ctx.db.raw(
      `UPDATE pgboss.job SET completed_on = ? WHERE name = ? AND data->>'to' = 'old@example.gr'`,
      [new Date(real - DAY - HOUR), MAIL_QUEUE],
    );
    await ctx.db.raw(
      `UPDATE pgboss.job SET completed_on = ? WHERE name = ? AND data->>'to' = 'recent@example.gr'`,
      [new Date(real - DAY + HOUR), MAIL_QUEUE],
    );
    now = new Date(real);
    expect(await rule('mail.history').run(ctx.deps)).toBe(1);
    const left = (await ctx
      .db('pgboss.job')
      .where({ name: MAIL_QUEUE })
      .select(ctx.db.raw(`data->>'to' AS "to"`))) as { to: string }[];
    expect(left.map((row) => row.to).sort()).toEqual(['recent@example.gr', 'waiting@example.gr']);
    now = new Date('2026-06-10T09:00:00Z');
  });

  it('records every run, audits one that deleted something, and records a failure', async () => {
    await ctx.db('session').insert({ sid: 'x', sess: '{}', expire: new Date(now.getTime() - 1) });
    await recordRetentionRun(ctx.deps, rule('site.expired-sessions'));
    const failing: RetentionRule = {
      name: 'test.failing',
      labelKey: 'x',
      schedule: '0 0 * * *',
      run: () => Promise.reject(new Error('disk full')),
    };
    await expect(recordRetentionRun(ctx.deps, failing)).rejects.toThrow('disk full');
    const runs = (await ctx
      .db('retention_runs')
      .whereIn('rule', ['site.expired-sessions', 'test.failing'])
      .orderBy('id')
      .select('rule', 'deleted', 'failure')) as object[];
    expect(runs).toEqual([
      { rule: 'site.expired-sessions', deleted: 1, failure: null },
      { rule: 'test.failing', deleted: null, failure: 'disk full' },
    ]);
    expect(await ctx.db('audit_log').where({ action: 'retention.ran' }).select('details')).toEqual([
      { details: { rule: 'site.expired-sessions', deleted: 1 } },
    ]);
  });
});
