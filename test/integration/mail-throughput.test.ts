/**
 * Issue 8, item 7: the mail worker keeps up (20+ mails a second to a local SMTP server), an
 * activation is never queued behind bulk mail, a link's validity counts from when its mail is
 * sent, and one account cannot make the portal send more than 5 account mails an hour.
 */
import * as cheerio from 'cheerio';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { startConfiguredMailWorker } from '../../src/features/mail/start-worker.ts';
import type { OutgoingMail } from '../../src/features/mail/mail-queue.ts';
import {
  createActiveUser,
  drainMail,
  newAgent,
  postForm,
  signIn,
  validRegistration,
} from '../helpers/accounts.ts';
import { freePort } from '../helpers/free-port.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

interface Received {
  to: string;
  subject: string;
  at: number;
}

function startSmtp(port: number, inbox: Received[]): Promise<SMTPServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (raw += chunk));
      stream.on('end', () => {
        const subject = /^Subject: (.*)$/m.exec(raw)?.[1] ?? '';
        inbox.push({
          to: session.envelope.rcptTo.map((r) => r.address).join(','),
          subject,
          at: Date.now(),
        });
        callback();
      });
    },
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

async function waitFor<T>(check: () => T | undefined, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const contexts: TestContext[] = [];
const servers: SMTPServer[] = [];
afterAll(async () => {
  for (const server of servers) await new Promise<void>((r) => server.close(() => r()));
  for (const ctx of contexts) await ctx.close();
});

/** A context whose mail goes to a local SMTP server; the worker is started by the test. */
async function contextWithSmtp(options: Parameters<typeof createTestContext>[1] = {}) {
  const port = await freePort();
  const inbox: Received[] = [];
  servers.push(await startSmtp(port, inbox));
  const ctx = await createTestContext({ SMTP_URL: `smtp://127.0.0.1:${port}` }, options);
  contexts.push(ctx);
  return { ctx, inbox };
}

const bulk = (i: number): OutgoingMail => ({
  to: `reader.${i}@example.gr`,
  subject: `Newsletter ${i}`,
  text: 'News of the municipality.',
  html: '<p>News of the municipality.</p>',
});

describe('the mail worker', () => {
  it('sends at least 20 mails a second to a local SMTP server', { timeout: 60_000 }, async () => {
    const { ctx, inbox } = await contextWithSmtp();
    for (let i = 0; i < 200; i += 1)
      await ctx.deps.mail.enqueue(bulk(i), undefined, { priority: 'bulk' });
    const started = Date.now();
    await startConfiguredMailWorker(ctx.deps, ctx.services);
    await waitFor(() => (inbox.length >= 200 ? true : undefined), 20_000);
    const perSecond = 200 / ((Date.now() - started) / 1000);
    console.log(`mail worker: ${perSecond.toFixed(1)} mails/s`);
    expect(perSecond).toBeGreaterThanOrEqual(20);
    expect(new Set(inbox.map((m) => m.to)).size).toBe(200);
  });

  it(
    "sends a new account's activation before the bulk mail queued ahead of it",
    { timeout: 60_000 },
    async () => {
      const { ctx, inbox } = await contextWithSmtp();
      for (let i = 0; i < 200; i += 1)
        await ctx.deps.mail.enqueue(bulk(i), undefined, { priority: 'bulk' });
      const res = await postForm(newAgent(ctx.app), '/register', '/register', validRegistration(1));
      expect(res.status).toBe(303);
      // The worker finds 200 bulk mails queued before the activation.
      const started = Date.now();
      await startConfiguredMailWorker(ctx.deps, ctx.services);
      const activation = await waitFor(
        () => inbox.find((m) => m.to === 'maria.1@example.gr'),
        20_000,
      );
      expect(activation.at - started).toBeLessThan(3_000);
      // It goes out with the first batch the worker takes, ahead of every bulk mail.
      expect(inbox.indexOf(activation)).toBeLessThan(20);
      await waitFor(() => (inbox.length >= 201 ? true : undefined), 20_000);
    },
  );

  it(
    'counts a link’s 48 hours from when its mail is sent, not from when it was queued',
    { timeout: 60_000 },
    async () => {
      let offset = 0;
      const clock = { now: () => new Date(Date.now() + offset) };
      const { ctx, inbox } = await contextWithSmtp({ clock });
      const queuedAt = clock.now().getTime();
      await postForm(newAgent(ctx.app), '/register', '/register', validRegistration(2));
      // The mail waits five hours (an SMTP outage) before the worker sends it.
      offset = 5 * 3600_000;
      await startConfiguredMailWorker(ctx.deps, ctx.services);
      await waitFor(() => inbox.find((m) => m.to === 'maria.2@example.gr'), 20_000);
      // The worker starts the link's clock once the SMTP server has the message.
      const expected = queuedAt + offset + 48 * 3600_000;
      const expiresAt = async () => {
        const row = (await ctx
          .db('one_time_links as t')
          .join('users as u', 'u.id', 't.user_id')
          .where({ 'u.username': 'maria.2', 't.purpose': 'activation' })
          .first('t.expires_at')) as { expires_at: Date };
        return row.expires_at.getTime();
      };
      const end = Date.now() + 5_000;
      while (Math.abs((await expiresAt()) - expected) > 60_000 && Date.now() < end)
        await new Promise((r) => setTimeout(r, 50));
      expect(Math.abs((await expiresAt()) - expected)).toBeLessThan(60_000);
    },
  );
});

describe('account mails', () => {
  it('sends at most 5 an hour per account (new PIN, email change), with a message at the field in Greek and English', async () => {
    const ctx = await createTestContext();
    contexts.push(ctx);
    const user = await createActiveUser(ctx.db, 'm1');
    const agent = newAgent(ctx.app);
    await signIn(agent, user.username, user.password);
    for (let i = 0; i < 3; i += 1)
      expect((await postForm(agent, '/account', '/account/pin', {})).status).toBe(303);
    expect(
      (await postForm(agent, '/account', '/account/email', { email: 'new.1@example.gr' })).status,
    ).toBe(303);
    // An address that has an account is refused, and counts: the page is no way to probe addresses.
    await createActiveUser(ctx.db, 'm2');
    const taken = await postForm(agent, '/account', '/account/email', {
      email: 'user.m2@example.gr',
    });
    expect(taken.status).toBe(400);

    const pin = await postForm(agent, '/account', '/account/pin', {});
    expect(pin.status).toBe(429);
    const $pin = cheerio.load(pin.text);
    expect($pin('#pin-error').text()).toContain('5 φορές');
    expect($pin('.govuk-error-summary a[href="#pin"]').length).toBe(1);
    expect($pin('#pin').length).toBe(1);

    const email = await postForm(agent, '/account?lang=en', '/account/email', {
      email: 'new.9@example.gr',
    });
    expect(email.status).toBe(429);
    const $email = cheerio.load(email.text);
    expect($email('#email-error').text()).toContain('5 times');
    expect($email('#email').attr('value')).toBe('new.9@example.gr');

    // 3 PINs and 1 confirmation link: the limit held (the refused change sent nothing).
    expect(await drainMail(ctx.deps)).toHaveLength(4);

    // An hour later the account can ask again.
    await ctx
      .db('audit_log')
      .where({ user_id: user.id })
      .update({
        at: ctx.db.raw("at - interval '61 minutes'"),
      });
    expect((await postForm(agent, '/account?lang=el', '/account/pin', {})).status).toBe(303);
    expect(await drainMail(ctx.deps)).toHaveLength(1);
  });
});
