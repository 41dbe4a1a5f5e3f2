import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULES } from '../../src/features/index.ts';
import type { Module, Person } from '../../src/features/module.ts';
import { personOf } from '../../src/features/privacy/data-export.ts';
import { eraseInOneTransaction } from '../../src/features/privacy/erasure.ts';
import { newCallSid, phoneCitizen, signedInCall } from '../helpers/phone.ts';
import { insertRequest } from '../helpers/requests.ts';
import { afmFrom } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

// Thursday 26 November 2026, 10:00 in Athens.
const NOW = new Date('2026-11-26T08:00:00Z');
const DAY = 86_400_000;
const phoneModule: Module = MODULES.find((module) => module.name === 'phone')!;
const ERASED = ['requests', 'open311', 'phone'].map((name) =>
  MODULES.find((module) => module.name === name)!,
);
const ruleNamed = (name: string) => phoneModule.retention!.find((rule) => rule.name === name)!;

let ctx: TestContext;
let clock = NOW;

/** A call as the engine leaves one in the log. */
async function insertCall(fields: Record<string, unknown>): Promise<number> {
  const [row] = (await ctx
    .db('phone_calls')
    .insert({ call_sid: newCallSid(), lang: 'el', ...fields })
    .returning('id')) as { id: number }[];
  return row!.id;
}

/** A phone request of the citizen, with its recording fetched and stored. */
async function recordedRequest(userId: number, extra: Record<string, unknown> = {}) {
  const filed = await insertRequest(ctx.db, userId, 'pothole', {
    channel: 'phone',
    title: null,
    ...extra,
  });
  const wav = Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt '), Buffer.alloc(28)]);
  const storedName = await ctx.deps.documents.save(wav, 'wav');
  await ctx.db('request_recordings').insert({
    request_id: filed.id,
    recording_sid: `RE${newCallSid().slice(2)}`,
    duration_seconds: 17,
    stored_name: storedName,
    content_type: 'audio/wav',
    size: wav.length,
    fetched_at: NOW,
  });
  return { ...filed, storedName };
}

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => clock } });
});
afterAll(() => ctx.close());

