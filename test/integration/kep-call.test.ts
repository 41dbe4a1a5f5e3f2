import * as cheerio from 'cheerio';
import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { loadConfig } from '../../src/config.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jitsiSettingsOf } from '../../src/features/kep/call/jitsi.config.ts';
import { issueCallToken } from '../../src/features/kep/call/jitsi.ts';
import { TEST_TAXPAYERS } from '../../src/features/taxisnet/dev/taxpayers.ts';
import { createActiveUser, drainMail, postForm, type Agent } from '../helpers/accounts.ts';
import { placeAppointment } from '../helpers/kep.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { listeningPortal, throughTaxisnet, twoTaxisnetCitizens } from '../helpers/taxisnet.ts';

type Portal = Awaited<ReturnType<typeof listeningPortal>>;

const [, OWNER_AFM, OTHER_AFM] = TEST_TAXPAYERS.map((t) => t.taxid.trim()) as [
  string,
  string,
  string,
];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const JITSI = 'https://meet.example.gov.gr';
const SECRET = 'a-test-secret-of-the-jitsi-server-0123456789';

interface CallClaims extends JWTPayload {
  room: string;
  context: {
    user: { id: string; name: string; email: string; affiliation: string; lobby_bypass?: boolean };
    features: Record<string, boolean>;
  };
}

let portal: Portal;
let areaId: number;
let clerk: { agent: Agent; id: number };
let otherClerk: { agent: Agent; id: number };
let manager: { agent: Agent; id: number };
let ownerId: number;
let owner: Agent;
let other: Agent;

beforeAll(async () => {
  portal = await listeningPortal({
    JITSI_BASE_URL: JITSI,
    JITSI_APP_ID: 'dimos-portal',
    JITSI_APP_SECRET: SECRET,
  });
  const db = portal.ctx.db;
  areaId = (
    (await db('kep_areas').where({ slug: 'information-applications' }).first('id')) as {
      id: number;
    }
  ).id;
  clerk = await signedInStaff(portal.base, db, ['clerk']);
  otherClerk = await signedInStaff(portal.base, db, ['clerk']);
  manager = await signedInStaff(portal.base, db, ['clerk', 'kep_manager']);
  ({ ownerId, owner, other } = await twoTaxisnetCitizens(portal, 'call'));
});

afterAll(() => portal.close());

beforeEach(async () => {
  await portal.ctx.db.raw(
    'TRUNCATE kep_mail_files, kep_manage_tokens, kep_documents, kep_appointments CASCADE',
  );
  await portal.ctx.db('users').where({ id: ownerId }).update({
    identity_verified_at: null,
    identity_channel: null,
    afm: null,
  });
  await portal.ctx.db('users').where('username', 'like', 'user.call-holder%').delete();
  await drainMail(portal.ctx.deps);
});

let counter = 0;
/** A booked appointment of `clerk`, 20 minutes long, starting `startsIn` ms from now. */
const insertAppointment = (options: { startsIn: number; afm?: string; status?: string }) => {
  counter += 1;
  const afm = options.afm ?? OWNER_AFM;
  return placeAppointment(portal.ctx.db, {
    areaId,
    clerkId: clerk.id,
    citizenId: afm === OWNER_AFM ? ownerId : null,
    afm,
    start: new Date(Date.now() + options.startsIn),
    bufferMinutes: 5,
    email: `call.citizen.${counter}@example.gr`,
    ...(options.status ? { status: options.status } : {}),
  });
};

const settings = () => jitsiSettingsOf(portal.ctx.deps.config);
const verify = (jwt: string, currentDate?: Date) =>
  jwtVerify<CallClaims>(jwt, new TextEncoder().encode(SECRET), {
    algorithms: ['HS256'],
    issuer: 'dimos-portal',
    audience: 'jitsi',
    ...(currentDate ? { currentDate } : {}),
  });

