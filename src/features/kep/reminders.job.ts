import type { Knex } from 'knex';
import type { Deps } from '../../deps.ts';
import { sendAppointmentMail } from './kep.mail.ts';
import { readKepSettings } from './kep.settings.ts';

/** The first key of the job's advisory lock: this module's own key space (booking uses 1701). */
const REMINDERS_LOCK_CLASS = 1702;

type ReminderColumn = 'first_reminder_at' | 'second_reminder_at';

/**
 * Enqueues each reminder that is due, once: the mark and the mail are written in one
 * transaction, and the UPDATE that writes the mark is what claims the appointment (a second run
 * at the same moment waits on the rows, then finds them marked), so two workers and a restart
 * still send one mail per reminder. An appointment booked closer to its start than a reminder's
 * lead time is marked without a mail: its confirmation has just said the same thing.
 */
export async function sendDueReminders(deps: Deps): Promise<void> {
  const settings = await readKepSettings(deps);
  const now = deps.clock.now();
  await deps.db.transaction(async (trx) => {
    // One run at a time; the marks alone would do, but runs queued behind this wait, not race.
    await trx.raw('SELECT pg_advisory_xact_lock(?::int, 0)', [REMINDERS_LOCK_CLASS]);
    const second = await claimDue(trx, 'second_reminder_at', settings.secondReminderMinutes, now);
    const first = await claimDue(trx, 'first_reminder_at', settings.firstReminderMinutes, now);
    // One already in the second reminder's window (the job was down) gets that one only.
    const claimedSecond = new Set(second.map((row) => row.id));
    const due = [
      ...second.filter((row) => row.remind),
      ...first.filter((row) => row.remind && !claimedSecond.has(row.id)),
    ];
    for (const { id } of due) await sendAppointmentMail(deps, trx, id, 'reminder');
  });
}

/** Marks the reminders of this kind now due; `remind`: whether it gets a mail. */
async function claimDue(
  trx: Knex.Transaction,
  column: ReminderColumn,
  minutes: number,
  now: Date,
): Promise<{ id: number; remind: boolean }[]> {
  const { rows } = (await trx.raw(
    `UPDATE kep_appointments SET ${column} = ?
     WHERE status = 'booked' AND ${column} IS NULL
       AND starts_at > ?::timestamptz AND starts_at <= ?::timestamptz + make_interval(mins => ?::int)
     RETURNING id, created_at <= starts_at - make_interval(mins => ?::int) AS remind`,
    [now, now, now, minutes, minutes],
  )) as { rows: { id: number; remind: boolean }[] };
  return rows;
}
