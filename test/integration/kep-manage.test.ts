import * as cheerio from 'cheerio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kepAccountSummary } from '../../src/features/kep/manage.routes.ts';
import type { ModuleContext } from '../../src/features/module.ts';
import type { UserRow } from '../../src/features/accounts/users.repository.ts';
import { TEST_TAXPAYERS } from '../../src/features/taxisnet/dev/taxpayers.ts';
import { athensDateTime } from '../../src/lib/format.ts';
import { newToken } from '../../src/lib/tokens.ts';
import { createActiveUser, drainMail, postForm, type Agent } from '../helpers/accounts.ts';
import { listeningPortal, throughTaxisnet } from '../helpers/taxisnet.ts';

type Portal = Awaited<ReturnType<typeof listeningPortal>>;

const [, OWNER_AFM, OTHER_AFM] = TEST_TAXPAYERS.map((t) => t.taxid.trim()) as [
  string,
  string,
  string,
];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let portal: Portal;
let areaId: number;
let clerks: number[];
let ownerId: number;
let owner: Agent;
let other: Agent;

beforeAll(async () => {
  portal = await listeningPortal();
  const db = portal.ctx.db;
  areaId = (
    (await db('kep_areas').where({ slug: 'information-applications' }).first('id')) as {
      id: number;
    }
  ).id;
  clerks = [];
  for (const n of ['kep-manage-clerk-1', 'kep-manage-clerk-2']) {
    const { id } = await createActiveUser(db, n, { roles: ['clerk'] });
    await db('kep_clerk_areas').insert({ clerk_id: id, area_id: areaId });
    // Every day, long hours: free times exist whenever the test runs (holidays aside).
    await db('kep_clerk_hours').insert(
      [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
        clerk_id: id,
        weekday,
        starts: '07:00',
        ends: '21:00',
      })),
    );
    clerks.push(id);
  }
  ownerId = (
    await createActiveUser(db, 'kep-owner', {
      taxisnet_afm: OWNER_AFM,
      taxisnet_linked_at: new Date(),
    })
  ).id;
  await createActiveUser(db, 'kep-other', {
    taxisnet_afm: OTHER_AFM,
    taxisnet_linked_at: new Date(),
  });
  owner = portal.agent();
  other = portal.agent();
  for (const [agent, afm] of [
    [owner, OWNER_AFM],
    [other, OTHER_AFM],
  ] as const) {
    const back = await throughTaxisnet(agent, portal.base, afm);
    expect(back.status).toBe(303);
  }
});

afterAll(() => portal.close());

beforeEach(async () => {
  await portal.ctx.db.raw(
    'TRUNCATE kep_mail_files, kep_manage_tokens, kep_documents, kep_appointments CASCADE',
  );
  await drainMail(portal.ctx.deps);
});

let counter = 0;
/** An appointment straight in the table: 20 minutes and a 5-minute buffer, from `startsIn` ms on. */
async function insertAppointment(
  options: { afm?: string; startsIn?: number; clerkId?: number; status?: string } = {},
) {
  counter += 1;
  const start = Date.now() + (options.startsIn ?? 3 * 24 * HOUR + counter * 30 * MINUTE);
  const at = (ms: number) => new Date(ms);
  const status = options.status ?? 'booked';
  const [row] = (
    await portal.ctx.db.raw(
      `INSERT INTO kep_appointments (reference, area_id, clerk_id, citizen_id, afm, full_name, email,
       starts_at, ends_at, buffered, status, room, cancelled_at, lang)
     VALUES (?, ?, ?, ?, ?, 'Ειρήνη Σταυρακάκη', ?, ?, ?, tstzrange(?, ?), ?, ?,
       CASE WHEN ? = 'cancelled' THEN now() END, 'el')
     RETURNING id`,
      [
        `ΚΕΠ-2026-${String(900_000 + counter).padStart(6, '0')}`,
        areaId,
        options.clerkId ?? clerks[0]!,
        options.afm === OWNER_AFM || !options.afm ? ownerId : null,
        options.afm ?? OWNER_AFM,
        `citizen.${counter}@example.gr`,
        at(start),
        at(start + 20 * MINUTE),
        at(start),
        at(start + 25 * MINUTE),
        status,
        `kep-test-room-${counter}-padding-padding`,
        status,
      ],
    )
  ).rows as { id: number }[];
  return row!.id;
}

async function manageToken(appointmentId: number): Promise<string> {
  const { token, hash } = newToken();
  await portal.ctx
    .db('kep_manage_tokens')
    .insert({ token_hash: hash, appointment_id: appointmentId });
  return token;
}