describe('a caller’s calls and recordings, downloaded and erased', () => {
  let sofia: { id: number; phone: string; pin: string };
  let person: Person;
  let other: { id: number; phone: string };
  let hers: Awaited<ReturnType<typeof recordedRequest>>;
  let theirs: Awaited<ReturnType<typeof recordedRequest>>;

  beforeAll(async () => {
    sofia = await phoneCitizen(ctx.db, { full_name: 'Σοφία Καλλιγά', afm: afmFrom('87654321') });
    person = (await personOf(ctx.db, sofia.id))!;
    other = await phoneCitizen(ctx.db, { full_name: 'Άλλος Καλών' });
    // A call she signs in on, one from her number without signing in, and someone else's.
    const call = await signedInCall(ctx.app, ctx.deps.config.baseUrl, sofia);
    expect(await call.hangUp(35)).toBe(204);
    await insertCall({ caller_e164: sofia.phone, outcomes: ['pin_failed'] });
    await insertCall({ caller_e164: other.phone, user_id: other.id, outcomes: ['signed_in'] });
    hers = await recordedRequest(sofia.id);
    theirs = await recordedRequest(other.id);
  });

  it('exports her calls and her recording, and no one else’s', async () => {
    const exported = (await phoneModule.exportFor!(person, ctx.db)) as {
      calls: { callerNumber: string; signedInToYourAccount: boolean; outcomes: string[] }[];
      recordings: { request: string; file: string; durationSeconds: number }[];
    };
    expect(exported.calls).toHaveLength(2);
    expect(exported.calls.map((c) => c.signedInToYourAccount)).toEqual([true, false]);
    expect(exported.calls[0]).toMatchObject({ callerNumber: sofia.phone, outcomes: ['signed_in'] });
    expect(exported.calls[1]).toMatchObject({ outcomes: ['pin_failed'] });
    expect(exported.recordings).toEqual([
      expect.objectContaining({
        request: hers.url,
        file: `${hers.url}/recording.wav`,
        durationSeconds: 17,
      }),
    ]);
    const text = JSON.stringify(exported);
    expect(text).not.toContain(other.phone);
    expect(text).not.toContain(theirs.url);
    // Dates as ISO strings.
    expect(text).toMatch(/"startedAt":"\d{4}-\d{2}-\d{2}T/);
    expect(await phoneModule.exportFiles!(person, ctx.db)).toEqual([
      { path: `${hers.url}/recording.wav`, documentKey: hers.storedName },
    ]);
  });

  it('erases her calls and recording, files after commit; others’ stay', async () => {
    await eraseInOneTransaction(ctx.deps, person, ERASED);
    const values = [sofia.phone, sofia.phone.slice(3), 'Σοφία Καλλιγά', person.email!, person.afm!];
    for (const table of ['phone_calls', 'request_recordings', 'requests', 'request_events']) {
      const rows = (
        (await ctx.db.raw(`SELECT t::text AS text FROM ${table} t`)) as {
          rows: { text: string }[];
        }
      ).rows.filter((row) => values.some((value) => row.text.includes(value)));
      expect(rows, table).toEqual([]);
    }
    expect(await ctx.db('phone_calls').pluck('caller_e164')).toEqual([other.phone]);
    expect(await ctx.db('request_recordings').pluck('stored_name')).toEqual([theirs.storedName]);
    expect(await ctx.deps.documents.exists(hers.storedName)).toBe(false);
    expect(await ctx.deps.documents.exists(theirs.storedName)).toBe(true);
    // Her phone request stays, withdrawn and unnamed.
    expect(await ctx.db('requests').where({ id: hers.id }).first('status', 'user_id')).toEqual({
      status: 'closed',
      user_id: null,
    });
  });
});

describe('the phone line’s retention rules', () => {
  it('phone.forget-calls deletes the calls older than the call log’s days (180), no others', async () => {
    const cutoff = NOW.getTime() - 180 * DAY;
    const due = await insertCall({ started_at: new Date(cutoff - 60_000) });
    const kept = await insertCall({ started_at: new Date(cutoff + 60_000) });
    const rule = ruleNamed('phone.forget-calls');
    expect(rule.settingKey).toBe('phone.callLogDays');
    expect(await rule.run(ctx.deps)).toBe(1);
    const left = await ctx.db('phone_calls').whereIn('id', [due, kept]).pluck('id');
    expect(left).toEqual([kept]);
    expect(await rule.run(ctx.deps)).toBe(0);
    // No longer a job of its own: the rule runs under the job's old name.
    expect((phoneModule.jobs ?? []).map((job) => job.name)).not.toContain('phone.forget-calls');
  });

  it('phone.forget-recordings deletes recordings 90 days after their request closed, rows and files', async () => {
    const owner = await phoneCitizen(ctx.db);
    const cutoff = NOW.getTime() - 90 * DAY;
    const closedBefore = await recordedRequest(owner.id, {
      status: 'closed',
      closed_at: new Date(cutoff - 60_000),
    });
    const closedAfter = await recordedRequest(owner.id, {
      status: 'closed',
      closed_at: new Date(cutoff + 60_000),
    });
    const stillOpen = await recordedRequest(owner.id, {
      created_at: new Date(cutoff - 200 * DAY),
    });
    // A duplicate merged into the request that closed before the cutoff goes with it.
    const merged = await recordedRequest(owner.id, {
      status: 'merged',
      merged_into: closedBefore.id,
    });
    const rule = ruleNamed('phone.forget-recordings');
    expect(rule.settingKey).toBe('phone.recordingDays');
    expect(await rule.run(ctx.deps)).toBe(2);
    const left = await ctx
      .db('request_recordings')
      .whereIn(
        'request_id',
        [closedBefore, closedAfter, stillOpen, merged].map((r) => r.id),
      )
      .orderBy('request_id')
      .pluck('request_id');
    expect(left).toEqual([closedAfter.id, stillOpen.id]);
    const store = ctx.deps.documents;
    expect(await store.exists(closedBefore.storedName)).toBe(false);
    expect(await store.exists(merged.storedName)).toBe(false);
    expect(await store.exists(closedAfter.storedName)).toBe(true);
    // Two minutes later, the second is due too.
    clock = new Date(NOW.getTime() + 120_000);
    try {
      expect(await rule.run(ctx.deps)).toBe(1);
    } finally {
      clock = NOW;
    }
    expect(await store.exists(closedAfter.storedName)).toBe(false);
  });

  it('says in the privacy notice how long calls and recordings are kept', async () => {
    for (const [lang, text] of [
      ['el', 'διαγράφεται 90 ημέρες αφού κλείσει το αίτημα'],
      ['en', 'it is deleted 90 days after the request closes'],
    ] as const) {
      const page = await request(ctx.app).get(`/privacy?lang=${lang}`);
      expect(page.status).toBe(200);
      const body = cheerio.load(page.text)('main').text().replace(/\s+/g, ' ');
      expect(body).toContain(text);
      expect(body).toContain('180');
    }
  });
});
