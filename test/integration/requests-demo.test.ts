import { readdir } from 'node:fs/promises';
import path from 'node:path';
import * as cheerio from 'cheerio';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, seedDemoAccounts } from '../../src/db/demo-accounts.ts';
import { seedDemoData } from '../../src/db/seed.ts';
import { requestsModule } from '../../src/features/requests/requests.module.ts';
import { dueDate } from '../../src/lib/working-days.ts';
import { newAgent, signIn, type Agent } from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

// Thursday 26 November 2026, 10:00 in Athens.
const NOW = new Date('2026-11-26T08:00:00Z');
const FEAST = { month: 12, day: 6 };

interface Row {
  id: number;
  year: number;
  number: number;
  user_id: number;
  status: string;
  category_id: number;
  assignee_id: number | null;
  merged_into: number | null;
  due_date: string;
  lat: number | null;
  lng: number | null;
  public: boolean;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}

let ctx: TestContext;
let seedMs: number;
let rows: Row[];
const url = (r: Pick<Row, 'year' | 'number'>) =>
  `/requests/${r.year}-${String(r.number).padStart(6, '0')}`;
const userId = async (username: string) =>
  ((await ctx.db('users').where({ username }).first('id')) as { id: number }).id;
const password = (username: string) => DEMO_ACCOUNTS.find((a) => a.username === username)!.password;

async function signedInAs(username: string): Promise<Agent> {
  const agent = newAgent(ctx.app);
  expect((await signIn(agent, username, password(username))).status).toBe(303);
  return agent;
}

const counts = async () => {
  const out: Record<string, number> = {};
  for (const table of [
    'requests',
    'request_events',
    'request_photos',
    'request_followers',
    'request_reply_templates',
    'users',
  ])
    out[table] = Number(((await ctx.db(table).count({ n: '*' }).first()) as { n: string }).n);
  return out;
};

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => NOW } });
  await seedDemoAccounts(ctx.db, { production: false, now: NOW });
  const started = performance.now();
  const loaded = await seedDemoData(
    ctx.db,
    ctx.deps.documents,
    { municipality: 'Δήμος Αγίου Νικολάου', today: NOW },
    [requestsModule],
  );
  seedMs = performance.now() - started;
  expect(loaded).toEqual(['requests']);
  rows = (await ctx.db('requests').orderBy('id')) as Row[];
});
afterAll(() => ctx.close());

