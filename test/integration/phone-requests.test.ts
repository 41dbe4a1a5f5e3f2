import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The app first: it loads every module in order (the job's file is part of the phone module's).
import { createTestContext, type TestContext } from '../helpers/test-app.ts';
import {
  allowedRecordingUrl,
  audioTypeOf,
  FETCH_RECORDING_QUEUE,
} from '../../src/features/phone/recordings.job.ts';
import { spell } from '../../src/features/phone/speech.ts';
import { DEV_AUTH_TOKEN } from '../../src/features/phone/phone.config.ts';
import { drainMail, newAgent, postForm, signIn, type Agent } from '../helpers/accounts.ts';
import { freePort } from '../helpers/free-port.ts';
import { phoneCitizen, signedInCall, type PhoneCall } from '../helpers/phone.ts';
import { departmentId, insertRequest } from '../helpers/requests.ts';
import { signedInStaff, STAFF_PASSWORD } from '../helpers/staff.ts';
import {
  expectAccessible,
  launchBrowser,
  signInInBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import type { Browser } from 'playwright-core';
import type { UserRow } from '../../src/features/accounts/users.repository.ts';
import { REQUEST_LIMITS } from '../../src/features/requests/requests.service.ts';
import { hitRateLimit } from '../../src/lib/rate-limit.ts';

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const BASIC = `Basic ${Buffer.from(`${ACCOUNT_SID}:${DEV_AUTH_TOKEN}`).toString('base64')}`;

/** A short WAV: the RIFF/WAVE header of 8 kHz 16-bit mono, then a tenth of a second of silence. */
function wav(): Buffer {
  const samples = Buffer.alloc(1600);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + samples.length, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(samples.length, 40);
  return Buffer.concat([header, samples]);
}
const WAV = wav();

/** A stand-in for the provider's recordings host: checks the account's credentials, keeps every request. */
interface StandIn {
  server: Server;
  base: string;
  hits: { path: string; authorized: boolean }[];
}

async function startStandIn(): Promise<StandIn> {
  const port = await freePort();
  const hits: StandIn['hits'] = [];
  const notYet = new Set<string>();
  const server = createServer((req: IncomingMessage, res) => {
    const path = req.url ?? '';
    const authorized = req.headers.authorization === BASIC;
    hits.push({ path, authorized });
    if (!authorized) {
      res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"code":20003}');
      return;
    }
    // The provider still writing the file: 404 the first time it is asked for.
    if (path.includes('/late/') && !notYet.has(path)) {
      notYet.add(path);
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"code":20404}');
      return;
    }
    if (path.includes('/not-audio/')) {
      res.writeHead(200, { 'Content-Type': 'audio/x-wav' }).end('<html>not a recording</html>');
      return;
    }
    if (path.includes('/Recordings/')) {
      res.writeHead(200, { 'Content-Type': 'audio/x-wav', 'Content-Length': WAV.length });
      res.end(WAV);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${port}`, hits };
}

const stopStandIn = (standIn: StandIn) =>
  new Promise((resolve) => {
    standIn.server.closeAllConnections();
    standIn.server.close(resolve);
  });

let ctx: TestContext;
let base: string;
let recordings: StandIn;
/** Another host, which the job must never ask for anything. */
let elsewhere: StandIn;
let technical: { agent: Agent; id: number };
let cleaning: { agent: Agent; id: number };
let sidCounter = 0;

const newSid = () => {
  sidCounter += 1;
  return `RE${String(sidCounter).padStart(32, '0')}`;
};
const recordingUrl = (host: StandIn, sid: string, kind = 'ok') =>
  `${host.base}/2010-04-01/Accounts/${ACCOUNT_SID}/${kind}/Recordings/${sid}`;

/** The job as the worker runs it: each queued fetch taken and handed to the module's run. */
async function runRecordingJobs(): Promise<{ ran: number; failed: number }> {
  const job = ctx.deps.modules
    .flatMap((m) => m.jobs ?? [])
    .find((j) => j.name === FETCH_RECORDING_QUEUE)!;
  let ran = 0;
  let failed = 0;
  for (;;) {
    const jobs = await ctx.deps.boss.fetch(FETCH_RECORDING_QUEUE, { batchSize: 10 });
    if (!jobs.length) return { ran, failed };
    for (const one of jobs) {
      ran += 1;
      try {
        await job.run!(ctx.deps, one.data);
        await ctx.deps.boss.complete(FETCH_RECORDING_QUEUE, one.id);
      } catch {
        failed += 1;
        // Failed with a retry to come: the test runs it again itself, when it chooses to.
        await ctx.deps.boss.cancel(FETCH_RECORDING_QUEUE, one.id);
      }
    }
  }
}

const requestsOf = (userId: number) =>
  ctx.db('requests').where({ user_id: userId }).orderBy('id') as Promise<Record<string, unknown>[]>;
const recordingOf = async (requestId: number) =>
  (await ctx.db('request_recordings').where({ request_id: requestId }).first()) as
    Record<string, unknown> | undefined;
const urlOf = (row: Record<string, unknown>) =>
  `${String(row.year)}-${String(row.number).padStart(6, '0')}`;

/** From the main menu to the read-back: requests (2), new (1), street lighting (2), light out (1). */
async function recordLightOut(call: PhoneCall, url: string, sid: string, seconds = 14) {
  await call.press('2');
  await call.press('1');
  await call.press('2');
  await call.press('1');
  return call.recorded({ url, sid, seconds });
}

beforeAll(async () => {
  recordings = await startStandIn();
  elsewhere = await startStandIn();
  ctx = await createTestContext({
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_RECORDINGS_HOST: new URL(recordings.base).host,
  });
  base = ctx.deps.config.baseUrl;
  technical = await signedInStaff(ctx.app, ctx.db, ['handler']);
  cleaning = await signedInStaff(ctx.app, ctx.db, ['handler']);
  await ctx.db('department_handlers').insert([
    { department_id: await departmentId(ctx.db, 'technical'), user_id: technical.id },
    { department_id: await departmentId(ctx.db, 'cleaning'), user_id: cleaning.id },
  ]);
});
afterAll(async () => {
  await ctx.close();
  await stopStandIn(recordings);
  await stopStandIn(elsewhere);
});

describe('the phone portal: a new request', () => {
  let caller: { id: number; phone: string; pin: string };
  let request: Record<string, unknown>;
  let sid: string;

  it('chooses the group, then the category, records, confirms, and files it at once', async () => {
    caller = await phoneCitizen(ctx.db);
    await drainMail(ctx.deps);
    const call = await signedInCall(ctx.app, base, caller);
    const menu = await call.press('2');
    expect(menu.says.join(' ')).toContain('Για νέο αίτημα ή καταγγελία, πατήστε 1.');
    expect(menu.says.join(' ')).toContain('πατήστε αστερίσκο');
    const groups = await call.press('1');
    expect(groups.says).toContain('Καθαριότητα: πατήστε 1.');
    expect(groups.says).toContain('Ηλεκτροφωτισμός: πατήστε 2.');
    const kinds = await call.press('2');
    expect(kinds.says).toContain('Σβηστός λαμπτήρας: πατήστε 1.');
    expect(kinds.says).toContain('Χαλασμένος στύλος φωτισμού: πατήστε 2.');
    const record = await call.press('1');
    expect(record.record?.maxLength).toBe(120);
    expect(record.says.join(' ')).toContain('δύο λεπτά');
    sid = newSid();
    const readBack = await call.recorded({ url: recordingUrl(recordings, sid), sid, seconds: 14 });
    expect(readBack.says[0]).toBe(
      'Υποβάλλετε αίτημα στην κατηγορία Σβηστός λαμπτήρας, με περιγραφή 14 δευτερολέπτων.',
    );
    // Nothing is filed before the confirmation.
    expect(await requestsOf(caller.id)).toEqual([]);

    const filed = await call.press('1');
    const rows = await requestsOf(caller.id);
    expect(rows).toHaveLength(1);
    request = rows[0]!;
    const lightOut = (await ctx.db('request_categories').where({ slug: 'light-out' }).first()) as {
      id: number;
      department_id: number;
    };
    expect(request).toMatchObject({
      channel: 'phone',
      title: null,
      address: null,
      lat: null,
      lng: null,
      kind: 'request',
      status: 'submitted',
      category_id: lightOut.id,
      department_id: lightOut.department_id,
    });
    expect(request.description).toContain('ηχογράφηση');
    expect(request.due_date).toBeTruthy();
    // The reference read out, one character at a time.
    const display = `ΑΙΤ-${urlOf(request)}`;
    expect(filed.says.join(' ')).toContain(`Ο αριθμός του είναι ${spell(display)}.`);
    expect(filed.gather?.numDigits).toBe(1);
    // 0 reads it again.
    expect((await call.press('0')).says.join(' ')).toContain(spell(display));

    expect(await recordingOf(request.id as number)).toMatchObject({
      recording_sid: sid,
      duration_seconds: 14,
      stored_name: null,
      fetched_at: null,
    });
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'request.submitted', user_id: caller.id })
      .select('details');
    expect(audit).toHaveLength(1);
    const mail = await drainMail(ctx.deps);
    const email = (
      (await ctx.db('users').where({ id: caller.id }).first('email')) as {
        email: string;
      }
    ).email;
    const confirmation = mail.find((m) => m.to === email);
    expect(confirmation?.subject).toContain(display);
    expect(confirmation?.text).toContain('Σβηστός λαμπτήρας');
    const [log] = (await ctx.db('phone_calls').where({ user_id: caller.id })) as {
      menus: string[];
      outcomes: string[];
      state: unknown;
    }[];
    expect(log?.menus).toContain('requests');
    expect(log?.outcomes).toEqual(['signed_in', 'request_filed']);
    // Silence after the reference: goodbye.
    expect((await call.silence()).hangup).toBe(true);
  });

  it('fetches the recording from the recordings host with the account’s credentials and stores it', async () => {
    const before = recordings.hits.length;
    expect(await runRecordingJobs()).toEqual({ ran: 1, failed: 0 });
    const asked = recordings.hits.slice(before);
    expect(asked).toEqual([
      { path: new URL(recordingUrl(recordings, sid)).pathname, authorized: true },
    ]);
    const stored = (await recordingOf(request.id as number))!;
    expect(stored).toMatchObject({ content_type: 'audio/wav', size: WAV.length, failed_at: null });
    expect(stored.fetched_at).toBeInstanceOf(Date);
    const bytes = await readFile(ctx.deps.documents.pathOf(stored.stored_name as string));
    expect(bytes.equals(WAV)).toBe(true);
    // Run again (a job delivered twice): nothing more is fetched or stored.
    await ctx.deps.boss.send(FETCH_RECORDING_QUEUE, {
      requestId: request.id,
      recordingUrl: recordingUrl(recordings, sid),
      recordingSid: sid,
    });
    expect(await runRecordingJobs()).toEqual({ ran: 1, failed: 0 });
    expect(recordings.hits.length).toBe(before + 1);
    expect((await recordingOf(request.id as number))!.stored_name).toBe(stored.stored_name);
  });

  it('plays it to a handler of the department, and to no one else', async () => {
    const ref = urlOf(request);
    const page = await technical.agent.get(`/staff/requests/${ref}`);
    expect(page.status).toBe(200);
    const $ = cheerio.load(page.text);
    const player = $('audio.app-recording');
    expect(player.attr('src')).toBe(`/staff/requests/${ref}/recording`);
    expect(player.attr('controls')).toBeDefined();
    expect(player.next('p').text()).toBe('Διάρκεια: 14 δευτερόλεπτα');
    expect($('h1').text()).toBe('(χωρίς τίτλο)');
    // No title yet: nothing to publish with.
    expect($(`form[action="/staff/requests/${ref}/visibility"]`).length).toBe(0);

    const audio = await technical.agent.get(`/staff/requests/${ref}/recording`).buffer(true);
    expect(audio.status).toBe(200);
    expect(audio.headers['content-type']).toBe('audio/wav');
    expect(audio.headers['cache-control']).toBe('private, no-store');
    expect(audio.headers['content-disposition']).toMatch(/^inline/);
    expect(audio.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.from(audio.body as Buffer).equals(WAV)).toBe(true);
    const range = await technical.agent
      .get(`/staff/requests/${ref}/recording`)
      .set('Range', 'bytes=0-3')
      .buffer(true);
    expect(range.status).toBe(206);
    expect(Buffer.from(range.body as Buffer).toString('latin1')).toBe('RIFF');

    const other = await cleaning.agent.get(`/staff/requests/${ref}/recording`);
    expect(other.status).toBe(404);
    expect((await cleaning.agent.get(`/staff/requests/${ref}`)).status).toBe(404);
    const user = (await ctx.db('users').where({ id: caller.id }).first('username')) as {
      username: string;
    };
    const citizen = newAgent(ctx.app);
    await signIn(citizen, user.username, 'κρητικό φως και αέρας');
    expect((await citizen.get(`/staff/requests/${ref}/recording`)).status).toBe(403);
    const anonymous = await newAgent(ctx.app).get(`/staff/requests/${ref}/recording`);
    expect(anonymous.headers['content-type'] ?? '').not.toContain('audio');
    expect(anonymous.status).not.toBe(200);
    // A reference that is not one, or another request's: 404 alike.
    expect((await technical.agent.get('/staff/requests/2026-999999/recording')).status).toBe(404);
    expect((await technical.agent.get('/staff/requests/nonsense/recording')).status).toBe(404);

    // The citizen's own pages take a request with no title and no place.
    const own = await citizen.get(`/requests/${ref}`);
    expect(own.status).toBe(200);
    expect(cheerio.load(own.text)('h1').text()).toBe('(χωρίς τίτλο)');
    const list = await citizen.get('/requests');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`ΑΙΤ-${ref}`);
  });

  it('is not published without a title', async () => {
    const ref = urlOf(request);
    const res = await technical.agent
      .post(`/staff/requests/${ref}/visibility`)
      .type('form')
      .send({
        _csrf:
          cheerio
            .load((await technical.agent.get(`/staff/requests/${ref}`)).text)('input[name="_csrf"]')
            .first()
            .attr('value') ?? '',
        public: 'yes',
      });
    expect(res.status).toBe(400);
    expect(res.text).toContain('χωρίς τίτλο δεν μπορεί να εμφανιστεί');
    expect(
      ((await ctx.db('requests').where({ id: request.id }).first()) as { public: boolean }).public,
    ).toBe(false);
    const publicList = await newAgent(ctx.app).get('/requests/public');
    expect(publicList.status).toBe(200);
    expect(publicList.text).not.toContain(ref);
  });

  it('names the category in the citizen’s mail about it, as it has no title yet', async () => {
    const ref = urlOf(request);
    await drainMail(ctx.deps);
    const res = await postForm(
      technical.agent,
      `/staff/requests/${ref}`,
      `/staff/requests/${ref}/status`,
      { status: 'in_progress', publicNote: 'Το συνεργείο ενημερώθηκε.', internalNote: '' },
    );
    expect(res.status).toBe(303);
    const mail = await drainMail(ctx.deps);
    const update = mail.find((m) => m.subject.includes(`ΑΙΤ-${ref}`));
    expect(update?.text).toContain('«Σβηστός λαμπτήρας»');
  });

  it('files once when the provider retries the confirmation', async () => {
    const retrier = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, retrier);
    const sidOnce = newSid();
    await recordLightOut(call, recordingUrl(recordings, sidOnce), sidOnce);
    const filed = await call.press('1');
    const again = await call.resend();
    expect(again.xml).toBe(filed.xml);
    // Both at once, as a provider that timed out might send them.
    await Promise.all([call.resend(), call.resend()]);
    expect(await requestsOf(retrier.id)).toHaveLength(1);
    const jobs = (await ctx.db
      .withSchema('pgboss')
      .from('job')
      .where({ name: FETCH_RECORDING_QUEUE })
      .whereRaw("data->>'recordingSid' = ?", [sidOnce])
      .select('retry_limit')) as { retry_limit: number }[];
    expect(jobs).toHaveLength(1);
    // The provider's 404 just after the call is tried again.
    expect(jobs[0]!.retry_limit).toBeGreaterThan(2);
    expect(await runRecordingJobs()).toEqual({ ran: 1, failed: 0 });
    // A retry that comes after the step's claim has lapsed reaches the filing again: the recording
    // has filed its request already, and that one is the answer.
    const [row] = await requestsOf(retrier.id);
    const user = (await ctx.db('users').where({ id: retrier.id }).first()) as UserRow;
    const lightOut = (await ctx
      .db('request_categories')
      .where({ slug: 'light-out' })
      .first('id')) as { id: number };
    const again2 = await ctx.services.requests.filePhoneRequest(
      user,
      {
        categoryId: lightOut.id,
        recording: { sid: sidOnce, durationSeconds: 14 },
        callerNumber: retrier.phone,
      },
      { ip: '127.0.0.1' },
    );
    expect(again2).toMatchObject({ ok: true, id: row!.id, reference: { url: urlOf(row!) } });
    expect(await requestsOf(retrier.id)).toHaveLength(1);
    // Two at once with a new recording: the database lets one file it, the other answers with it.
    const raced = newSid();
    const filing = () =>
      ctx.services.requests.filePhoneRequest(
        user,
        {
          categoryId: lightOut.id,
          recording: { sid: raced, durationSeconds: 3 },
          callerNumber: retrier.phone,
        },
        { ip: '127.0.0.1' },
      );
    const [a, b] = await Promise.all([filing(), filing()]);
    expect(a.ok && b.ok && a.id === b.id).toBe(true);
    expect(await requestsOf(retrier.id)).toHaveLength(2);
  });

  it('keeps to the daily limit of requests per account', async () => {
    const busy = await phoneCitizen(ctx.db);
    for (let n = 0; n < REQUEST_LIMITS.perAccount.limit; n += 1)
      await hitRateLimit(ctx.db, ctx.deps.clock, REQUEST_LIMITS.perAccount, String(busy.id));
    const call = await signedInCall(ctx.app, base, busy);
    const busySid = newSid();
    await recordLightOut(call, recordingUrl(recordings, busySid), busySid);
    const refused = await call.press('1');
    expect(refused.says[0]).toBe(
      'Έχετε υποβάλει πολλά αιτήματα σήμερα. Παρακαλούμε δοκιμάστε ξανά αύριο.',
    );
    expect(refused.says.join(' ')).toContain('πατήστε 3');
    expect(await requestsOf(busy.id)).toEqual([]);
    expect(await runRecordingJobs()).toEqual({ ran: 0, failed: 0 });
  });

  it('tries again while the provider answers 404, then stores the recording', async () => {
    const patient = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, patient);
    const lateSid = newSid();
    const url = recordingUrl(recordings, lateSid, 'late');
    await recordLightOut(call, url, lateSid);
    await call.press('1');
    const [row] = await requestsOf(patient.id);
    const data = { requestId: row!.id, recordingUrl: url, recordingSid: lateSid };
    const [queued] = await ctx.deps.boss.fetch(FETCH_RECORDING_QUEUE);
    expect(queued?.data).toEqual(data);
    const job = ctx.deps.modules
      .flatMap((m) => m.jobs ?? [])
      .find((j) => j.name === FETCH_RECORDING_QUEUE)!;
    await expect(job.run!(ctx.deps, queued!.data)).rejects.toThrow(/404/);
    expect(await recordingOf(row!.id as number)).toMatchObject({
      attempts: 1,
      fetched_at: null,
      failed_at: null,
    });
    // pg-boss's retry: the same job again.
    await job.run!(ctx.deps, queued!.data);
    await ctx.deps.boss.complete(FETCH_RECORDING_QUEUE, queued!.id);
    expect(await recordingOf(row!.id as number)).toMatchObject({
      attempts: 2,
      content_type: 'audio/wav',
    });
  });

  it('refuses a recording URL off the recordings host and fetches nothing from it', async () => {
    const tricked = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, tricked);
    const offSid = newSid();
    await recordLightOut(call, recordingUrl(elsewhere, offSid), offSid);
    await call.press('1');
    const [row] = await requestsOf(tricked.id);
    expect(await runRecordingJobs()).toEqual({ ran: 1, failed: 0 });
    expect(elsewhere.hits).toEqual([]);
    const recording = (await recordingOf(row!.id as number))!;
    expect(recording.stored_name).toBeNull();
    expect(recording.failed_at).toBeInstanceOf(Date);
    const page = cheerio.load((await technical.agent.get(`/staff/requests/${urlOf(row!)}`)).text);
    expect(page('audio').length).toBe(0);
    expect(page('.app-recording-state').text()).toContain('δεν ήταν δυνατό');
    expect((await technical.agent.get(`/staff/requests/${urlOf(row!)}/recording`)).status).toBe(
      404,
    );

    // Credentials in the URL, or another scheme, on the right host: refused alike.
    const before = recordings.hits.length;
    for (const [n, bad] of [
      recordingUrl(recordings, offSid).replace('http://', 'http://user:pw@'),
      recordingUrl(recordings, offSid).replace('http://', 'ftp://'),
      'not a url',
    ].entries()) {
      const other = await phoneCitizen(ctx.db);
      const badCall = await signedInCall(ctx.app, base, other);
      const badSid = `RE${String(9000 + n).padStart(32, '0')}`;
      await recordLightOut(badCall, bad, badSid);
      await badCall.press('1');
    }
    expect(await runRecordingJobs()).toEqual({ ran: 3, failed: 0 });
    expect(recordings.hits.length).toBe(before);
  });

  it('refuses what is not audio, whatever its Content-Type says', async () => {
    const caller2 = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, caller2);
    const badSid = newSid();
    await recordLightOut(call, recordingUrl(recordings, badSid, 'not-audio'), badSid);
    await call.press('1');
    const [row] = await requestsOf(caller2.id);
    expect(await runRecordingJobs()).toEqual({ ran: 1, failed: 0 });
    const recording = (await recordingOf(row!.id as number))!;
    expect(recording.stored_name).toBeNull();
    expect(recording.failed_at).toBeInstanceOf(Date);
  });

  it('while the recording is being fetched, the handler is told so', async () => {
    const waiting = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, waiting);
    const waitSid = newSid();
    await recordLightOut(call, recordingUrl(recordings, waitSid), waitSid);
    await call.press('1');
    const [row] = await requestsOf(waiting.id);
    const page = cheerio.load((await technical.agent.get(`/staff/requests/${urlOf(row!)}`)).text);
    expect(page('.app-recording-state').text()).toContain('μεταφέρεται');
    await runRecordingJobs();
  });

  it('asks again for an empty recording, and records again or chooses again on the read-back', async () => {
    const unsure = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, unsure);
    const emptySid = newSid();
    const empty = await recordLightOut(call, recordingUrl(recordings, emptySid), emptySid, 0);
    expect(empty.says[0]).toBe('Δεν ακούσαμε περιγραφή.');
    expect(empty.record?.maxLength).toBe(120);
    const sid2 = newSid();
    await call.recorded({ url: recordingUrl(recordings, sid2), sid: sid2, seconds: 1 });
    expect(call.said).toContain('περιγραφή ενός δευτερολέπτου');
    // 2: record again.
    expect((await call.press('2')).record?.maxLength).toBe(120);
    const sid3 = newSid();
    await call.recorded({ url: recordingUrl(recordings, sid3), sid: sid3, seconds: 9 });
    // 3: another category (cleaning, one of three).
    const groups = await call.press('3');
    expect(groups.says).toContain('Καθαριότητα: πατήστε 1.');
    await call.press('1');
    await call.press('2');
    const sid4 = newSid();
    const readBack = await call.recorded({
      url: recordingUrl(recordings, sid4),
      sid: sid4,
      seconds: 5,
    });
    expect(readBack.says[0]).toContain('Ογκώδη αντικείμενα');
    // A key that is not an option, then star: the main menu, nothing filed.
    await call.press('7');
    const main = await call.press('*');
    expect(main.says.join(' ')).toContain('πατήστε 3');
    expect(await requestsOf(unsure.id)).toEqual([]);
  });
});

describe('the phone portal: the status of my requests', () => {
  it('reads the caller’s three latest requests, newest first, and never another’s', async () => {
    const caller = await phoneCitizen(ctx.db);
    const someone = await phoneCitizen(ctx.db);
    const made = [];
    for (const [day, status] of [
      ['2026-11-01', 'closed'],
      ['2026-11-05', 'submitted'],
      ['2026-11-09', 'in_progress'],
      ['2026-11-12', 'answered'],
    ] as const)
      made.push(
        await insertRequest(ctx.db, caller.id, 'pothole', {
          status,
          created_at: new Date(`${day}T10:00:00Z`),
          ...(status === 'closed' ? { closed_at: new Date(`${day}T12:00:00Z`) } : {}),
        }),
      );
    const theirs = await insertRequest(ctx.db, someone.id, 'pothole', {
      created_at: new Date('2026-11-20T10:00:00Z'),
    });
    const call = await signedInCall(ctx.app, base, caller);
    await call.press('2');
    const heard = await call.press('2');
    const said = heard.says.join(' ');
    const spoken = (url: string) => spell(`ΑΙΤ-${url}`);
    expect(heard.says[0]).toBe('Τα 3 τελευταία σας αιτήματα, από το νεότερο:');
    expect(heard.says[1]).toBe(
      `Αίτημα ${spoken(made[3]!.url)}, κατηγορία Λακκούβα: η υπηρεσία απάντησε, και η απάντηση είναι στο email σας.`,
    );
    expect(heard.says[2]).toContain(spoken(made[2]!.url));
    expect(heard.says[2]).toContain('σε εξέλιξη');
    expect(heard.says[3]).toContain(spoken(made[1]!.url));
    expect(said).not.toContain(spoken(made[0]!.url));
    expect(said).not.toContain(spoken(theirs.url));
    expect(heard.gather?.numDigits).toBe(1);
    // 1: a new request from here.
    expect((await call.press('1')).says.join(' ')).toContain('Καθαριότητα: πατήστε 1.');
    const [log] = (await ctx.db('phone_calls').where({ user_id: caller.id })) as {
      outcomes: string[];
    }[];
    expect(log?.outcomes).toContain('request_status');
  });

  it('says so when there is none, and reads in English with the numbers only', async () => {
    const nobody = await phoneCitizen(ctx.db, { lang: 'en' });
    const call = await signedInCall(ctx.app, base, nobody);
    await call.press('2');
    expect((await call.press('2')).says[0]).toBe('You have not filed any requests yet.');
    const one = await insertRequest(ctx.db, nobody.id, 'light-out');
    expect((await call.press('0')).says.slice(0, 2)).toEqual([
      'Your latest request:',
      `Request ${spell(one.url)}, about Street light out: it has been received and waits for the department.`,
    ]);
  });
});

describe('the handler’s page of a phone request, in a browser', () => {
  let server: LiveServer;
  let browser: Browser;
  let handler: { username: string };
  let ready: { id: number; url: string };
  let pending: { id: number; url: string };

  beforeAll(async () => {
    server = await startLiveServer(async (live) => {
      const citizen = await phoneCitizen(live.db);
      const staff = await signedInStaff(live.app, live.db, ['handler']);
      handler = staff;
      await live.db('department_handlers').insert({
        department_id: await departmentId(live.db, 'technical'),
        user_id: staff.id,
      });
      const phoneRequest = { channel: 'phone', title: null, address: null };
      ready = await insertRequest(live.db, citizen.id, 'light-out', phoneRequest);
      pending = await insertRequest(live.db, citizen.id, 'pothole', phoneRequest);
      const stored = await live.deps.documents.save(WAV, 'wav');
      await live.db('request_recordings').insert([
        {
          request_id: ready.id,
          recording_sid: newSid(),
          duration_seconds: 14,
          stored_name: stored,
          content_type: 'audio/wav',
          size: WAV.length,
          attempts: 1,
          fetched_at: new Date(),
        },
        { request_id: pending.id, recording_sid: newSid(), duration_seconds: 30 },
      ]);
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows a player the browser can load, and passes axe', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInInBrowser(page, server.baseUrl, handler.username, STAFF_PASSWORD);
    await page.goto(`${server.baseUrl}/staff/requests/${ready.url}`);
    await expectAccessible(page);
    const loaded = await page.evaluate(async () => {
      const audio = document.querySelector('audio.app-recording') as HTMLAudioElement;
      const response = await fetch(audio.src);
      audio.preload = 'metadata';
      audio.load();
      await new Promise((resolve) => {
        audio.addEventListener('loadedmetadata', resolve, { once: true });
        audio.addEventListener('error', resolve, { once: true });
      });
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        duration: audio.duration,
      };
    });
    expect(loaded.status).toBe(200);
    expect(loaded.type).toBe('audio/wav');
    expect(loaded.duration).toBeCloseTo(0.1, 2);
    await page.goto(`${server.baseUrl}/staff/requests/${pending.url}?lang=en`);
    expect(await page.textContent('.app-recording-state')).toContain('being fetched');
    await expectAccessible(page);
    await context.close();
  });
});

describe('the recordings job’s checks', () => {
  const production = {
    enabled: true,
    accountSid: ACCOUNT_SID,
    authToken: 'a-real-token-of-the-account',
    recordingsHost: 'api.twilio.com',
    recordingsSecure: true,
    voices: { el: 'el', en: 'en' },
  };

  it('takes only https on the recordings host in production', () => {
    const path = `/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/RE0123`;
    expect(allowedRecordingUrl(production, `https://api.twilio.com${path}`)?.pathname).toBe(path);
    expect(allowedRecordingUrl(production, `https://API.Twilio.com:443${path}`)).toBeDefined();
    for (const refused of [
      `http://api.twilio.com${path}`,
      `https://api.twilio.com:8443${path}`,
      `https://api.twilio.com.example.net${path}`,
      `https://example.net/@api.twilio.com${path}`,
      `https://sid:token@api.twilio.com${path}`,
      `//api.twilio.com${path}`,
    ])
      expect(allowedRecordingUrl(production, refused), refused).toBeUndefined();
  });

  it('knows WAV and MP3 by their bytes', () => {
    expect(audioTypeOf(WAV)).toBe('audio/wav');
    expect(audioTypeOf(Buffer.concat([Buffer.from('ID3'), Buffer.alloc(20)]))).toBe('audio/mpeg');
    expect(audioTypeOf(Buffer.concat([Buffer.from([0xff, 0xfb, 0x90]), Buffer.alloc(20)]))).toBe(
      'audio/mpeg',
    );
    expect(audioTypeOf(Buffer.from('<html><body>no</body></html>'))).toBeUndefined();
    expect(audioTypeOf(Buffer.from('RIFF'))).toBeUndefined();
  });
});