/** The room's embed options as the page gives them to its script. */
function roomOf(html: string) {
  const section = cheerio.load(html)('[data-kep-room]');
  if (!section.length) return undefined;
  return {
    role: section.attr('data-role'),
    options: JSON.parse(section.attr('data-options')!) as {
      scriptUrl: string;
      domain: string;
      room: string;
      jwt: string;
      config: Record<string, unknown>;
    },
    link: section.find('#room-link').attr('href')!,
  };
}

const cspOf = (res: { headers: Record<string, string> }) =>
  Object.fromEntries(
    res.headers['content-security-policy']!.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );

describe('call tokens', () => {
  it('gives the clerk the room’s ownership and the citizen none, for this room and this time only', async () => {
    const startsAt = new Date('2026-03-02T07:00:00Z');
    const endsAt = new Date('2026-03-02T07:20:00Z');
    const base = { room: 'a-room-of-twenty-chars', startsAt, endsAt, email: 'x@example.gr' };
    const clerkToken = await issueCallToken(settings(), {
      ...base,
      role: 'clerk',
      id: 'user-1',
      name: 'Υπάλληλος',
    });
    const citizenToken = await issueCallToken(settings(), {
      ...base,
      role: 'citizen',
      id: 'user-2',
      name: 'Πολίτης',
    });
    const during = new Date('2026-03-02T07:05:00Z');
    const { payload: c } = await verify(clerkToken, during);
    expect(c.sub).toBe('meet.example.gov.gr');
    expect(c.room).toBe('a-room-of-twenty-chars');
    expect(c.context.user).toMatchObject({ affiliation: 'owner', lobby_bypass: true });
    expect(c.nbf).toBe(startsAt.getTime() / 1000 - 600);
    expect(c.exp).toBe(endsAt.getTime() / 1000 + 1800);
    expect(c.context.features).toMatchObject({
      recording: false,
      livestreaming: false,
      transcription: false,
    });

    const { payload: p } = await verify(citizenToken, during);
    expect(p.context.user.affiliation).toBe('member');
    expect(p.context.user.lobby_bypass).toBeUndefined();
    expect(p.context.user.name).toBe('Πολίτης');
    expect(p.room).toBe('a-room-of-twenty-chars');

    await expect(verify(citizenToken, new Date('2026-03-02T08:00:01Z'))).rejects.toBeInstanceOf(
      joseErrors.JWTExpired,
    );
    await expect(verify(citizenToken, new Date('2026-03-02T06:49:00Z'))).rejects.toBeInstanceOf(
      joseErrors.JWTClaimValidationFailed,
    );
    // Signed with the server's secret: another secret does not verify it.
    await expect(
      jwtVerify(citizenToken, new TextEncoder().encode('another-secret-another-secret-0000')),
    ).rejects.toThrow();
  });

  it('refuses production settings that would leak or fail, and is off until configured', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://x/y',
      SMTP_URL: 'smtp://x',
      SESSION_SECRET: 'p'.repeat(40),
      BASE_URL: 'https://e.example.gov.gr',
    };
    expect(jitsiSettingsOf(loadConfig(production)).enabled).toBe(false);
    expect(() =>
      jitsiSettingsOf(
        loadConfig({
          ...production,
          JITSI_BASE_URL: 'http://meet.example.gov.gr',
          JITSI_APP_ID: 'a',
          JITSI_APP_SECRET: SECRET,
        }),
      ),
    ).toThrow(/JITSI_BASE_URL/);
    expect(() =>
      jitsiSettingsOf(loadConfig({ ...production, JITSI_BASE_URL: JITSI, JITSI_APP_ID: 'a' })),
    ).toThrow(/JITSI_APP_SECRET/);
    const good = jitsiSettingsOf(
      loadConfig({
        ...production,
        JITSI_BASE_URL: JITSI,
        JITSI_APP_ID: 'a',
        JITSI_APP_SECRET: SECRET,
      }),
    );
    expect(good).toMatchObject({
      enabled: true,
      standIn: false,
      origin: JITSI,
      domain: 'meet.example.gov.gr',
    });
  });
});

