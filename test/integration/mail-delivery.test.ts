import { freePort } from '../helpers/free-port.ts';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { startConfiguredMailWorker } from '../../src/features/mail/start-worker.ts';
import { newAgent, postForm, validRegistration } from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

interface Received {
  to: string;
  raw: string;
}

function startSmtp(port: number, inbox: Received[]): Promise<SMTPServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (raw += chunk));
      stream.on('end', () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
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
    await new Promise((r) => setTimeout(r, 200));
  }
}

const contexts: TestContext[] = [];
const servers: SMTPServer[] = [];
afterAll(async () => {
  for (const server of servers) await new Promise<void>((r) => server.close(() => r()));
  for (const ctx of contexts) await ctx.close();
});

async function contextWithSmtp(port: number) {
  const ctx = await createTestContext({
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    MAIL_RETRY_DELAY_SECONDS: '1',
  });
  contexts.push(ctx);
  await startConfiguredMailWorker(ctx.deps, ctx.services);
  return ctx;
}

describe('mail through a real SMTP server', () => {
  it('sends the activation email (HTML and text) through SMTP', async () => {
    const port = await freePort();
    const inbox: Received[] = [];
    servers.push(await startSmtp(port, inbox));
    const ctx = await contextWithSmtp(port);
    await postForm(newAgent(ctx.app), '/register', '/register', validRegistration(401));
    const mail = await waitFor(() => inbox.find((m) => m.to === 'maria.401@example.gr'), 15_000);
    expect(mail.raw).toContain('multipart/alternative');
    expect(mail.raw).toContain('text/html');
    expect(mail.raw).toContain('text/plain');
  });

  it('keeps mail while the SMTP server is down and delivers it when it is back', async () => {
    const port = await freePort();
    const ctx = await contextWithSmtp(port);
    await postForm(newAgent(ctx.app), '/register', '/register', validRegistration(402));
    // Nothing listens yet: the attempt fails and the job waits for its retry, still in the queue.
    let state = '';
    const end = Date.now() + 20_000;
    while (state !== 'retry' && Date.now() < end) {
      const result = (await ctx.db.raw(`SELECT state FROM pgboss.job WHERE name = 'mail'`)) as {
        rows: { state: string }[];
      };
      state = result.rows[0]?.state ?? '';
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(state).toBe('retry');
    const inbox: Received[] = [];
    servers.push(await startSmtp(port, inbox));
    const mail = await waitFor(() => inbox.find((m) => m.to === 'maria.402@example.gr'), 30_000);
    expect(mail.raw).toContain('maria.402');
  });
});
