/**
 * The municipality's SMTP server is away for a while (issue 20): every module that sends mail
 * queues some meanwhile (registration, a filed request, an issued certificate, an identity
 * check, a ΚΕΠ booking, a staff invitation, a fine's objection, accessibility feedback, an
 * Open311 report, a deletion and a data export). The worker keeps trying while nothing listens,
 * then while the server turns connections away (421), and once it accepts, every message arrives
 * exactly once, within a bounded time: none lost, none twice. (mail-delivery.test.ts covers one
 * activation mail through SMTP and its retry; this covers all of them, and duplicates.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/knex.ts';
import { startConfiguredMailWorker } from '../../src/features/mail/start-worker.ts';
import type { MailTransport } from '../../src/features/mail/transports.ts';
import { movableClock } from '../helpers/fines.ts';
import {
  MAIL_CLOCK_START,
  MAIL_TRIGGERS,
  modulesThatSendMail,
} from '../helpers/mail-from-every-module.ts';
import { startSmtpStandIn, type SmtpStandIn } from '../helpers/smtp-stand-in.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

/**
 * How long a message may wait for its next try after `failures` failed ones: pg-boss backs off
 * from MAIL_RETRY_DELAY_SECONDS (1 s here) at random between 2^n/2 and 2^n seconds (n = failures),
 * and the worker looks for mail every half second; plus a margin for a loaded machine.
 */
const nextTryWithinMs = (failures: number) => 2 ** failures * 1000 + 5000;

let ctx: TestContext;
let smtp: SmtpStandIn;
let transport: MailTransport | undefined;

beforeAll(async () => {
  // Nothing listens on its port yet: the server is down from the start.
  smtp = await startSmtpStandIn();
  ctx = await createTestContext(
    { SMTP_URL: smtp.url, MAIL_RETRY_DELAY_SECONDS: '1' },
    { clock: movableClock(MAIL_CLOCK_START) },
  );
});

afterAll(async () => {
  await ctx?.close();
  transport?.close();
  await smtp?.close();
});

interface MailJob {
  id: string;
  to: string;
  subject: string;
  state: string;
  retry_count: number;
}

async function mailJobs(db: Db): Promise<MailJob[]> {
  const result = (await db.raw(
    `SELECT id, data->>'to' AS "to", data->>'subject' AS subject, state, retry_count
     FROM pgboss.job WHERE name = 'mail' ORDER BY created_on, id`,
  )) as { rows: MailJob[] };
  return result.rows;
}

/** The messages queued since `before`, once at least `least` are and no more come for a moment. */
async function queuedSince(before: Set<string>, least: number): Promise<MailJob[]> {
  const deadline = Date.now() + 20_000;
  let last = -1;
  for (;;) {
    const fresh = (await mailJobs(ctx.db)).filter((job) => !before.has(job.id));
    if (fresh.length >= least && fresh.length === last) return fresh;
    if (Date.now() > deadline) return fresh;
    last = fresh.length;
    await sleep(400);
  }
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(200);
  }
}

const asKeys = (list: { to: string; subject: string }[]) =>
  list.map((mail) => `${mail.to} | ${mail.subject}`).sort();

describe('mail while the SMTP server is down', () => {
  it('has a way to make every module that sends mail send some', () => {
    expect(Object.keys(MAIL_TRIGGERS).sort()).toEqual(modulesThatSendMail());
  });

  it('keeps every module’s mail and delivers each message exactly once when the server is back', async () => {
    const byModule = new Map<string, MailJob[]>();
    for (const [module, trigger] of Object.entries(MAIL_TRIGGERS)) {
      const before = new Set((await mailJobs(ctx.db)).map((job) => job.id));
      await trigger.run(ctx);
      byModule.set(module, await queuedSince(before, trigger.mails));
    }
    for (const [module, trigger] of Object.entries(MAIL_TRIGGERS))
      expect(byModule.get(module)!.length, module).toBeGreaterThanOrEqual(trigger.mails);
    const queued = [...byModule.values()].flat();
    const ids = new Set(queued.map((job) => job.id));
    const ours = async () => (await mailJobs(ctx.db)).filter((job) => ids.has(job.id));

    // The worker starts with the server down (connections refused; the mail was queued before,
    // so the outage is as long for every message): each one is tried and put back, again.
    transport = await startConfiguredMailWorker(ctx.deps, ctx.services);
    await until(
      'every message was tried twice',
      async () => (await ours()).every((job) => job.state === 'retry' && job.retry_count >= 1),
      30_000,
    );
    // Up but busy: connections turned away with 421.
    await smtp.refuse();
    await until('the server turned the worker away', () => smtp.refused() >= 1, 20_000);
    const waiting = await ours();
    // Still waiting for a try (or in one): none sent, none given up on.
    expect(waiting.filter((job) => !['retry', 'active'].includes(job.state))).toEqual([]);
    expect(smtp.inbox).toEqual([]);

    const failures = Math.max(...(await ours()).map((job) => job.retry_count)) + 1;
    // A try under way as the server comes back may still fail once more.
    const bound = nextTryWithinMs(failures + 1);
    const back = performance.now();
    await smtp.accept();
    await until(
      'every message was sent',
      async () =>
        smtp.inbox.length >= queued.length &&
        (await ours()).every((job) => job.state === 'completed'),
      bound,
    );
    const deliveredMs = Math.max(...smtp.inbox.map((mail) => mail.at)) - back;
    // Every job is completed, so none waits for another try; a moment for a send still under way.
    await sleep(3000);

    console.info(
      `SMTP outage: ${queued.length} messages from ${byModule.size} modules ` +
        `(${[...byModule].map(([m, jobs]) => `${m} ${jobs.length}`).join(', ')}); ` +
        `tried up to ${failures} times while down, turned away ${smtp.refused()} time(s); ` +
        `all delivered ${Math.round(deliveredMs)} ms after the server accepted (bound ${bound} ms)`,
    );
    expect(asKeys(smtp.inbox)).toEqual(asKeys(queued));
    expect(deliveredMs).toBeLessThan(bound);
    // Attachments read from the document store when sent, after the outage: the certificate's
    // PDF and the appointment's calendar entry.
    const raw = smtp.inbox.map((mail) => mail.raw).join('\n');
    expect(raw).toMatch(/Content-Type: application\/pdf/i);
    expect(raw).toMatch(/Content-Type: text\/calendar/i);
  }, 120_000);
});
