import * as cheerio from 'cheerio';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyForCertificate, keylessP12, verifiedFamily } from '../helpers/certificates.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;

beforeAll(async () => {
  const file = path.join(tmpdir(), `keyless-seal-${process.pid}-${Date.now()}.p12`);
  await writeFile(file, keylessP12('seal'));
  ctx = await createTestContext({
    CERTIFICATES_P12_PATH: file,
    CERTIFICATES_P12_PASSPHRASE: 'seal',
  });
});
afterAll(() => ctx.close());

describe('without a working seal', () => {
  it('says plainly that certificates cannot be issued now (503), and records nothing', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    for (const lang of ['el', 'en']) {
      await family.agent.get(`/certificates?lang=${lang}`);
      const res = await applyForCertificate(family.agent, {
        type: 'registration',
        delivery: 'email',
      });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      const text = cheerio.load(res.text)('#seal-unavailable').text();
      expect(text).toContain(lang === 'el' ? 'σφραγίδας' : 'electronic seal');
    }
    const { n } = (await ctx.db('certificate_applications').count({ n: '*' }).first()) as {
      n: string;
    };
    expect(Number(n)).toBe(0);
    // A type a clerk issues is not sealed now: it is recorded as usual.
    const clerkType = await applyForCertificate(family.agent, {
      type: 'residence',
      delivery: 'pickup',
    });
    expect(clerkType.status).toBe(303);
  });
});