describe('the citizen’s call page', () => {
  it('opens 10 minutes before the start with the citizen’s own token, and only for its owner', async () => {
    const early = await insertAppointment({ startsIn: 2 * HOUR });
    const waiting = await owner.get(`/kep/appointments/${early.id}/call`);
    expect(waiting.status).toBe(200);
    expect(roomOf(waiting.text)).toBeUndefined();
    expect(waiting.text).not.toContain('eyJ');
    expect(cheerio.load(waiting.text)('#call-opens').length).toBe(1);
    expect(cspOf(waiting)['frame-src'] ?? []).not.toContain(JITSI);

    const soon = await insertAppointment({ startsIn: 8 * MINUTE });
    const open = await owner.get(`/kep/appointments/${soon.id}/call`);
    expect(open.status).toBe(200);
    expect(open.headers['cache-control']).toContain('no-store');
    const room = roomOf(open.text)!;
    expect(room.role).toBe('citizen');
    expect(room.options.scriptUrl).toBe(`${JITSI}/external_api.js`);
    expect(room.options.room).toBe(soon.room);
    expect(room.options.config).toMatchObject({
      recordingService: { enabled: false },
      localRecording: { disable: true },
      liveStreaming: { enabled: false },
      transcription: { enabled: false },
    });
    const { payload } = await verify(room.options.jwt);
    expect(payload.room).toBe(soon.room);
    expect(payload.context.user).toMatchObject({
      affiliation: 'member',
      name: 'Ειρήνη Σταυρακάκη',
    });
    expect(payload.context.user.lobby_bypass).toBeUndefined();
    expect(room.link.startsWith(`${JITSI}/${soon.room}?jwt=`)).toBe(true);
    expect(new URL(room.link).hash).toContain('config.recordingService.enabled=false');
    // The page may frame and load exactly the configured Jitsi host, and use the camera with it.
    const csp = cspOf(open);
    expect(csp['frame-src']).toEqual(["'self'", JITSI]);
    expect(csp['script-src']).toContain(JITSI);
    expect(open.headers['permissions-policy']).toContain(`camera=(self "${JITSI}")`);
    // Entering is logged, once however often the page is reloaded.
    await owner.get(`/kep/appointments/${soon.id}/call`);
    const joins = await portal.ctx.db('kep_call_joins').where({ appointment_id: soon.id });
    expect(joins.map((j: { role: string }) => j.role)).toEqual(['citizen']);

    // Someone else's appointment is not found, by its id or its state.
    expect((await other.get(`/kep/appointments/${soon.id}/call`)).status).toBe(404);
    expect((await other.get(`/kep/appointments/${soon.id}/call/state`)).status).toBe(404);
    // Other pages allow no Jitsi host and no camera.
    const kep = await owner.get('/kep');
    expect(cspOf(kep)['frame-src'] ?? []).not.toContain(JITSI);
    expect(kep.headers['permissions-policy']).toContain('camera=()');
  });

  it('says so when the call is over, cancelled, or the identity could not be confirmed', async () => {
    const over = await insertAppointment({ startsIn: -HOUR });
    expect(
      cheerio.load((await owner.get(`/kep/appointments/${over.id}/call`)).text)('#call-ended')
        .length,
    ).toBe(1);
    const cancelled = await insertAppointment({ startsIn: HOUR, status: 'cancelled' });
    const page = await owner.get(`/kep/appointments/${cancelled.id}/call`);
    expect(cheerio.load(page.text)('#call-cancelled').length).toBe(1);
    expect(roomOf(page.text)).toBeUndefined();

    const now = await insertAppointment({ startsIn: -2 * MINUTE });
    const consolePath = `/staff/kep/appointments/${now.id}`;
    const refused = await postForm(clerk.agent, consolePath, `${consolePath}/identity`, {
      result: 'not_confirmed',
      documentType: '',
      documentNumber: '',
      reason: 'The photo does not match the person on camera',
    });
    expect(refused.status).toBe(303);
    const state = await owner.get(`/kep/appointments/${now.id}/call/state`);
    expect(state.body).toEqual({
      stage: 'refused',
      audioOnly: false,
      reason: 'The photo does not match the person on camera',
    });
    const after = await owner.get(`/kep/appointments/${now.id}/call`);
    expect(cheerio.load(after.text)('#call-refused').text()).toContain('does not match');
    expect(roomOf(after.text)).toBeUndefined();
  });
});