const appointment = async (id: number) =>
  (await portal.ctx.db('kep_appointments').where({ id }).first()) as Record<string, unknown>;

describe('the citizen’s appointments', () => {
  it('lists the signed-in citizen’s own, coming first, and 404s another’s by its id', async () => {
    const past = await insertAppointment({ startsIn: -2 * 24 * HOUR });
    const coming = await insertAppointment();
    const theirs = await insertAppointment({ afm: OTHER_AFM });

    const list = await owner.get('/kep/appointments');
    expect(list.status).toBe(200);
    const $ = cheerio.load(list.text);
    expect(
      $('#coming-list [data-appointment]')
        .map((_i, el) => $(el).attr('data-appointment'))
        .get(),
    ).toEqual([String(coming)]);
    expect(
      $('#past-list [data-appointment]')
        .map((_i, el) => $(el).attr('data-appointment'))
        .get(),
    ).toEqual([String(past)]);
    expect(list.text).not.toContain(`data-appointment="${theirs}"`);

    const own = await owner.get(`/kep/appointments/${coming}`);
    expect(own.status).toBe(200);
    expect(cheerio.load(own.text)('#book-again').attr('href')).toBe(`/kep/book?again=${coming}`);
    expect((await other.get(`/kep/appointments/${coming}`)).status).toBe(404);
    expect((await other.get(`/kep/appointments/${coming}/call`)).status).toBe(404);
    expect((await other.get(`/kep/appointments/${coming}/cancel`)).status).toBe(404);
    expect((await owner.get('/kep/appointments/abc')).status).toBe(404);
    expect((await owner.get(`/kep/appointments/${theirs}`)).status).toBe(404);
  });

  it('sends an anonymous visitor to TaxisNet', async () => {
    const res = await portal.agent().get('/kep/appointments');
    expect(res.status).toBe(303);
    expect(res.headers.location).toContain('/auth/taxisnet');
  });

  it('says on the call page when the call opens, then where it will be', async () => {
    const later = await insertAppointment({ startsIn: 2 * HOUR });
    const row = await appointment(later);
    const opens = athensDateTime(new Date((row.starts_at as Date).getTime() - 10 * MINUTE)).slice(
      11,
      16,
    );
    const waiting = cheerio.load((await owner.get(`/kep/appointments/${later}/call`)).text);
    expect(waiting('#call-opens').attr('data-opens')).toBe(opens);
    expect(waiting('#call-opens').text()).toContain(opens);

    const soon = await insertAppointment({ startsIn: 5 * MINUTE });
    const open = await owner.get(`/kep/appointments/${soon}/call`);
    const room = cheerio.load(open.text)('#room');
    expect(room.attr('data-role')).toBe('citizen');
    expect(room.find('#room-link').attr('href')).toContain('/kep-test-room');

    const over = await insertAppointment({ startsIn: -HOUR });
    expect(
      cheerio.load((await owner.get(`/kep/appointments/${over}/call`)).text)('#call-ended').length,
    ).toBe(1);
    const cancelled = await insertAppointment({ status: 'cancelled' });
    expect(
      cheerio.load((await owner.get(`/kep/appointments/${cancelled}/call`)).text)('#call-cancelled')
        .length,
    ).toBe(1);
  });

  it('counts the coming appointments on the account page', async () => {
    const user = (await portal.ctx.db('users').where({ id: ownerId }).first()) as UserRow;
    const ctx = { deps: portal.ctx.deps } as unknown as ModuleContext;
    const req = {} as never;
    expect(await kepAccountSummary(ctx, user, req)).toBeUndefined();
    await insertAppointment();
    await insertAppointment();
    await insertAppointment({ status: 'cancelled' });
    expect(await kepAccountSummary(ctx, user, req)).toEqual({
      textKey: 'kep.manage.account.coming',
      params: { count: 2 },
      href: '/kep/appointments',
    });
    const account = await owner.get('/account');
    expect(account.text).toContain('/kep/appointments');
    expect(await kepAccountSummary(ctx, { ...user, roles: ['clerk'] }, req)).toBeUndefined();
  });
});