describe('the demo requests', () => {
  it('fill the queue: every status and category, over the last four months, in the municipality', async () => {
    expect(rows.length).toBeGreaterThanOrEqual(35);
    expect(new Set(rows.map((r) => r.status))).toEqual(
      new Set(['submitted', 'assigned', 'in_progress', 'answered', 'closed', 'merged']),
    );
    const categories = (await ctx
      .db('request_categories')
      .where({ active: true })
      .pluck('id')) as number[];
    expect(new Set(rows.map((r) => r.category_id))).toEqual(new Set(categories));
    for (const r of rows) {
      expect(r.created_at.getTime()).toBeGreaterThan(NOW.getTime() - 125 * 86_400_000);
      expect(r.created_at.getTime()).toBeLessThan(NOW.getTime());
      if (r.lat !== null) {
        expect(r.lat).toBeGreaterThan(34.95);
        expect(r.lat).toBeLessThan(35.35);
        expect(r.lng).toBeGreaterThan(25.45);
        expect(r.lng).toBeLessThan(25.95);
      }
    }
    // Filed by both demo citizens and by others.
    const filers = new Set(rows.map((r) => r.user_id));
    expect(filers.has(await userId('demo.citizen'))).toBe(true);
    expect(filers.has(await userId('demo.verified'))).toBe(true);
    expect(filers.size).toBeGreaterThanOrEqual(5);
    const today = '2026-11-26';
    const waiting = rows.filter((r) => ['submitted', 'assigned', 'in_progress'].includes(r.status));
    expect(waiting.filter((r) => r.due_date < today).length).toBeGreaterThanOrEqual(3);
    expect(waiting.filter((r) => r.due_date >= today).length).toBeGreaterThanOrEqual(3);
    expect(rows.filter((r) => r.public).length).toBeGreaterThanOrEqual(3);
    expect(
      Number(((await ctx.db('request_followers').count({ n: '*' }).first()) as { n: string }).n),
    ).toBeGreaterThanOrEqual(5);
    // Numbers follow the filing order, and the year's sequence continues after them.
    const byNumber = [...rows].sort((a, b) => a.number - b.number);
    expect(byNumber.map((r) => r.created_at.getTime())).toEqual(
      [...byNumber].map((r) => r.created_at.getTime()).sort((a, b) => a - b),
    );
    const numbers = (await ctx.db('request_numbers').where({ year: 2026 }).first('last')) as {
      last: number;
    };
    expect(numbers.last).toBe(rows.length);
  });

  it('have timelines consistent with their state and deadlines from working days', async () => {
    const handler = await userId('demo.handler');
    const events = (await ctx.db('request_events').orderBy('id')) as {
      request_id: number;
      kind: string;
      status: string | null;
      created_at: Date;
      internal_note: string | null;
      public_note: string | null;
      by_citizen: boolean;
    }[];
    const kinds = new Set(events.map((e) => e.kind));
    for (const kind of [
      'submitted',
      'assigned',
      'status',
      'answer',
      'reopened',
      'merged',
      'moved',
      'comment',
      'visibility',
    ])
      expect(kinds, kind).toContain(kind);
    expect(events.some((e) => e.internal_note)).toBe(true);
    const deadlines = new Map(
      (
        (await ctx.db('request_categories').select('id', 'deadline_days')) as {
          id: number;
          deadline_days: number;
        }[]
      ).map((c) => [c.id, c.deadline_days]),
    );
    for (const r of rows) {
      const own = events.filter((e) => e.request_id === r.id);
      expect(own[0]!.kind).toBe('submitted');
      expect(own[0]!.created_at.getTime()).toBe(r.created_at.getTime());
      for (const [i, e] of own.entries()) {
        if (i > 0) expect(e.created_at.getTime()).toBeGreaterThan(own[i - 1]!.created_at.getTime());
        expect(e.created_at.getTime()).toBeLessThan(NOW.getTime());
      }
      expect(r.updated_at.getTime()).toBe(own.at(-1)!.created_at.getTime());
      expect(own.findLast((e) => e.status)!.status).toBe(r.status);
      expect(r.status === 'merged').toBe(r.merged_into !== null);
      expect(r.status === 'closed').toBe(r.closed_at !== null);
      if (['assigned', 'in_progress', 'answered', 'closed'].includes(r.status))
        expect(r.assignee_id).toBe(handler);
      if (!own.some((e) => e.kind === 'moved'))
        expect(r.due_date).toBe(dueDate(r.created_at, deadlines.get(r.category_id)!, FEAST));
    }
    // A reopened request is open again; a merged one points to an older original.
    const reopened = rows.filter((r) =>
      events.some((e) => e.request_id === r.id && e.kind === 'reopened'),
    );
    expect(reopened.length).toBeGreaterThanOrEqual(1);
    for (const r of reopened) expect(['assigned', 'in_progress']).toContain(r.status);
    for (const r of rows.filter((x) => x.merged_into))
      expect(rows.find((x) => x.id === r.merged_into)!.created_at < r.created_at).toBe(true);
  });

  it('show their photos to the citizen who filed them, through the real routes', async () => {
    const withPhotos = (
      await ctx.db('request_photos').distinct('request_id').pluck('request_id')
    ).map(Number);
    expect(withPhotos.length).toBeGreaterThanOrEqual(10);
    expect(withPhotos.length).toBeLessThanOrEqual(rows.length / 2);
    let served = 0;
    for (const username of ['demo.citizen', 'demo.verified']) {
      const agent = await signedInAs(username);
      const id = await userId(username);
      const mine = rows.filter((r) => withPhotos.includes(r.id) && r.user_id === id);
      expect(mine.length, username).toBeGreaterThanOrEqual(1);
      for (const r of mine) {
        const page = await agent.get(url(r));
        expect(page.status).toBe(200);
        const src = cheerio.load(page.text)('.app-photos img').attr('src');
        expect(src).toMatch(new RegExp(`^${url(r)}/photos/\\d+$`));
        const photo = await agent
          .get(src!)
          .buffer(true)
          .parse((res, done) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => done(null, Buffer.concat(chunks)));
          });
        expect(photo.status).toBe(200);
        expect(photo.headers['content-type']).toBe('image/jpeg');
        const meta = await sharp(photo.body as Buffer).metadata();
        expect([meta.format, meta.width, meta.height, meta.exif]).toEqual([
          'jpeg',
          800,
          600,
          undefined,
        ]);
        served += 1;
      }
    }
    expect(served).toBeGreaterThanOrEqual(3);
    // Another citizen, who neither filed nor follows it, does not get it.
    const [citizenId, verifiedId] = [await userId('demo.citizen'), await userId('demo.verified')];
    const followedByVerified = (
      await ctx.db('request_followers').where({ user_id: verifiedId }).pluck('request_id')
    ).map(Number);
    const theirs = rows.find(
      (r) =>
        withPhotos.includes(r.id) && r.user_id === citizenId && !followedByVerified.includes(r.id),
    )!;
    const photo = (await ctx.db('request_photos').where({ request_id: theirs.id }).first('id')) as {
      id: number;
    };
    const stranger = await signedInAs('demo.verified');
    expect((await stranger.get(`${url(theirs)}/photos/${photo.id}`)).status).toBe(404);
  });

  it('give the demo handler reply templates for every category and some of their own', async () => {
    const templates = (await ctx.db('request_reply_templates').select('category_id')) as {
      category_id: number | null;
    }[];
    expect(templates.filter((t) => t.category_id === null).length).toBeGreaterThanOrEqual(3);
    expect(templates.some((t) => t.category_id !== null)).toBe(true);
  });

  it('give the demo handler a queue and timelines to work on, internal notes kept from citizens', async () => {
    const handler = await signedInAs('demo.handler');
    const queue = await handler.get('/staff/requests?status=in_progress');
    expect(queue.status).toBe(200);
    const listed = cheerio.load(queue.text)('table.govuk-table tbody tr');
    expect(listed.length).toBe(rows.filter((r) => r.status === 'in_progress').length);
    const noted = (await ctx
      .db('request_events as e')
      .join('requests as r', 'r.id', 'e.request_id')
      .whereNotNull('e.internal_note')
      .where('r.user_id', await userId('demo.citizen'))
      .first('r.year', 'r.number', 'e.internal_note')) as {
      year: number;
      number: number;
      internal_note: string;
    };
    const staffPage = await handler.get(`/staff${url(noted)}`);
    expect(staffPage.text).toContain(noted.internal_note);
    const citizen = await signedInAs('demo.citizen');
    const citizenPage = await citizen.get(url(noted));
    expect(citizenPage.status).toBe(200);
    expect(citizenPage.text).not.toContain(noted.internal_note);
  });

  it('answer the public list’s area hint: each of its examples finds a request, in both languages', async () => {
    for (const [lang, or] of [
      ['el', ' ή '],
      ['en', ' or '],
    ] as const) {
      const list = cheerio.load(
        (await newAgent(ctx.app).get(`/requests/public?lang=${lang}`)).text,
      );
      const hint = list('#area-hint').text();
      const examples = hint
        .slice(hint.lastIndexOf(':') + 1)
        .split(or)
        .map((word) => word.trim());
      expect(examples, hint).toHaveLength(2);
      for (const example of examples) {
        const found = cheerio.load(
          (
            await newAgent(ctx.app).get(
              `/requests/public?lang=${lang}&area=${encodeURIComponent(example)}`,
            )
          ).text,
        );
        expect(found('.app-public-requests li').length, `${lang}: ${example}`).toBeGreaterThan(0);
      }
    }
  });

  it('loads quickly, and a second run adds nothing', async () => {
    expect(seedMs).toBeLessThan(3000);
    const before = await counts();
    const files = async () =>
      readdir(
        path.dirname(
          ctx.deps.documents.pathOf(`${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}.jpg`),
        ),
      );
    const filesBefore = (await files()).length;
    expect(filesBefore).toBe(before.request_photos);
    expect(
      await seedDemoData(ctx.db, ctx.deps.documents, { municipality: 'Δήμος', today: new Date() }, [
        requestsModule,
      ]),
    ).toEqual([]);
    expect(await counts()).toEqual(before);
    expect((await files()).length).toBe(filesBefore);
  });

  it('keeps the queue counts per status exact as requests change (request_counts)', async () => {
    const key = 'department_id, category_id, channel, status';
    const actual = async () =>
      (
        (await ctx.db.raw(
          `SELECT ${key}, count(*)::int AS n FROM requests GROUP BY ${key} ORDER BY ${key}`,
        )) as { rows: unknown[] }
      ).rows;
    const kept = async () =>
      (
        (await ctx.db.raw(`SELECT ${key}, n FROM request_counts WHERE n <> 0 ORDER BY ${key}`)) as {
          rows: unknown[];
        }
      ).rows;
    expect(await kept()).toEqual(await actual());
    const police = (await ctx
      .db('request_categories')
      .where({ slug: 'noise' })
      .first('id', 'department_id')) as {
      id: number;
      department_id: number;
    };
    const unreferenced = rows.find(
      (r) => r.status === 'submitted' && !rows.some((x) => x.merged_into === r.id),
    )!;
    await ctx.db.transaction(async (trx) => {
      await trx('requests').where({ status: 'assigned' }).update({ status: 'in_progress' });
      await trx('requests')
        .where({ id: rows.find((r) => r.status === 'answered')!.id })
        .update({ category_id: police.id, department_id: police.department_id, channel: 'phone' });
      await trx('requests').update({ updated_at: NOW });
      await trx('requests').where({ id: unreferenced.id }).delete();
    });
    expect(await kept()).toEqual(await actual());
    // A rolled-back change leaves them as they were.
    await ctx.db
      .transaction(async (trx) => {
        await trx('requests').update({ status: 'closed', closed_at: NOW });
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    expect(await kept()).toEqual(await actual());
    // The queue shows them, by department and channel as by status.
    const handler = await signedInAs('demo.handler');
    const $ = cheerio.load(
      (await handler.get(`/staff/requests?department=${police.department_id}&channel=phone`)).text,
    );
    const now = (await actual()) as {
      department_id: number;
      channel: string;
      status: string;
      n: number;
    }[];
    for (const status of ['submitted', 'answered', 'closed'])
      expect(Number($(`[data-status="${status}"]`).text()), status).toBe(
        now
          .filter(
            (r) =>
              r.department_id === police.department_id &&
              r.channel === 'phone' &&
              r.status === status,
          )
          .reduce((sum, r) => sum + r.n, 0),
      );
    expect(Number($('[data-status="answered"]').text())).toBeGreaterThanOrEqual(1);
  });
});
