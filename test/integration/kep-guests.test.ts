import * as cheerio from 'cheerio';
import { jwtVerify, type JWTPayload } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jitsiSettingsOf } from '../../src/features/kep/call/jitsi.config.ts';
import type { OutgoingMail } from '../../src/features/mail/mail-queue.ts';
import { hashToken } from '../../src/lib/tokens.ts';
import { drainMail, linkIn, newAgent, postForm, type Agent } from '../helpers/accounts.ts';
import { placeAppointment } from '../helpers/kep.ts';
import { afmFrom, signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const NOW = new Date('2026-03-02T07:00:00Z'); // Monday 09:00 in Athens
// The app's clock stays here (sessions are judged by it): appointments are placed around it.
const clock = { now: () => NOW };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const JITSI = 'https://meet.example.gov.gr';

interface CallClaims extends JWTPayload {
  room: string;
  context: {
    user: { id: string; name: string; email: string; affiliation: string; lobby_bypass?: boolean };
    features: Record<string, boolean>;
  };
}

let ctx: TestContext;
let areaId: number;
let clerk: { agent: Agent; id: number };
let otherClerk: { agent: Agent; id: number };
let manager: { agent: Agent; id: number };

beforeAll(async () => {
  ctx = await createTestContext(
    {
      JITSI_BASE_URL: JITSI,
      JITSI_APP_ID: 'dimos-portal',
      JITSI_APP_SECRET: 'a-test-secret-of-the-jitsi-server-0123456789',
    },
    { clock },
  );
  areaId = (
    (await ctx.db('kep_areas').where({ slug: 'information-applications' }).first('id')) as {
      id: number;
    }
  ).id;
  clerk = await signedInStaff(ctx.app, ctx.db, ['clerk']);
  otherClerk = await signedInStaff(ctx.app, ctx.db, ['clerk']);
  manager = await signedInStaff(ctx.app, ctx.db, ['clerk', 'kep_manager']);
});

afterAll(() => ctx.close());

beforeEach(async () => {
  await ctx.db.raw(
    "TRUNCATE kep_mail_files, kep_manage_tokens, kep_documents, kep_appointments CASCADE; DELETE FROM one_time_links WHERE purpose = 'kep_guest'",
  );
  await drainMail(ctx.deps);
});

let counter = 0;
/** A booked appointment of `clerk`, 20 minutes long, starting `startsIn` ms from the clock's now. */
async function anAppointment(options: { startsIn: number; status?: string; lang?: string }) {
  counter += 1;
  return placeAppointment(ctx.db, {
    areaId,
    clerkId: clerk.id,
    afm: afmFrom(String(41_000_000 + counter)),
    start: new Date(NOW.getTime() + options.startsIn),
    email: `guests.citizen.${counter}@example.gr`,
    ...(options.status ? { status: options.status } : {}),
    ...(options.lang ? { lang: options.lang } : {}),
  });
}

const consolePath = (id: number) => `/staff/kep/appointments/${id}`;

function invite(
  agent: Agent,
  id: number,
  fields: Partial<Record<'guest-name' | 'guest-email' | 'guest-relation', string>>,
  query = '',
) {
  return postForm(agent, consolePath(id), `${consolePath(id)}/guests${query}`, {
    'guest-name': 'Ελένη Μαρκάκη',
    'guest-email': 'eleni.interpreter@example.gr',
    'guest-relation': 'interpreter',
    ...fields,
  });
}

/** The one mail queued to `to`. */
async function mailTo(to: string): Promise<OutgoingMail> {
  const mails = (await drainMail(ctx.deps)).filter((mail) => mail.to === to);
  expect(mails).toHaveLength(1);
  return mails[0]!;
}

const verify = (jwt: string) =>
  jwtVerify<CallClaims>(jwt, new TextEncoder().encode(jitsiSettingsOf(ctx.deps.config).appSecret), {
    algorithms: ['HS256'],
    issuer: 'dimos-portal',
    audience: 'jitsi',
    currentDate: NOW,
  });

/** The room's embed options as the page gives them to its script. */
function roomOf(html: string) {
  const section = cheerio.load(html)('[data-kep-room]');
  if (!section.length) return undefined;
  return {
    role: section.attr('data-role'),
    options: JSON.parse(section.attr('data-options')!) as { room: string; jwt: string },
    link: section.find('#room-link').attr('href')!,
  };
}

const frameSrc = (res: { headers: Record<string, string> }) =>
  res.headers['content-security-policy']!.split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([name]) => name === 'frame-src')
    ?.slice(1) ?? [];