describe('the manage link', () => {
  it('shows the booking on GET, cancels only on POST, with a reason', async () => {
    const id = await insertAppointment();
    const token = await manageToken(id);
    const agent = portal.agent();
    const page = await agent.get(`/kep/manage/${token}`);
    expect(page.status).toBe(200);
    expect(cheerio.load(page.text)('#status').attr('data-state')).toBe('booked');
    const form = await agent.get(`/kep/manage/${token}/cancel`);
    expect(form.status).toBe(200);
    expect((await appointment(id)).status).toBe('booked');

    const empty = await postForm(
      agent,
      `/kep/manage/${token}/cancel`,
      `/kep/manage/${token}/cancel`,
      {
        reason: '   ',
      },
    );
    expect(empty.status).toBe(400);
    expect(cheerio.load(empty.text)('#reason-error').text()).toContain('Γράψτε');
    expect((await appointment(id)).status).toBe('booked');

    const done = await postForm(
      agent,
      `/kep/manage/${token}/cancel`,
      `/kep/manage/${token}/cancel`,
      {
        reason: 'Βρήκα τα έγγραφα αλλού',
      },
    );
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/kep/manage/${token}`);
    expect(await appointment(id)).toMatchObject({
      status: 'cancelled',
      cancelled_by: 'citizen',
      cancel_reason: 'Βρήκα τα έγγραφα αλλού',
    });
    const mails = await drainMail(portal.ctx.deps);
    expect(mails.filter((m) => m.to.includes(`citizen.${counter}@`))).toHaveLength(1);
    const after = cheerio.load((await agent.get(`/kep/manage/${token}`)).text);
    expect(after('#status').attr('data-state')).toBe('cancelled');
    expect(after('#cancel').length).toBe(0);
  });

  it('is a 404 for an unknown token', async () => {
    expect((await portal.agent().get('/kep/manage/not-a-real-token-at-all-1234')).status).toBe(404);
    expect((await portal.agent().get('/kep/manage/x')).status).toBe(404);
  });

  it('refuses to cancel once the appointment has started', async () => {
    const id = await insertAppointment({ startsIn: -5 * MINUTE });
    const token = await manageToken(id);
    const agent = portal.agent();
    const page = await agent.get(`/kep/manage/${token}`);
    expect(cheerio.load(page.text)('#cancel').length).toBe(0);
    expect((await agent.get(`/kep/manage/${token}/cancel`)).status).toBe(409);
    // A form opened before the start, sent after it.
    const earlier = await manageToken(await insertAppointment());
    const res = await postForm(
      agent,
      `/kep/manage/${earlier}/cancel`,
      `/kep/manage/${token}/cancel`,
      {
        reason: 'αργά',
      },
    );
    expect(res.status).toBe(409);
    expect(cheerio.load(res.text)('#refused').length).toBe(1);
    expect((await appointment(id)).status).toBe('booked');
  });

  it('reschedules with the same clerk when free, keeping the old row as rescheduled', async () => {
    // The second clerk: with no preference the first (fewest appointments, lowest id) would be chosen.
    const id = await insertAppointment({ clerkId: clerks[1] });
    const token = await manageToken(id);
    const agent = portal.agent();
    const days = cheerio.load((await agent.get(`/kep/manage/${token}/reschedule`)).text);
    const dayHref = days('#days a').first().attr('href')!;
    expect(dayHref).toMatch(/\/reschedule\?day=\d{4}-\d{2}-\d{2}$/);
    const times = cheerio.load((await agent.get(dayHref)).text);
    const start = times('#times input[name="start"]').first().attr('value')!;
    expect(start).toBeTruthy();
    expect((await appointment(id)).status).toBe('booked');

    const missing = await postForm(agent, dayHref, `/kep/manage/${token}/reschedule`, {});
    expect(missing.status).toBe(400);
    expect(cheerio.load(missing.text)('#start-error').length).toBe(1);

    const moved = await postForm(agent, dayHref, `/kep/manage/${token}/reschedule`, { start });
    expect(moved.status).toBe(303);
    const old = await appointment(id);
    expect(old.status).toBe('rescheduled');
    const fresh = await appointment(old.rescheduled_to as number);
    expect(fresh).toMatchObject({ status: 'booked', clerk_id: clerks[1], afm: OWNER_AFM });
    expect((fresh.starts_at as Date).toISOString()).toBe(start);
    const mails = await drainMail(portal.ctx.deps);
    expect(mails.filter((m) => m.to.includes(`citizen.${counter}@`))).toHaveLength(1);

    const page = cheerio.load((await agent.get(`/kep/manage/${token}`)).text);
    expect(page('#status').attr('data-state')).toBe('rescheduled');
    expect(page('#moved').text()).toContain(athensDateTime(fresh.starts_at as Date).slice(11, 16));
    // The owner is linked to the new one.
    const own = cheerio.load((await owner.get(`/kep/appointments/${id}`)).text);
    expect(own('#moved-link').attr('href')).toBe(`/kep/appointments/${fresh.id as number}`);
  });

  it('answers a time edited into the form with a message, not a 5xx', async () => {
    const id = await insertAppointment();
    const token = await manageToken(id);
    const agent = portal.agent();
    const days = cheerio.load((await agent.get(`/kep/manage/${token}/reschedule`)).text);
    const res = await postForm(
      agent,
      days('#days a').first().attr('href')!,
      `/kep/manage/${token}/reschedule`,
      {
        start: new Date(Date.now() + 5 * 24 * HOUR + 7 * MINUTE)
          .toISOString()
          .replace(/\.\d{3}Z$/, '.123Z'),
      },
    );
    expect(res.status).toBe(409);
    expect(cheerio.load(res.text)('#problem').length).toBe(1);
    expect((await appointment(id)).status).toBe('booked');
  });
});

describe('the signed-in owner’s actions', () => {
  it('cancels from /kep/appointments/:id', async () => {
    const id = await insertAppointment();
    const res = await postForm(
      owner,
      `/kep/appointments/${id}/cancel`,
      `/kep/appointments/${id}/cancel`,
      {
        reason: 'Δεν το χρειάζομαι πια',
      },
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/kep/appointments/${id}`);
    expect((await appointment(id)).status).toBe('cancelled');
    const theirs = await insertAppointment({ afm: OTHER_AFM });
    const refused = await postForm(
      owner,
      `/kep/appointments/${id}`,
      `/kep/appointments/${theirs}/cancel`,
      {
        reason: 'x',
      },
    );
    expect(refused.status).toBe(404);
    expect((await appointment(theirs)).status).toBe('booked');
  });
});