describe('the clerk’s console', () => {
  it('embeds the room as its owner for the appointment’s clerk and managers, and 404s other clerks', async () => {
    const a = await insertAppointment({ startsIn: 5 * MINUTE });
    const path = `/staff/kep/appointments/${a.id}`;
    const page = await clerk.agent.get(path);
    expect(page.status).toBe(200);
    const room = roomOf(page.text)!;
    expect(room.role).toBe('clerk');
    const { payload } = await verify(room.options.jwt);
    expect(payload.context.user).toMatchObject({ affiliation: 'owner', lobby_bypass: true });
    expect(payload.room).toBe(a.room);
    expect(cspOf(page)['frame-src']).toEqual(["'self'", JITSI]);
    // A manager sees another clerk's console but never enters its room.
    const managed = await manager.agent.get(path);
    expect(managed.status).toBe(200);
    expect(roomOf(managed.text)).toBeUndefined();
    expect(cheerio.load(managed.text)('#call-not-yours').length).toBe(1);

    expect((await otherClerk.agent.get(path)).status).toBe(404);
    const refused = await postForm(otherClerk.agent, '/staff/kep', `${path}/identity`, {
      result: 'confirmed',
      documentType: 'identity_card',
      documentNumber: 'ΑΚ 123456',
    });
    expect(refused.status).toBe(404);
    expect(
      await portal.ctx.db('kep_calls').where({ appointment_id: a.id }).first(),
    ).toBeUndefined();
    // The schedule allows no Jitsi host.
    expect(cspOf(await clerk.agent.get('/staff/kep'))['frame-src'] ?? []).not.toContain(JITSI);
  });

  it('before the room opens says when it will, with no token', async () => {
    const a = await insertAppointment({ startsIn: 3 * HOUR });
    const page = await clerk.agent.get(`/staff/kep/appointments/${a.id}`);
    expect(roomOf(page.text)).toBeUndefined();
    expect(cheerio.load(page.text)('#call-early').length).toBe(1);
    const refused = await postForm(
      clerk.agent,
      `/staff/kep/appointments/${a.id}`,
      `/staff/kep/appointments/${a.id}/identity`,
      {
        result: 'confirmed',
        documentType: 'identity_card',
        documentNumber: 'ΑΚ 123456',
      },
    );
    expect(refused.status).toBe(409);
  });

  it('checks the identity form and says what is wrong next to each field, in Greek and English', async () => {
    const a = await insertAppointment({ startsIn: -MINUTE });
    const path = `/staff/kep/appointments/${a.id}`;
    const empty = await postForm(clerk.agent, path, `${path}/identity`, {
      result: '',
      documentType: '',
      documentNumber: '',
      reason: '',
    });
    expect(empty.status).toBe(400);
    const $ = cheerio.load(empty.text);
    expect($('#result-error').text()).toContain('επιβεβαιώθηκε');
    const confirmedWithout = await postForm(clerk.agent, path, `${path}/identity?lang=en`, {
      result: 'confirmed',
      documentType: 'driving_licence',
      documentNumber: '1',
    });
    expect(confirmedWithout.status).toBe(400);
    const en = cheerio.load(confirmedWithout.text);
    expect(en('#documentType-error').text()).toContain('Choose the document');
    expect(en('#documentNumber-error').text()).toContain('document number');
    const noReason = await postForm(clerk.agent, path, `${path}/identity?lang=en`, {
      result: 'not_confirmed',
      reason: 'no',
    });
    expect(cheerio.load(noReason.text)('#reason-error').text()).toContain('Write why');
    await clerk.agent.get('/staff/kep?lang=el');
    expect(
      await portal.ctx.db('kep_calls').where({ appointment_id: a.id }).first(),
    ).toBeUndefined();
  });

  it('a confirmed check verifies the account (channel video) with the TaxisNet AFM, audited; then sound only', async () => {
    const a = await insertAppointment({ startsIn: -MINUTE });
    const path = `/staff/kep/appointments/${a.id}`;
    const auditsBefore = (
      (await portal.ctx.db('audit_log').max('id as id').first()) as { id: number }
    ).id;
    const early = await postForm(clerk.agent, path, `${path}/audio-only`, {});
    expect(early.status).toBe(409);

    const done = await postForm(clerk.agent, path, `${path}/identity`, {
      result: 'confirmed',
      documentType: 'identity_card',
      documentNumber: 'ΑΚ 123456',
    });
    expect(done.status).toBe(303);
    const user = await portal.ctx.db('users').where({ id: ownerId }).first();
    expect(user.identity_channel).toBe('video');
    expect(user.afm).toBe(OWNER_AFM);
    const check = await portal.ctx.db('identity_checks').where({ user_id: ownerId }).first();
    expect(check).toMatchObject({ channel: 'video', clerk_id: clerk.id, afm: OWNER_AFM });
    expect(check.document_number_masked).not.toContain('123456');
    const call = await portal.ctx.db('kep_calls').where({ appointment_id: a.id }).first();
    expect(call).toMatchObject({ identity_result: 'confirmed', identity_account: 'verified' });
    expect(JSON.stringify(call)).not.toContain('123456');
    const audits = await portal.ctx
      .db('audit_log')
      .whereIn('action', ['identity.verified', 'kep.call_identity_checked'])
      .where('id', '>', auditsBefore)
      .orderBy('id');
    expect(audits.map((row: { action: string }) => row.action)).toEqual([
      'identity.verified',
      'kep.call_identity_checked',
    ]);
    const page = cheerio.load((await clerk.agent.get(path)).text);
    expect(page('#identity-account').text()).toContain('ταυτοποιημένος');

    // A second check of the same call is refused.
    const again = await postForm(clerk.agent, path, `${path}/identity`, {
      result: 'not_confirmed',
      reason: 'changed my mind',
    });
    expect(again.status).toBe(409);

    expect((await postForm(clerk.agent, path, `${path}/audio-only`, {})).status).toBe(303);
    const state = await owner.get(`/kep/appointments/${a.id}/call/state`);
    expect(state.body).toMatchObject({ stage: 'open', audioOnly: true });
    const console = cheerio.load((await clerk.agent.get(path)).text);
    expect(console('#audio-only-set').length).toBe(1);
    expect(console('#room').attr('data-audio-only')).toBeDefined();
    expect(
      await portal.ctx
        .db('audit_log')
        .where({ action: 'kep.call_audio_only' })
        .count('* as n')
        .first(),
    ).toMatchObject({ n: 1 });
  });

  it('marks nothing when another verified account holds the AFM, and tells the clerk', async () => {
    await createActiveUser(portal.ctx.db, `call-holder-${counter}`, {
      afm: OWNER_AFM,
      identity_verified_at: new Date(),
      identity_channel: 'counter',
    });
    const a = await insertAppointment({ startsIn: -MINUTE });
    const path = `/staff/kep/appointments/${a.id}`;
    const done = await postForm(clerk.agent, path, `${path}/identity`, {
      result: 'confirmed',
      documentType: 'passport',
      documentNumber: 'AB1234567',
    });
    expect(done.status).toBe(303);
    const user = await portal.ctx.db('users').where({ id: ownerId }).first();
    expect(user.identity_verified_at).toBeNull();
    expect(await portal.ctx.db('kep_calls').where({ appointment_id: a.id }).first()).toMatchObject({
      identity_result: 'confirmed',
      identity_account: 'afm_conflict',
    });
    const page = cheerio.load((await clerk.agent.get(`${path}?lang=en`)).text);
    expect(page('#identity-account').text()).toContain('visit a counter');
    await clerk.agent.get('/staff/kep?lang=el');
  });
});

