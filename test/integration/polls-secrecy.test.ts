import { Writable } from 'node:stream';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../../src/features/accounts/users.repository.ts';
import { VoteFailedError } from '../../src/features/polls/polls.service.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createActiveUser, newAgent, postForm, signIn } from '../helpers/accounts.ts';
import { insertPoll, castVote, tallyOf } from '../helpers/polls.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

/**
 * Nobody, staff included, can learn who voted what: not from the tables, not from the log, not
 * from the audit trail. Two citizens vote (one on the web through the pages, one by phone through
 * the service); then every table and every log line is searched for anything that ties a voter
 * to a choice.
 */
const logLines: string[] = [];
let ctx: TestContext;

// Labels no other string in the portal contains, so a match can only be a leak.
const LABELS = [
  { el: 'Πρόταση-Ωμέγα-7741', en: 'Proposal-Omega-7741' },
  { el: 'Πρόταση-Σίγμα-5520', en: 'Proposal-Sigma-5520' },
  { el: 'Πρόταση-Δέλτα-3306', en: 'Proposal-Delta-3306' },
];
const LEAKS = LABELS.flatMap((label) => [label.el, label.en]);

beforeAll(async () => {
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  ctx = await createTestContext(
    { LOG_LEVEL: 'trace' },
    { deps: () => ({ logger: createLogger('trace', capture) }) },
  );
});
afterAll(() => ctx.close());

/** Every row of every table but the poll's own options, as text. */
async function everyTableAsText(): Promise<Map<string, string>> {
  const tables = (
    (await ctx.db.raw(
      `SELECT table_schema, table_name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    )) as { rows: { table_schema: string; table_name: string }[] }
  ).rows;
  const dump = new Map<string, string>();
  for (const { table_schema: schema, table_name: table } of tables) {
    if (schema === 'public' && table === 'poll_options') continue;
    const rows = (
      (await ctx.db.raw(`SELECT to_jsonb(t)::text AS row FROM "${schema}"."${table}" t`)) as {
        rows: { row: string }[];
      }
    ).rows;
    dump.set(`${schema}.${table}`, rows.map((r) => r.row).join('\n'));
  }
  return dump;
}

describe('a secret ballot', () => {
  it('leaves no link between a voter and a choice in the tables, the log or the audit trail', async () => {
    const pollId = await insertPoll(ctx.db, { byPhone: true, options: LABELS });
    const web = await createActiveUser(ctx.db, 'secret.web');
    const phone = await createActiveUser(ctx.db, 'secret.phone');

    const agent = newAgent(ctx.app);
    await signIn(agent, web.username, web.password);
    const page = `/polls/${pollId}`;
    const confirm = await postForm(agent, page, `${page}/vote`, { choice: '2' });
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain(LABELS[1]!.el);
    const version = /name="version" value="([0-9a-f]+)"/.exec(confirm.text)?.[1] ?? '';
    const cast = await postForm(agent, page, `${page}/vote/confirm`, { choice: '2', version });
    expect(cast.status).toBe(303);
    // Afterwards the page says that they voted, and nothing of what.
    const after = cheerio.load((await agent.get(page)).text);
    expect(after('#voted').text()).not.toBe('');
    for (const label of LABELS) expect(after('main').text()).not.toContain(label.el);

    const phoneUser = (await ctx.db<UserRow>('users').where({ id: phone.id }).first())!;
    expect(
      await castVote(ctx.services, { user: phoneUser, pollId, option: 3, channel: 'phone' }),
    ).toMatchObject({ ok: true });

    // The tables: the choice lives in the tally alone, which names nobody.
    const columns = async (table: string) =>
      (
        (await ctx.db.raw(
          `SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY 1`,
          [table],
        )) as { rows: { column_name: string }[] }
      ).rows.map((r) => r.column_name);
    expect(await columns('poll_tallies')).toEqual(['poll_id', 'shard', 'votes']);
    expect(await columns('poll_voters')).toEqual([
      'afm',
      'channel',
      'poll_id',
      'user_id',
      'voted_on',
    ]);
    expect(await tallyOf(ctx.db, pollId)).toEqual([0, 1, 1]);
    const voters = (await ctx.db('poll_voters').where({ poll_id: pollId })) as Record<
      string,
      unknown
    >[];
    expect(voters).toHaveLength(2);
    // A day, no finer time, so the order of voters says nothing a clock could match.
    for (const voter of voters)
      expect(Object.keys(voter).sort()).toEqual([
        'afm',
        'channel',
        'poll_id',
        'user_id',
        'voted_on',
      ]);

    const dump = await everyTableAsText();
    for (const [table, text] of dump)
      for (const leak of LEAKS) expect(text.includes(leak), `${leak} in ${table}`).toBe(false);
    // The sessions hold no choice (nor the flash, nor the confirm step).
    const sessions = [...dump].filter(([table]) => /session/.test(table)).map(([, text]) => text);
    expect(sessions.join('\n')).not.toMatch(/choice/i);
    // The audit trail has nothing about the votes at all.
    expect(dump.get('public.audit_log') ?? '').not.toMatch(/"poll|vote|choice/i);

    // The log: request lines carry method and path, never a body, and nothing names the choice.
    expect(logLines.length).toBeGreaterThan(0);
    const log = logLines.join('\n');
    for (const leak of LEAKS) expect(log).not.toContain(leak);
    expect(log).not.toMatch(/choice|"option"|votes\[/i);
  });

  it('says why a vote failed without the statement or its values', () => {
    const driverError = Object.assign(
      new Error(
        'UPDATE poll_tallies SET votes[2] = votes[2] + 1 WHERE poll_id = 7 - terminating connection',
      ),
      { code: '57P01' },
    );
    const error = new VoteFailedError(driverError);
    expect(error.message).toBe('vote not recorded (57P01)');
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify(error)).not.toMatch(/votes\[|poll_id = 7/);
  });
});
