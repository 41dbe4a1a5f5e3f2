import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainMail } from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('the shared mailer', () => {
  it('writes in the recipient’s language, HTML and text, and queues in the caller’s transaction', async () => {
    await drainMail(ctx.deps);
    await ctx.db.transaction(async (trx) => {
      await ctx.deps.mailer.send(
        'security-notice',
        { email: 'eleni@example.gr', lang: 'en' },
        { fullName: 'Eleni', what: 'passwordChanged' },
        trx,
      );
    });
    // A change that does not commit sends nothing.
    await ctx.db
      .transaction(async (trx) => {
        await ctx.deps.mailer.send(
          'security-notice',
          { email: 'nobody@example.gr', lang: 'el' },
          { fullName: 'Κανείς', what: 'passwordChanged' },
          trx,
        );
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    const sent = await drainMail(ctx.deps);
    expect(sent.map((mail) => mail.to)).toEqual(['eleni@example.gr']);
    const [mail] = sent;
    expect(mail!.subject).toMatch(/[A-Za-z]/);
    expect(mail!.subject).not.toMatch(/[\u0370-\u03ff]{4}/);
    expect(mail!.html).toContain('<html');
    expect(mail!.html).toContain('Eleni');
    expect(mail!.text).toContain('Eleni');
    expect(mail!.text).toContain('Municipality of Agios Nikolaos');
  });

  it('lets a link’s time start when its mail is sent', async () => {
    await ctx.deps.mailer.send(
      'email-change',
      { email: 'new@example.gr', lang: 'el' },
      { fullName: 'Μαρία', link: 'http://localhost/account/email/abc' },
      undefined,
      { priority: 'link', link: { token: 'abcdefghijklmnopqrstuv', ttlMs: 48 * 3600 * 1000 } },
    );
    const [mail] = await drainMail(ctx.deps);
    expect(mail!.linkValidity?.seconds).toBe(172800);
    expect(mail!.linkValidity?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