describe('with VIDEO_CHECK_VERIFIES_IDENTITY=false', () => {
  let off: Portal;
  let offClerk: { agent: Agent; id: number };
  afterAll(() => off?.close());

  it('records the check for the call but leaves the account as it was', async () => {
    off = await listeningPortal({ VIDEO_CHECK_VERIFIES_IDENTITY: 'false' });
    offClerk = await signedInStaff(off.base, off.ctx.db, ['clerk']);
    const citizen = await createActiveUser(off.ctx.db, 'call-off', {
      taxisnet_afm: OWNER_AFM,
      taxisnet_linked_at: new Date(),
    });
    const area = (await off.ctx.db('kep_areas').first('id')) as { id: number };
    const row = await placeAppointment(off.ctx.db, {
      areaId: area.id,
      clerkId: offClerk.id,
      citizenId: citizen.id,
      afm: OWNER_AFM,
      start: new Date(Date.now() - MINUTE),
    });
    const path = `/staff/kep/appointments/${row.id}`;
    const page = await offClerk.agent.get(path);
    // With nothing set, development and tests use the stand-in on the portal itself.
    const room = roomOf(page.text)!;
    expect(room.options.scriptUrl).toBe(`${off.base}/dev/jitsi/external_api.js`);
    expect(cheerio.load(page.text)('#identity-setting').text()).toContain('δεν ταυτοποιεί');
    const done = await postForm(offClerk.agent, path, `${path}/identity`, {
      result: 'confirmed',
      documentType: 'identity_card',
      documentNumber: 'ΑΚ 123456',
    });
    expect(done.status).toBe(303);
    expect(
      (await off.ctx.db('users').where({ id: citizen.id }).first()).identity_verified_at,
    ).toBeNull();
    expect(await off.ctx.db('kep_calls').where({ appointment_id: row.id }).first()).toMatchObject({
      identity_result: 'confirmed',
      identity_account: 'setting_off',
    });

    // The stand-in checks the room's token as prosody would.
    const script = await off.agent().get('/dev/jitsi/external_api.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
    expect(script.text).toContain('JitsiMeetExternalAPI');
    const roomPage = await off.agent().get(new URL(room.link).pathname + new URL(room.link).search);
    expect(roomPage.status).toBe(200);
    expect(cheerio.load(roomPage.text)('#stand-in-as').text()).toContain('κάτοχος');
    expect(roomPage.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    const otherRoom = await off
      .agent()
      .get(`/dev/jitsi/another-room-entirely${new URL(room.link).search}`);
    expect(otherRoom.status).toBe(401);
    expect((await off.agent().get(`/dev/jitsi/${row.room}?jwt=forged`)).status).toBe(401);
  });

  it('makes a demo call that is open now, for trying the journey in development', async () => {
    const agent = off.agent();
    const none = await postForm(agent, '/dev/jitsi', '/dev/jitsi/demo-call', {});
    expect(none.status).toBe(409);
    expect(cheerio.load(none.text)('#demo-call-problem').text()).toContain('npm run seed');
    const citizen = await createActiveUser(off.ctx.db, 'demo-call-citizen', {
      username: 'demo.verified',
      taxisnet_afm: OTHER_AFM,
      taxisnet_linked_at: new Date(),
    });
    await createActiveUser(off.ctx.db, 'demo-call-clerk', {
      username: 'demo.clerk',
      roles: ['clerk'],
    });
    const made = await postForm(agent, '/dev/jitsi', '/dev/jitsi/demo-call', {});
    expect(made.status).toBe(200);
    const $ = cheerio.load(made.text);
    const callPath = $('#demo-call-citizen').attr('href')!;
    expect(callPath).toMatch(/^\/kep\/appointments\/\d+\/call$/);
    expect($('#demo-call-clerk').attr('href')).toMatch(/^\/staff\/kep\/appointments\/\d+$/);
    const row = await off.ctx.db('kep_appointments').where({ citizen_id: citizen.id }).first();
    expect(row.starts_at.getTime() - Date.now()).toBeLessThan(2 * MINUTE);
    const citizenAgent = off.agent();
    expect((await throughTaxisnet(citizenAgent, off.base, OTHER_AFM)).status).toBe(303);
    expect(roomOf((await citizenAgent.get(callPath)).text)?.role).toBe('citizen');
  });
});
