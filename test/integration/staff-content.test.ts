import * as cheerio from 'cheerio';
import request from 'supertest';
import { csrfFrom } from '../helpers/accounts.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../helpers/accounts.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let editor: Agent;
let categoryId: number;
beforeAll(async () => {
  ctx = await createTestContext();
  editor = (await signedInStaff(ctx.app, ctx.db, ['editor'])).agent;
  const [row] = (await ctx
    .db('benefit_categories')
    .insert({ slug: 'oikonomiki', name: { el: 'Οικονομική ενίσχυση', en: 'Financial support' } })
    .returning('id')) as { id: number }[];
  categoryId = row!.id;
});
afterAll(() => ctx.close());

const csrf = (page: string) => csrfFrom(editor, page);
const benefit = (slug: string, extra: Record<string, string> = {}) => ({
  slug,
  category: String(categoryId),
  title_el: `Επίδομα ${slug}`,
  title_en: `Benefit ${slug}`,
  summary_el: 'Σύνοψη',
  summary_en: '',
  eligibility_md: '',
  eligibility_md_el: 'Δικαιούνται **όλοι**.',
  eligibility_md_en: '',
  documents_md_el: '- Ταυτότητα',
  documents_md_en: '',
  how_to_apply_md_el: 'Στο ΚΕΠ.',
  how_to_apply_md_en: '',
  deadlines_md_el: '',
  deadlines_md_en: '',
  contact_md_el: '',
  contact_md_en: '',
  links: 'gov.gr | https://www.gov.gr/',
  action: 'save',
  ...extra,
});
const create = async (slug: string, extra: Record<string, string> = {}) =>
  editor
    .post('/staff/benefits/new')
    .type('form')
    .send({ ...benefit(slug, extra), _csrf: await csrf('/staff/benefits/new') });

describe('editors write benefits (the same editor serves health pages)', () => {
  it('previews the Markdown without saving', async () => {
    const res = await create('proepiskopisi', { action: 'preview' });
    expect(res.status).toBe(200);
    const $ = cheerio.load(res.text);
    expect($('.app-markdown-preview strong').text()).toBe('όλοι');
    expect($('#eligibility_md_el').text()).toBe('Δικαιούνται **όλοι**.');
    expect(await ctx.db('benefits').where({ slug: 'proepiskopisi' }).first()).toBeUndefined();
  });

  it('saves a draft, publishes it, and the public page shows it at once', async () => {
    const res = await create('enoikio');
    expect(res.status).toBe(303);
    const id = Number(res.headers.location!.split('/').pop());
    expect((await request(ctx.app).get('/benefits/enoikio')).status).toBe(404);
    await editor
      .post(`/staff/benefits/${id}/publish`)
      .type('form')
      .send({ _csrf: await csrf(`/staff/benefits/${id}`) });
    const page = cheerio.load((await request(ctx.app).get('/benefits/enoikio')).text);
    expect(page('h1').text()).toBe('Επίδομα enoikio');
    expect(page('a[href="https://www.gov.gr/"]').length).toBe(1);
  });

  it('refuses missing fields and a taken address, keeping what was typed', async () => {
    const res = await create('enoikio', { title_el: '', links: 'no url here' });
    expect(res.status).toBe(400);
    const $ = cheerio.load(res.text);
    expect($('#title_el-error').length).toBe(1);
    expect($('#links-error').length).toBe(1);
    expect($('#eligibility_md_el').text()).toBe('Δικαιούνται **όλοι**.');
    const taken = await create('enoikio');
    expect(cheerio.load(taken.text)('#slug-error').text()).toContain('χρησιμοποιείται');
  });

  it('reorders the public list and keeps a history of text changes', async () => {
    const second = await create('deytero');
    const id = Number(second.headers.location!.split('/').pop());
    await editor
      .post(`/staff/benefits/${id}/publish`)
      .type('form')
      .send({ _csrf: await csrf(`/staff/benefits/${id}`) });
    const order = async () =>
      cheerio
        .load((await request(ctx.app).get('/benefits')).text)('main h3 a')
        .map((_i, el) => cheerio.load(el).text())
        .get();
    expect(await order()).toEqual(['Επίδομα enoikio', 'Επίδομα deytero']);
    await editor
      .post(`/staff/benefits/${id}/move`)
      .type('form')
      .send({ direction: 'up', _csrf: await csrf('/staff/benefits') });
    expect(await order()).toEqual(['Επίδομα deytero', 'Επίδομα enoikio']);

    await editor
      .post(`/staff/benefits/${id}`)
      .type('form')
      .send({
        ...benefit('deytero', { title_el: 'Δεύτερο επίδομα' }),
        _csrf: await csrf(`/staff/benefits/${id}`),
      });
    const history = cheerio
      .load((await editor.get(`/staff/benefits/${id}/history`)).text)('main')
      .text();
    expect(history).toContain('Επίδομα deytero');
    expect(history).toContain('Δεύτερο επίδομα');
    expect(history).toContain('Επίδομα: αλλαγή σειράς');
  });
});
