import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendDueReminders } from '../../src/features/kep/reminders.job.ts';
import { createActiveUser, drainMail } from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = new Date('2026-03-02T07:00:00Z');
let now = START;
const clock = { now: () => now };

let ctx: TestContext;
let areaId: number;
let clerkId: number;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock });
  areaId = ((await ctx.db('kep_areas').where({ slug: 'municipal' }).first('id')) as { id: number })
    .id;
  clerkId = (await createActiveUser(ctx.db, 'kep-reminder-clerk', { roles: ['clerk'] })).id;
});

afterAll(async () => {
  await ctx.close();
});

beforeEach(async () => {
  now = START;
  await ctx.db.raw(
    'TRUNCATE kep_mail_files, kep_manage_tokens, kep_documents, kep_appointments CASCADE',
  );
  await drainMail(ctx.deps);
});

let counter = 0;
/** An appointment straight in the table, starting `startsIn` after now, booked `bookedAgo` before. */
async function appointment(
  email: string,
  startsIn: number,
  options: { bookedAgo?: number; status?: string; firstSent?: boolean } = {},
): Promise<number> {
  counter += 1;
  const start = now.getTime() + startsIn;
  const status = options.status ?? 'booked';
  const created = new Date(now.getTime() - (options.bookedAgo ?? 3 * 24 * HOUR));
  const { rows } = (await ctx.db.raw(
    `INSERT INTO kep_appointments (reference, area_id, clerk_id, afm, full_name, email, starts_at,
       ends_at, buffered, status, room, cancelled_at, created_at, updated_at, first_reminder_at)
     VALUES (?, ?, ?, '135724681', 'Ειρήνη Σταυρακάκη', ?, ?, ?, tstzrange(?, ?), ?, ?,
       CASE WHEN ? = 'cancelled' THEN now() END, ?, ?, ?)
     RETURNING id`,
    [
      `ΚΕΠ-2026-${String(800_000 + counter).padStart(6, '0')}`,
      areaId,
      clerkId,
      email,
      new Date(start),
      new Date(start + 20 * MINUTE),
      new Date(start),
      new Date(start + 25 * MINUTE),
      status,
      `kep-reminder-room-${counter}-padding`,
      status,
      created,
      created,
      options.firstSent ? created : null,
    ],
  )) as { rows: { id: number }[] };
  return rows[0]!.id;
}

/** How many mails went to each address. */
async function mailsByRecipient(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const mail of await drainMail(ctx.deps)) counts[mail.to] = (counts[mail.to] ?? 0) + 1;
  return counts;
}

const recipient = (counts: Record<string, number>, email: string) =>
  Object.entries(counts)
    .filter(([to]) => to.includes(email))
    .reduce((sum, [, n]) => sum + n, 0);

describe('ΚΕΠ reminders', () => {
  it('sends each due reminder once, even with two runs at once and a run after', async () => {
    const tomorrow = await appointment('tomorrow@example.gr', 23 * HOUR);
    const soon = await appointment('soon@example.gr', 20 * MINUTE, { firstSent: true });
    await appointment('cancelled@example.gr', 23 * HOUR, { status: 'cancelled' });
    const late = await appointment('late@example.gr', 10 * HOUR, { bookedAgo: HOUR });
    await appointment('later@example.gr', 3 * 24 * HOUR);
    await appointment('past@example.gr', -HOUR);

    await Promise.all([sendDueReminders(ctx.deps), sendDueReminders(ctx.deps)]);
    await sendDueReminders(ctx.deps);
    const counts = await mailsByRecipient();
    expect(recipient(counts, 'tomorrow@')).toBe(1);
    expect(recipient(counts, 'soon@')).toBe(1);
    expect(recipient(counts, 'cancelled@')).toBe(0);
    expect(recipient(counts, 'late@')).toBe(0);
    expect(recipient(counts, 'later@')).toBe(0);
    expect(recipient(counts, 'past@')).toBe(0);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(2);

    const marks = (await ctx
      .db('kep_appointments')
      .whereIn('id', [tomorrow, soon, late])
      .orderBy('id')
      .select('first_reminder_at', 'second_reminder_at')) as {
      first_reminder_at: Date | null;
      second_reminder_at: Date | null;
    }[];
    // The late booking is marked (not looked at again) although it got no mail.
    expect(marks.map((m) => [Boolean(m.first_reminder_at), Boolean(m.second_reminder_at)])).toEqual(
      [
        [true, false],
        [true, true],
        [true, false],
      ],
    );
  });

  it('sends the second reminder when its time comes, once', async () => {
    await appointment('two@example.gr', 23 * HOUR);
    await sendDueReminders(ctx.deps);
    expect(recipient(await mailsByRecipient(), 'two@')).toBe(1);
    now = new Date(START.getTime() + 22 * HOUR + 35 * MINUTE); // 25 minutes before
    await Promise.all([sendDueReminders(ctx.deps), sendDueReminders(ctx.deps)]);
    expect(recipient(await mailsByRecipient(), 'two@')).toBe(1);
    now = new Date(START.getTime() + 22 * HOUR + 50 * MINUTE);
    await sendDueReminders(ctx.deps);
    expect(recipient(await mailsByRecipient(), 'two@')).toBe(0);
  });

  it('sends one reminder, not two, for a booking the job reaches only inside the last half hour', async () => {
    await appointment('missed@example.gr', 20 * MINUTE);
    await sendDueReminders(ctx.deps);
    expect(recipient(await mailsByRecipient(), 'missed@')).toBe(1);
  });

  it('gives a booking made two hours ahead only the second reminder', async () => {
    await appointment('short@example.gr', 2 * HOUR, { bookedAgo: 0 });
    await sendDueReminders(ctx.deps);
    expect(recipient(await mailsByRecipient(), 'short@')).toBe(0);
    now = new Date(START.getTime() + 95 * MINUTE); // 25 minutes before
    await Promise.all([sendDueReminders(ctx.deps), sendDueReminders(ctx.deps)]);
    await sendDueReminders(ctx.deps);
    expect(recipient(await mailsByRecipient(), 'short@')).toBe(1);
  });
});
