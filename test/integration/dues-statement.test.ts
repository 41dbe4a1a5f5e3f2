import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRf } from '../../src/lib/rf.ts';
import { createActiveUser, newAgent, signIn, type Agent } from '../helpers/accounts.ts';
import { insertArrangement, insertDebt } from '../helpers/finance.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

/** A valid AFM from 8 digits: the check digit appended. */
const afmOf = (first8: string) => {
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(first8[i]) * 2 ** (8 - i);
  return `${first8}${(sum % 11) % 10}`;
};

const NOW = new Date('2026-06-15T09:00:00Z');
const AFM = afmOf('12312312');
const MANY_AFM = afmOf('45645645');
const OTHER_AFM = afmOf('78978978');
const dir = mkdtempSync(path.join(tmpdir(), 'dues-statement-'));
let ctx: TestContext;
let citizen: Agent;
let many: Agent;
let unverified: Agent;
const rfs: string[] = [];
let otherRf: string;
let instalmentRf: string;

/** Runs a poppler tool on the PDF, as a reader's software would read it. */
function poppler(tool: 'pdftotext' | 'pdfinfo' | 'pdffonts', pdf: Buffer): string {
  const file = path.join(dir, `${tool}-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  const args = tool === 'pdftotext' ? [file, '-'] : [file];
  return execFileSync(tool, args, { encoding: 'utf8' });
}
const flat = (value: string) => value.replace(/[\s\u00a0]+/g, ' ');

const binary = (res: request.Response, callback: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
};

async function pdfOf(agent: Agent, lang: 'el' | 'en' = 'el') {
  const res = await agent.get(`/dues/statement.pdf?lang=${lang}`).buffer(true).parse(binary);
  await agent.get('/dues?lang=el');
  return res;
}

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => NOW } });
  const make = async (name: string, afm: string | null, verified = true) => {
    const user = await createActiveUser(ctx.db, name, {
      full_name: 'Ελένη Παπαδοπούλου',
      afm,
      identity_verified_at: verified ? NOW : null,
      identity_channel: verified ? 'counter' : null,
    });
    const agent = newAgent(ctx.app);
    await signIn(agent, user.username, user.password);
    return agent;
  };
  citizen = await make('statement-a', AFM);
  many = await make('statement-many', MANY_AFM);
  unverified = await make('statement-plain', AFM, false);
  rfs.push(
    (await insertDebt(ctx.db, { afm: AFM, amountCents: 123_456, dueDate: '2026-03-31' })).rf,
    (
      await insertDebt(ctx.db, {
        afm: AFM,
        type: 'CLEANING_LIGHTING',
        amountCents: 8_050,
        paidCents: 3_000,
        dueDate: '2026-09-30',
      })
    ).rf,
  );
  // Paid in full: not a current debt.
  await insertDebt(ctx.db, {
    afm: AFM,
    amountCents: 99_999,
    paidCents: 99_999,
    dueDate: '2026-01-31',
  });
  const arrangement = await insertArrangement(ctx.db, {
    afm: AFM,
    decidedOn: '2026-01-10',
    instalments: [
      { dueDate: '2026-02-28', amountCents: 4_000, paidCents: 4_000 },
      { dueDate: '2026-07-31', amountCents: 4_000 },
    ],
  });
  instalmentRf = arrangement.instalments[1]!.rf;
  otherRf = (
    await insertDebt(ctx.db, { afm: OTHER_AFM, amountCents: 55_555, dueDate: '2026-01-31' })
  ).rf;
  for (let i = 0; i < 60; i += 1)
    await insertDebt(ctx.db, {
      afm: MANY_AFM,
      period: `2026-${i}`,
      amountCents: 1_000 + i,
      dueDate: '2026-08-31',
    });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await ctx.close();
});

describe('the statement of current debts (PDF)', () => {
  it('is a private download with a sensible name', async () => {
    const res = await pdfOf(citizen);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="?katastasi-ofeilon-2026-06-15\.pdf"?$/,
    );
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect((res.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    const en = await pdfOf(citizen, 'en');
    expect(en.headers['content-disposition']).toContain('statement-of-dues-2026-06-15.pdf');
  });

  it('holds the letterhead, the person, the open debts with their Greek amounts and RF codes', async () => {
    const body = (await pdfOf(citizen)).body as Buffer;
    const text = flat(poppler('pdftotext', body));
    for (const part of [
      'ΕΛΛΗΝΙΚΗ ΔΗΜΟΚΡΑΤΙΑ',
      'Δήμος Αγίου Νικολάου',
      'Κατάσταση οφειλών',
      'Ελένη Παπαδοπούλου',
      AFM,
      '1.234,56 €',
      '80,50 €',
      '50,50 €',
      // Totals: 1.234,56 + 80,50; paid 30,00; remaining 1.285,06.
      '1.315,06 €',
      '1.285,06 €',
      'Ληξιπρόθεσμες οφειλές: 1.234,56 €',
      'Σελίδα 1 από 1',
      'δεν είναι βεβαίωση μη οφειλής',
    ])
      expect(text).toContain(part);
    for (const rf of [...rfs, instalmentRf]) expect(text).toContain(formatRf(rf));
    expect(text).not.toContain('999,99');
    expect(text).not.toContain(formatRf(otherRf));
    expect(text).not.toContain('555,55');
  });

  it('embeds its fonts, is tagged and says its title and author', async () => {
    const body = (await pdfOf(citizen)).body as Buffer;
    const fonts = poppler('pdffonts', body).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts)
      expect(line).toMatch(/DejaVuSans\S*\s+CID TrueType\s+Identity-H\s+yes/);
    const info = poppler('pdfinfo', body);
    expect(info).toMatch(/Tagged:\s+yes/);
    expect(info).toMatch(/Title:\s+Κατάσταση οφειλών/);
    expect(info).toMatch(/Author:\s+Δήμος Αγίου Νικολάου/);
    expect(body.toString('latin1')).toContain('/Lang (el-GR)');
  });

  it('numbers its pages when it runs to more than one, in the reader’s language', async () => {
    const el = flat(poppler('pdftotext', (await pdfOf(many)).body as Buffer));
    const pages = Number(/Σελίδα 1 από (\d+)/.exec(el)?.[1]);
    expect(pages).toBeGreaterThan(1);
    expect(el).toContain(`Σελίδα ${pages} από ${pages}`);
    expect(el).toContain('2026-59');
    const en = flat(poppler('pdftotext', (await pdfOf(many, 'en')).body as Buffer));
    expect(en).toContain('Page 1 of');
    expect(en).toContain('Statement of municipal dues');
    expect(en).toContain('€10.00');
  });

  it('is for verified citizens only', async () => {
    expect((await request(ctx.app).get('/dues/statement.pdf')).status).toBe(303);
    expect((await unverified.get('/dues/statement.pdf')).status).toBe(403);
  });
});
