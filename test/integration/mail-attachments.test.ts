import { readFile } from 'node:fs/promises';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import * as cheerio from 'cheerio';
import { afterAll, describe, expect, it } from 'vitest';
import { startConfiguredMailWorker } from '../../src/features/mail/start-worker.ts';
import { smtpTransport } from '../../src/features/mail/transports.ts';
import { applyForCertificate, binary, verifiedFamily } from '../helpers/certificates.ts';
import { freePort } from '../helpers/free-port.ts';
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

async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The PDF part of a MIME message: its headers and its bytes (base64 decoded). */
function pdfPartOf(raw: string): { headers: string; bytes: Buffer } {
  const start = raw.search(/Content-Type: application\/pdf/i);
  if (start < 0) throw new Error('no PDF part in the message');
  const rest = raw.slice(start);
  const headerEnd = /\r?\n\r?\n/.exec(rest)!;
  const body = rest.slice(headerEnd.index + headerEnd[0].length);
  const end = body.search(/\r?\n--/);
  return {
    headers: rest.slice(0, headerEnd.index).replace(/\r?\n\s+/g, ' '),
    bytes: Buffer.from(body.slice(0, end).replace(/\s+/g, ''), 'base64'),
  };
}

const contexts: TestContext[] = [];
const servers: SMTPServer[] = [];
afterAll(async () => {
  for (const server of servers) await new Promise<void>((r) => server.close(() => r()));
  for (const ctx of contexts) await ctx.close();
});

/** A citizen with an instant certificate emailed to them: its reference, the stored file, the address. */
async function emailedCertificate(ctx: TestContext) {
  const family = await verifiedFamily(ctx.app, ctx.db);
  const res = await applyForCertificate(family.agent, { type: 'registration', delivery: 'email' });
  expect(res.status).toBe(303);
  const reference = String(res.headers.location).split('/')[2]!;
  const application = await ctx.db('certificate_applications').where({ reference }).first();
  const certificate = (await ctx.services.certificates.certificateOf(application.id))!;
  const { email } = await ctx.db('users').where({ id: family.userId }).first('email');
  return {
    family,
    reference,
    email: email as string,
    fileKey: certificate.file_key,
    stored: await readFile(ctx.deps.documents.pathOf(certificate.file_key)),
  };
}

describe('an emailed certificate through SMTP', () => {
  it('queues only the file’s key, and sends the PDF read from the store, byte for byte', async () => {
    const port = await freePort();
    const inbox: Received[] = [];
    servers.push(await startSmtp(port, inbox));
    const ctx = await createTestContext({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    contexts.push(ctx);
    await startConfiguredMailWorker(ctx.deps, ctx.services);

    const { reference, email, fileKey, stored } = await emailedCertificate(ctx);
    const mail = await waitFor(() => inbox.find((m) => m.to === email));

    // The job's data: the key and name, never the file.
    const { rows } = await ctx.db.raw<{ rows: { data: Record<string, unknown> }[] }>(
      `SELECT data FROM pgboss.job WHERE name = 'mail' AND data->>'to' = ?`,
      [email],
    );
    expect(rows).toHaveLength(1);
    const data = rows[0]!.data;
    expect(data.attachments).toEqual([
      { fileName: `${reference}.pdf`, documentKey: fileKey, contentType: 'application/pdf' },
    ]);
    expect(JSON.stringify(data).length).toBeLessThan(stored.length);
    expect(JSON.stringify(data)).not.toContain(stored.subarray(0, 60).toString('base64'));

    expect(mail.raw).toContain('multipart/mixed');
    const part = pdfPartOf(mail.raw);
    expect(part.headers).toMatch(new RegExp(`filename="?${reference}\\.pdf"?`));
    expect(part.headers).toMatch(/Content-Disposition: attachment/i);
    expect(part.bytes.equals(stored)).toBe(true);
  });

  it('does not send a message whose attachment is missing from the store (it fails, to be retried)', async () => {
    const port = await freePort();
    const inbox: Received[] = [];
    servers.push(await startSmtp(port, inbox));
    const ctx = await createTestContext();
    contexts.push(ctx);
    const transport = smtpTransport(
      `smtp://127.0.0.1:${port}`,
      'test <test@example.gov.gr>',
      ctx.deps.documents,
    );
    try {
      await expect(
        transport.send({
          to: 'someone@example.gr',
          subject: 'x',
          html: '<p>x</p>',
          text: 'x',
          attachments: [
            {
              fileName: 'gone.pdf',
              documentKey: '00000000-0000-4000-8000-000000000000.pdf',
              contentType: 'application/pdf',
            },
          ],
        }),
      ).rejects.toThrow(/ENOENT/);
      expect(inbox).toEqual([]);
    } finally {
      transport.close();
    }
  });
});

describe('an emailed certificate in the development mailbox', () => {
  it('lists the attachment, downloads it as stored, and puts it in the .eml file', async () => {
    const ctx = await createTestContext();
    contexts.push(ctx);
    await startConfiguredMailWorker(ctx.deps, ctx.services);
    const { reference, email, stored } = await emailedCertificate(ctx);
    const message = await waitFor(
      async () =>
        (await ctx.db('dev_mailbox').where({ to_address: email }).first()) as
          { id: number } | undefined,
    );

    const list = cheerio.load((await request(ctx.app).get('/dev/mailbox')).text);
    expect(list(`a[href="/dev/mailbox/${message.id}"]`).parent().text()).toContain('1 συνημμένο');
    for (const lang of ['el', 'en']) {
      const page = cheerio.load(
        (await request(ctx.app).get(`/dev/mailbox/${message.id}?lang=${lang}`)).text,
      );
      const link = page('#attachments a');
      expect(link.text()).toBe(`${reference}.pdf`);
      expect(link.attr('href')).toBe(`/dev/mailbox/${message.id}/attachments/0`);
    }

    const file = await request(ctx.app)
      .get(`/dev/mailbox/${message.id}/attachments/0`)
      .buffer(true)
      .parse(binary);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toMatch(
      new RegExp(`^attachment; filename="?${reference}\\.pdf"?$`),
    );
    expect((file.body as Buffer).equals(stored)).toBe(true);
    expect((await request(ctx.app).get(`/dev/mailbox/${message.id}/attachments/1`)).status).toBe(
      404,
    );
    expect((await request(ctx.app).get(`/dev/mailbox/${message.id}/attachments/x`)).status).toBe(
      404,
    );

    const eml = await request(ctx.app)
      .get(`/dev/mailbox/${message.id}/message.eml`)
      .buffer(true)
      .parse(binary);
    expect(eml.status).toBe(200);
    expect(pdfPartOf((eml.body as Buffer).toString('latin1')).bytes.equals(stored)).toBe(true);
  });
});
