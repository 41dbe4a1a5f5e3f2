import * as cheerio from 'cheerio';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { csrfFrom } from '../helpers/accounts.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTextPdf } from '../../src/lib/pdf.ts';
import type { Agent } from '../helpers/accounts.ts';
import { startDiavgeiaStandIn } from '../helpers/diavgeia-stand-in.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let editor: Agent;
let pdf: Buffer;
let stand: Awaited<ReturnType<typeof startDiavgeiaStandIn>>;

beforeAll(async () => {
  stand = await startDiavgeiaStandIn([
    {
      ada: 'ΑΒΓΔΩΡΦ-1ΑΒ',
      subject: 'Έγκριση τεχνικού προγράμματος 2026',
      issueDate: Date.parse('2026-02-10T10:00:00Z'),
      organizationId: '6102',
    },
    {
      ada: 'ΑΒΓΕΩΡΦ-2ΑΒ',
      subject: 'Ορισμός επιτροπής διαγωνισμού',
      issueDate: Date.parse('2026-02-20T10:00:00Z'),
      organizationId: '6102',
    },
    {
      ada: 'ΑΒΓΖΩΡΦ-3ΑΒ',
      subject: 'Άλλου φορέα',
      issueDate: Date.parse('2026-02-20T10:00:00Z'),
      organizationId: '9999',
    },
  ]);
  ctx = await createTestContext({ DIAVGEIA_BASE_URL: stand.baseUrl });
  editor = (await signedInStaff(ctx.app, ctx.db, ['editor'])).agent;
  pdf = await renderTextPdf({
    author: 'Δήμος',
    title: 'Απόφαση 7/2026',
    sections: [{ text: 'Κείμενο απόφασης.' }],
  });
});
afterAll(async () => {
  await ctx.close();
  await stand.close();
});

const csrf = csrfFrom;

/** GOV.UK's date input: a date as its three fields. */
const dateFields = (name: string, day: string, month: string, year: string) => ({
  [`${name}-day`]: day,
  [`${name}-month`]: month,
  [`${name}-year`]: year,
});

const fields = (extra: Record<string, string> = {}) => ({
  number: '7',
  year: '2026',
  ...dateFields('meeting_date', '2', '3', '2026'),
  category: 'oikonomika',
  subject: 'Έγκριση αναμόρφωσης προϋπολογισμού',
  summary: 'Αναμόρφωση του προϋπολογισμού για νέες πιστώσεις.',
  ada: '6ΑΒΓΩΡΦ-ΧΥΖ',
  ...extra,
});

async function submit(
  action: string,
  values: Record<string, string>,
  file?: { content: Buffer; name: string; type?: string },
) {
  const token = await csrf(editor, action === '/staff/decisions/new' ? action : action);
  let req = editor.post(action).field('_csrf', token);
  for (const [k, v] of Object.entries(values)) req = req.field(k, v);
  if (file)
    req = req.attach('document', file.content, {
      filename: file.name,
      contentType: file.type ?? 'application/pdf',
    });
  return req;
}

const documentsDir = () => path.join(ctx.deps.config.UPLOAD_DIR, 'documents');
const filesInDocuments = async () =>
  (await readdir(documentsDir()).catch(() => [] as string[])).sort();