const auditsOf = (action: string, appointmentId: number) =>
  ctx
    .db('audit_log')
    .where({ action, entity_type: 'kep_appointment', entity_id: appointmentId })
    .select('actor_id', 'details');

describe('inviting a third person from the console', () => {
  it('lets the appointment’s clerk invite a helper by email, with a one-time link and no token in the mail', async () => {
    const a = await anAppointment({ startsIn: 2 * HOUR, lang: 'en' });
    const page = cheerio.load((await clerk.agent.get(consolePath(a.id))).text);
    expect(page('#guests[data-kep-swap] form[data-kep-console-form]').attr('action')).toBe(
      `${consolePath(a.id)}/guests`,
    );
    expect(page('#guests-none').length).toBe(1);

    const done = await invite(clerk.agent, a.id, {});
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`${consolePath(a.id)}#guests`);
    const guest = (await ctx.db('kep_call_guests').where({ appointment_id: a.id }).first()) as {
      id: number;
      name: string;
      email: string;
      relation: string;
      invited_by: number;
      token_issued_at: Date | null;
    };
    expect(guest).toMatchObject({
      name: 'Ελένη Μαρκάκη',
      email: 'eleni.interpreter@example.gr',
      relation: 'interpreter',
      invited_by: clerk.id,
      token_issued_at: null,
    });
    const audits = await auditsOf('kep.call_guest_invited', a.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor_id: clerk.id, details: { guestId: guest.id } });

    // The mail, in the language the citizen booked in: when, the lobby, nothing recorded, the link.
    const mail = await mailTo('eleni.interpreter@example.gr');
    expect(mail.subject).toContain('ΚΕΠ video call');
    expect(mail.text).toContain('as a sign-language interpreter');
    expect(mail.text).toContain('10:50'); // the room opens 10 minutes before 11:00 (Athens)
    expect(mail.text).toContain('lobby');
    expect(mail.text).toContain('Nothing of the call is recorded');
    expect(mail.text).toContain('works once');
    const path = linkIn(mail, '/kep/guest');
    expect(mail.html).toContain(path);
    for (const body of [mail.text, mail.html]) {
      expect(body.toLowerCase()).not.toContain('jwt');
      expect(body).not.toContain('eyJ');
    }
    // The link expires when the room closes: the end + 30 minutes.
    const link = (await ctx
      .db('one_time_links')
      .where({ token_hash: hashToken(path.split('/').pop()!) })
      .first()) as { purpose: string; data: { guestId: number }; expires_at: Date };
    expect(link.purpose).toBe('kep_guest');
    expect(link.data).toEqual({ guestId: guest.id });
    expect(link.expires_at.getTime()).toBe(a.endsAt.getTime() + 30 * MINUTE);

    // The panel lists the helper, not yet in the lobby: nothing to admit.
    const after = cheerio.load((await clerk.agent.get(consolePath(a.id))).text);
    expect(after('#guest-list li').attr('data-guest-state')).toBe('invited');
    expect(after('[data-kep-admit-name]').length).toBe(0);
    // A manager may invite too.
    expect(
      (
        await invite(manager.agent, a.id, {
          'guest-email': 'relative@example.gr',
          'guest-relation': 'relative',
        })
      ).status,
    ).toBe(303);
  });

  it('is not found for another clerk, who invites no one', async () => {
    const a = await anAppointment({ startsIn: 2 * HOUR });
    expect((await otherClerk.agent.get(consolePath(a.id))).status).toBe(404);
    const refused = await postForm(otherClerk.agent, '/staff/kep', `${consolePath(a.id)}/guests`, {
      'guest-name': 'Κάποιος',
      'guest-email': 'someone@example.gr',
      'guest-relation': 'other',
    });
    expect(refused.status).toBe(404);
    expect(await ctx.db('kep_call_guests').where({ appointment_id: a.id })).toEqual([]);
    expect(await drainMail(ctx.deps)).toEqual([]);
  });

  it('says what is wrong next to each field, in Greek and in English', async () => {
    const a = await anAppointment({ startsIn: 2 * HOUR });
    const empty = await invite(clerk.agent, a.id, {
      'guest-name': '',
      'guest-email': 'not-an-address',
      'guest-relation': 'friend',
    });
    expect(empty.status).toBe(400);
    const el = cheerio.load(empty.text);
    expect(el('.govuk-error-summary a[href="#guest-name"]').length).toBe(1);
    expect(el('#guest-name-error').text()).toContain('ονοματεπώνυμο');
    expect(el('#guest-email-error').text()).toContain('email');
    expect(el('#guest-relation-error').text()).toContain('Επιλέξτε');
    expect(el('#guest-email').val()).toBe('not-an-address');

    const en = cheerio.load(
      (await invite(clerk.agent, a.id, { 'guest-name': 'Ε', 'guest-relation': '' }, '?lang=en'))
        .text,
    );
    expect(en('#guest-name-error').text()).toContain('Enter the helper’s full name');
    expect(en('#guest-relation-error').text()).toContain('Choose who the helper is');
    expect(en('#guest-email-error').length).toBe(0);
    await clerk.agent.get('/staff/kep?lang=el');
    expect(await ctx.db('kep_call_guests').where({ appointment_id: a.id })).toEqual([]);
    expect(await drainMail(ctx.deps)).toEqual([]);
  });

  it('invites at most three helpers, each address once, and none once the call is over', async () => {
    const a = await anAppointment({ startsIn: 2 * HOUR });
    for (const n of [1, 2, 3])
      expect(
        (await invite(clerk.agent, a.id, { 'guest-email': `helper.${n}@example.gr` })).status,
      ).toBe(303);
    const page = cheerio.load((await clerk.agent.get(consolePath(a.id))).text);
    expect(page('#guest-list li').length).toBe(3);
    expect(page('#guests-full').length).toBe(1);
    expect(page(`form[action="${consolePath(a.id)}/guests"]`).length).toBe(0);
    const fourth = await postForm(clerk.agent, consolePath(a.id), `${consolePath(a.id)}/guests`, {
      'guest-name': 'Τέταρτος',
      'guest-email': 'helper.4@example.gr',
      'guest-relation': 'other',
    });
    expect(fourth.status).toBe(409);
    expect(cheerio.load(fourth.text)('#guests-error').text()).toContain('3');
    expect(await ctx.db('kep_call_guests').where({ appointment_id: a.id })).toHaveLength(3);

    const b = await anAppointment({ startsIn: 3 * HOUR });
    expect((await invite(clerk.agent, b.id, {})).status).toBe(303);
    const twice = await invite(clerk.agent, b.id, {
      'guest-email': 'ELENI.interpreter@example.gr',
    });
    expect(twice.status).toBe(400);
    expect(cheerio.load(twice.text)('#guest-email-error').text()).toContain('ήδη');

    const cancelled = await anAppointment({ startsIn: HOUR, status: 'cancelled' });
    const closed = await postForm(
      clerk.agent,
      consolePath(cancelled.id),
      `${consolePath(cancelled.id)}/guests`,
      {
        'guest-name': 'Ελένη Μαρκάκη',
        'guest-email': 'eleni@example.gr',
        'guest-relation': 'relative',
      },
    );
    expect(closed.status).toBe(409);
    expect(cheerio.load(closed.text)('#guests-closed').length).toBe(1);
    const over = await anAppointment({ startsIn: -2 * HOUR });
    expect(
      cheerio.load((await clerk.agent.get(consolePath(over.id))).text)('#guests-closed').length,
    ).toBe(1);
  });
});