describe('in English too', () => {
  it('renders every page of an appointment in English, with no key left untranslated', async () => {
    const coming = await insertAppointment();
    const soon = await insertAppointment({ startsIn: 5 * MINUTE });
    const over = await insertAppointment({ startsIn: -HOUR });
    const cancelled = await insertAppointment({ status: 'cancelled' });
    const token = await manageToken(coming);
    const pages = [
      '/kep/appointments',
      `/kep/appointments/${coming}`,
      `/kep/appointments/${coming}/call`,
      `/kep/appointments/${soon}/call`,
      `/kep/appointments/${over}/call`,
      `/kep/appointments/${cancelled}`,
      `/kep/appointments/${cancelled}/call`,
      `/kep/appointments/${coming}/cancel`,
      `/kep/appointments/${coming}/reschedule`,
    ];
    try {
      for (const path of pages) {
        const res = await owner.get(`${path}?lang=en`);
        expect(res.status, path).toBe(200);
        expect(res.text, path).toContain('<html lang="en"');
        expect(res.text, path).not.toMatch(/kep\.manage\./);
      }
      const days = cheerio.load((await owner.get(`/kep/appointments/${coming}/reschedule`)).text);
      const dayHref = days('#days a').first().attr('href')!;
      const times = await owner.get(dayHref);
      expect(times.status).toBe(200);
      expect(times.text).not.toMatch(/kep\.manage\./);
      const missing = await postForm(owner, dayHref, `/kep/appointments/${coming}/reschedule`, {});
      expect(missing.status).toBe(400);
      expect(cheerio.load(missing.text)('#start-error').text()).toContain('Choose a time');
    } finally {
      await owner.get('/kep/appointments?lang=el');
    }

    const visitor = portal.agent();
    const page = await visitor.get(`/kep/manage/${token}?lang=en`);
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/kep\.manage\./);
    const empty = await postForm(
      visitor,
      `/kep/manage/${token}/cancel`,
      `/kep/manage/${token}/cancel`,
      {
        reason: '',
      },
    );
    expect(empty.status).toBe(400);
    expect(cheerio.load(empty.text)('#reason-error').text()).toContain('Write why');
    const long = await postForm(
      visitor,
      `/kep/manage/${token}/cancel`,
      `/kep/manage/${token}/cancel`,
      {
        reason: 'x'.repeat(1001),
      },
    );
    expect(long.status).toBe(400);
    expect(cheerio.load(long.text)('#reason-error').text()).toContain('1000');
    // What was typed stays in the box.
    expect(cheerio.load(long.text)('#reason').text()).toHaveLength(1001);
    expect((await appointment(coming)).status).toBe('booked');
  });
});