describe('editors publish council decisions', () => {
  let id: number;

  it('creates a draft with its PDF, invisible to the public', async () => {
    const res = await submit('/staff/decisions/new', fields(), {
      content: pdf,
      name: 'apofasi.pdf',
    });
    expect(res.status).toBe(303);
    id = Number(res.headers.location!.split('/').pop());
    const row = (await ctx.db('decisions').where({ id }).first()) as {
      status: string;
      document_file: string;
    };
    expect(row.status).toBe('draft');
    expect(row.document_file).toMatch(/^[0-9a-f-]{36}\.pdf$/);
    expect(await filesInDocuments()).toEqual([row.document_file]);
    expect((await request(ctx.app).get(`/decisions/${id}`)).status).toBe(404);
    expect(
      cheerio.load((await request(ctx.app).get('/decisions?q=αναμόρφωση')).text)('.app-result')
        .length,
    ).toBe(0);
  });

  it('publishes: the decision is in the list, the search, the feed and its PDF at once', async () => {
    const token = await csrf(editor, `/staff/decisions/${id}`);
    expect(
      (await editor.post(`/staff/decisions/${id}/publish`).type('form').send({ _csrf: token }))
        .status,
    ).toBe(303);
    const search = cheerio.load(
      (await request(ctx.app).get(`/decisions?q=${encodeURIComponent('αναμορφωση')}`)).text,
    );
    expect(search('.app-result h3').first().text()).toContain('αναμόρφωσης');
    expect(
      cheerio
        .load((await request(ctx.app).get('/decisions')).text)('.app-result h3')
        .first()
        .text(),
    ).toContain('αναμόρφωσης');
    expect((await request(ctx.app).get('/decisions/feed.atom')).text).toContain(
      'Έγκριση αναμόρφωσης προϋπολογισμού',
    );
    const document = await request(ctx.app).get(`/decisions/${id}/document`).buffer(true);
    expect(document.headers['content-type']).toBe('application/pdf');
    const token2 = await csrf(editor, `/staff/decisions/${id}`);
    await editor
      .post(`/staff/decisions/${id}/unpublish`)
      .type('form')
      .send({ _csrf: token2, confirm: 'yes' });
    expect((await request(ctx.app).get(`/decisions/${id}`)).status).toBe(404);
  });

  it('replaces the PDF only when the change is saved, and records before and after', async () => {
    const before = await filesInDocuments();
    const refused = await submit(`/staff/decisions/${id}`, fields({ ada: 'wrong' }), {
      content: pdf,
      name: 'new.pdf',
    });
    expect(refused.status).toBe(400);
    expect(await filesInDocuments()).toEqual(before);
    const res = await submit(
      `/staff/decisions/${id}`,
      fields({ subject: 'Έγκριση 2ης αναμόρφωσης προϋπολογισμού' }),
      { content: pdf, name: 'new.pdf' },
    );
    expect(res.status).toBe(303);
    const after = await filesInDocuments();
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
    const history = cheerio.load((await editor.get(`/staff/decisions/${id}/history`)).text);
    const text = history('main').text();
    expect(text).toContain('Έγκριση αναμόρφωσης προϋπολογισμού');
    expect(text).toContain('Έγκριση 2ης αναμόρφωσης προϋπολογισμού');
    expect(history('.app-history-entry').length).toBeGreaterThanOrEqual(4);
  });

  it('refuses wrong, empty and too large files, and never writes outside the upload folder', async () => {
    const before = await filesInDocuments();
    const notPdf = await submit('/staff/decisions/new', fields({ number: '8', ada: '' }), {
      content: Buffer.from('GIF89a not a pdf'),
      name: 'apofasi.pdf',
    });
    expect(notPdf.status).toBe(400);
    expect(cheerio.load(notPdf.text)('#document-error').text()).toContain('PDF');
    const empty = await submit('/staff/decisions/new', fields({ number: '8', ada: '' }), {
      content: Buffer.alloc(0),
      name: 'empty.pdf',
    });
    expect(cheerio.load(empty.text)('#document-error').text()).toContain('κενό');
    const large = Buffer.concat([
      pdf.subarray(0, 100),
      Buffer.alloc(21 * 1024 * 1024, 32),
      Buffer.from('\n%%EOF\n'),
    ]);
    const tooLarge = await submit('/staff/decisions/new', fields({ number: '8', ada: '' }), {
      content: large,
      name: 'big.pdf',
    });
    expect(tooLarge.status).toBe(400);
    expect(cheerio.load(tooLarge.text)('#document-error').text()).toContain('20 MB');
    const sneaky = await submit('/staff/decisions/new', fields({ number: '9', ada: '' }), {
      content: pdf,
      name: '../../../etc/passwd.pdf',
    });
    expect(sneaky.status).toBe(303);
    const after = await filesInDocuments();
    expect(after.length).toBe(before.length + 1);
    expect(after.every((name) => /^[0-9a-f-]{36}\.pdf$/.test(name))).toBe(true);
  });

  it('checks number, date and ADA with messages at the fields; a duplicate number or ADA too', async () => {
    const bad = await submit(
      '/staff/decisions/new',
      fields({ number: '-3', ...dateFields('meeting_date', '30', '2', '2026'), ada: 'ABC' }),
    );
    const $ = cheerio.load(bad.text);
    expect(bad.status).toBe(400);
    expect(
      $('#number-error').length + $('#meeting_date-error').length + $('#ada-error').length,
    ).toBe(3);
    expect($('#subject').text()).toBe('Έγκριση αναμόρφωσης προϋπολογισμού');
    const duplicate = await submit(
      '/staff/decisions/new',
      fields({ subject: 'Άλλο θέμα', ada: '' }),
    );
    expect(cheerio.load(duplicate.text)('#number-error').text()).toContain('ίδιο έτος');
    const duplicateAda = await submit(
      '/staff/decisions/new',
      fields({ number: '99', subject: 'Άλλο θέμα' }),
    );
    expect(cheerio.load(duplicateAda.text)('#ada-error').text()).toContain('ΑΔΑ');
  });

  it('refuses an upload without a CSRF token', async () => {
    const res = await editor
      .post('/staff/decisions/new')
      .field('subject', 'x')
      .attach('document', pdf, 'a.pdf');
    expect(res.status).toBe(403);
  });
});