describe('the invitation’s link', () => {
  /** An invited helper's link path, for an appointment starting `startsIn` from now. */
  async function invited(startsIn: number) {
    const a = await anAppointment({ startsIn });
    expect((await invite(clerk.agent, a.id, {})).status).toBe(303);
    const path = linkIn(await mailTo('eleni.interpreter@example.gr'), '/kep/guest');
    const guest = (await ctx.db('kep_call_guests').where({ appointment_id: a.id }).first()) as {
      id: number;
    };
    return { a, path, guestId: guest.id, tokenHash: hashToken(path.split('/').pop()!) };
  }

  it('shows the invitation on a look, gives a guest token for that room only on joining, in the lobby; a second visit elsewhere is 410', async () => {
    const { a, path, guestId, tokenHash } = await invited(5 * MINUTE);
    const helper = newAgent(ctx.app);
    // A look (a mail's link scanner too) shows the invitation and uses nothing.
    const look = await helper.get(path);
    expect(look.status).toBe(200);
    expect(roomOf(look.text)).toBeUndefined();
    expect(look.text).not.toContain('eyJ');
    expect(cheerio.load(look.text)('#guest-join').length).toBe(1);
    expect(
      (
        (await ctx.db('one_time_links').where({ token_hash: tokenHash }).first()) as {
          used_at: Date | null;
        }
      ).used_at,
    ).toBeNull();
    // Joining uses the link.
    const first = await postForm(helper, path, path.split('?')[0]!, {});
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    const $ = cheerio.load(first.text);
    expect($('#guest-lead').text()).toContain('Ελένη Μαρκάκη');
    expect($('#guest-steps').text()).toContain('αναμονής');
    expect($('#guest-not-recorded').text()).toContain('καταγράφεται');
    const room = roomOf(first.text)!;
    expect(room.role).toBe('guest');
    expect(room.options.room).toBe(a.room);
    // Without JavaScript: a plain link into the room.
    expect(room.link.startsWith(`${JITSI}/${a.room}?jwt=`)).toBe(true);
    const { payload } = await verify(room.options.jwt);
    expect(payload.room).toBe(a.room);
    expect(payload.context.user).toMatchObject({
      id: `guest-${guestId}`,
      name: 'Ελένη Μαρκάκη',
      email: 'eleni.interpreter@example.gr',
      affiliation: 'member',
    });
    expect(payload.context.user.lobby_bypass).toBeUndefined();
    expect(payload.nbf).toBe(a.startsAt.getTime() / 1000 - 10 * 60);
    expect(payload.exp).toBe(a.endsAt.getTime() / 1000 + 30 * 60);
    expect(payload.context.features).toMatchObject({ recording: false, transcription: false });
    // This page may frame the configured Jitsi host.
    expect(frameSrc(first)).toContain(JITSI);

    // The link is used, the token's issue recorded and the helper's entering logged.
    expect(
      (
        (await ctx.db('one_time_links').where({ token_hash: tokenHash }).first()) as {
          used_at: Date | null;
        }
      ).used_at,
    ).not.toBeNull();
    expect(
      (
        (await ctx.db('kep_call_guests').where({ id: guestId }).first()) as {
          token_issued_at: Date | null;
        }
      ).token_issued_at,
    ).toEqual(NOW);
    expect(
      await ctx
        .db('kep_call_joins')
        .where({ appointment_id: a.id, role: 'guest' })
        .select('role', 'guest_id'),
    ).toEqual([{ role: 'guest', guest_id: guestId }]);

    // Anyone else with the link (another device, a forwarded mail): 410, no token.
    const second = await newAgent(ctx.app).get(path);
    expect(second.status).toBe(410);
    expect(roomOf(second.text)).toBeUndefined();
    // It says where a new invitation comes from.
    expect(cheerio.load(second.text)('a[href="/kep/manual#help"]').length).toBe(1);
    expect(second.text).not.toContain('eyJ');
    // The browser that used it may come back (a reload, the other language) while the call is open.
    const back = await helper.get(`${path.split('?')[0]}?lang=en`);
    expect(back.status).toBe(200);
    expect(roomOf(back.text)!.options.room).toBe(a.room);
    expect(cheerio.load(back.text)('#guest-lead').text()).toContain(
      'as a sign-language interpreter',
    );
    await helper.get('/?lang=el');
  });

  it('before the room opens says when to come back and leaves the link unused', async () => {
    const { a, path, guestId, tokenHash } = await invited(2 * HOUR);
    const early = await newAgent(ctx.app).get(path);
    expect(early.status).toBe(200);
    const $ = cheerio.load(early.text);
    expect($('#guest-early').text()).toContain('10:50');
    expect($('#guest-expect').text()).toContain('αναμονής');
    expect(roomOf(early.text)).toBeUndefined();
    expect(early.text).not.toContain('eyJ');
    expect(frameSrc(early)).not.toContain(JITSI);
    expect(
      (
        (await ctx.db('one_time_links').where({ token_hash: tokenHash }).first()) as {
          used_at: Date | null;
        }
      ).used_at,
    ).toBeNull();
    expect(
      (
        (await ctx.db('kep_call_guests').where({ id: guestId }).first()) as {
          token_issued_at: Date | null;
        }
      ).token_issued_at,
    ).toBeNull();
    expect(await ctx.db('kep_call_joins').where({ appointment_id: a.id })).toEqual([]);

    // Once the room is open (the appointment moved up to start in 5 minutes), the link works.
    const start = new Date(NOW.getTime() + 5 * MINUTE);
    const end = new Date(NOW.getTime() + 25 * MINUTE);
    await ctx.db.raw(
      'UPDATE kep_appointments SET starts_at = ?, ends_at = ?, buffered = tstzrange(?, ?) WHERE id = ?',
      [start, end, start, new Date(end.getTime() + 10 * MINUTE), a.id],
    );
    const helper = newAgent(ctx.app);
    const open = await postForm(helper, path, path.split('?')[0]!, {});
    expect(open.status).toBe(200);
    expect(roomOf(open.text)!.options.room).toBe(a.room);
  });

  it('after a cancellation or the call’s end says why, with no token; an unknown link is 410', async () => {
    const { a, path } = await invited(5 * MINUTE);
    await ctx
      .db('kep_appointments')
      .where({ id: a.id })
      .update({ status: 'cancelled', cancelled_at: NOW });
    const cancelled = await newAgent(ctx.app).get(`${path.split('?')[0]}?lang=en`);
    expect(cancelled.status).toBe(410);
    expect(cheerio.load(cancelled.text)('#guest-cancelled').text()).toContain('cancelled');
    expect(roomOf(cancelled.text)).toBeUndefined();

    const ended = await invited(-10 * MINUTE);
    await ctx.db('kep_calls').insert({
      appointment_id: ended.a.id,
      outcome: 'served',
      outcome_at: NOW,
    });
    const over = await newAgent(ctx.app).get(ended.path);
    expect(over.status).toBe(410);
    expect(cheerio.load(over.text)('#guest-over').length).toBe(1);
    expect(roomOf(over.text)).toBeUndefined();

    expect(
      (await newAgent(ctx.app).get('/kep/guest/not-a-real-invitation-token-at-all')).status,
    ).toBe(410);
  });
});