const importRange = {
  ...dateFields('from', '1', '2', '2026'),
  ...dateFields('to', '28', '2', '2026'),
};

describe('import from Diavgeia', () => {
  it("creates drafts of the organisation's decisions, once", async () => {
    const token = await csrf(editor, '/staff/decisions/import');
    const res = await editor
      .post('/staff/decisions/import')
      .type('form')
      .send({ _csrf: token, org: '6102', ...importRange });
    expect(res.status).toBe(200);
    expect(cheerio.load(res.text)('.govuk-inset-text').text()).toContain('2');
    const drafts = (await ctx
      .db('decisions')
      .whereIn('ada', ['ΑΒΓΔΩΡΦ-1ΑΒ', 'ΑΒΓΕΩΡΦ-2ΑΒ', 'ΑΒΓΖΩΡΦ-3ΑΒ'])
      .orderBy('ada')
      .select('ada', 'status', 'meeting_date', 'source_url', 'number')) as Record<
      string,
      unknown
    >[];
    expect(drafts.map((d) => d.ada)).toEqual(['ΑΒΓΔΩΡΦ-1ΑΒ', 'ΑΒΓΕΩΡΦ-2ΑΒ']);
    expect(drafts[0]).toMatchObject({ status: 'draft', meeting_date: '2026-02-10', number: null });
    expect(String(drafts[0]!.source_url)).toContain('ΑΒΓΔΩΡΦ-1ΑΒ');
    const again = await editor
      .post('/staff/decisions/import')
      .type('form')
      .send({ _csrf: token, org: '6102', ...importRange });
    expect(cheerio.load(again.text)('.govuk-inset-text').text()).toMatch(/0 .*2/);
    // A draft without number and category cannot be published.
    const id = (
      (await ctx.db('decisions').where({ ada: 'ΑΒΓΔΩΡΦ-1ΑΒ' }).first('id')) as { id: number }
    ).id;
    const publish = await editor
      .post(`/staff/decisions/${id}/publish`)
      .type('form')
      .send({ _csrf: token });
    expect(publish.status).toBe(400);
  });

  it('says so when Diavgeia does not answer', async () => {
    const down = await createTestContext({ DIAVGEIA_BASE_URL: 'http://127.0.0.1:1' });
    try {
      const agent = (await signedInStaff(down.app, down.db, ['editor'])).agent;
      const token = await csrf(agent, '/staff/decisions/import');
      const res = await agent
        .post('/staff/decisions/import')
        .type('form')
        .send({ _csrf: token, org: '6102', ...importRange });
      expect(res.status).toBe(400);
      expect(cheerio.load(res.text)('#org-error').text()).toContain('Διαύγεια');
    } finally {
      await down.close();
    }
  });
});