describe('admitting a helper', () => {
  it('records and audits the admission once the helper opened the link; other clerks 404', async () => {
    const a = await anAppointment({ startsIn: 5 * MINUTE });
    expect((await invite(clerk.agent, a.id, {})).status).toBe(303);
    const path = linkIn(await mailTo('eleni.interpreter@example.gr'), '/kep/guest');
    const guest = (await ctx.db('kep_call_guests').where({ appointment_id: a.id }).first()) as {
      id: number;
    };
    const admitPath = `${consolePath(a.id)}/guests/${guest.id}/admit`;

    // Not in the lobby yet: nothing to admit.
    const tooSoon = await postForm(clerk.agent, consolePath(a.id), admitPath, {});
    expect(tooSoon.status).toBe(409);
    expect(cheerio.load(tooSoon.text)('#guests-error').text()).toContain('Ελένη Μαρκάκη');

    const helper = newAgent(ctx.app);
    expect((await postForm(helper, path, path.split('?')[0]!, {})).status).toBe(200);
    const page = cheerio.load((await clerk.agent.get(consolePath(a.id))).text);
    const item = page(`#guest-${guest.id}`);
    expect(item.attr('data-guest-state')).toBe('opened');
    expect(item.find('[data-guest-status]').text()).toContain('09:00');
    const button = item.find('button[data-kep-admit-name]');
    expect(button.attr('data-kep-admit-name')).toBe('Ελένη Μαρκάκη');
    expect(button.closest('form').attr('action')).toBe(admitPath);
    expect(button.closest('form').attr('data-kep-console-form')).toBeDefined();

    // Another clerk cannot admit (or see) them; a guest of another appointment is not found.
    expect((await postForm(otherClerk.agent, '/staff/kep', admitPath, {})).status).toBe(404);
    const b = await anAppointment({ startsIn: 2 * HOUR });
    expect(
      (
        await postForm(
          clerk.agent,
          consolePath(b.id),
          `${consolePath(b.id)}/guests/${guest.id}/admit`,
          {},
        )
      ).status,
    ).toBe(404);
    expect(await auditsOf('kep.call_guest_admitted', a.id)).toEqual([]);

    const admitted = await postForm(clerk.agent, consolePath(a.id), admitPath, {});
    expect(admitted.status).toBe(303);
    expect(
      (await ctx.db('kep_call_guests').where({ id: guest.id }).first()) as {
        admitted_at: Date;
        admitted_by: number;
      },
    ).toMatchObject({ admitted_at: NOW, admitted_by: clerk.id });
    const audits = await auditsOf('kep.call_guest_admitted', a.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor_id: clerk.id, details: { guestId: guest.id } });
    const after = cheerio.load((await clerk.agent.get(`${consolePath(a.id)}?lang=en`)).text);
    expect(after(`#guest-${guest.id}`).attr('data-guest-state')).toBe('admitted');
    expect(after(`#guest-${guest.id} [data-guest-status]`).text()).toContain('Admitted at 09:00');
    expect(after('[data-kep-admit-name]').length).toBe(0);
    await clerk.agent.get('/staff/kep?lang=el');
    // Once only.
    expect((await postForm(clerk.agent, consolePath(a.id), admitPath, {})).status).toBe(409);
    expect(await auditsOf('kep.call_guest_admitted', a.id)).toHaveLength(1);
  });
});
