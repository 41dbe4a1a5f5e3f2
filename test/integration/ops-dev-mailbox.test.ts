import * as cheerio from 'cheerio';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devMailboxTransport } from '../../src/features/mail/transports.ts';
import { drainMail, newAgent, postForm, validRegistration } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';

let server: LiveServer;
let browser: Browser | undefined;
beforeAll(async () => {
  server = await startLiveServer();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Registers someone: the activation email waits in the queue until the worker (here: the test) sends it. */
async function register(n: number): Promise<string> {
  const res = await postForm(newAgent(server.app), '/register', '/register', validRegistration(n));
  expect(res.status).toBe(303);
  return `maria.${n}@example.gr`;
}

/** What the worker does with the dev-mailbox transport: takes the queued mail and keeps it. */
async function deliverQueued(): Promise<void> {
  const transport = devMailboxTransport(server.db);
  for (const mail of await drainMail(server.deps)) await transport.send(mail);
}

async function messageIdFor(to: string): Promise<number> {
  const row = (await server.db('dev_mailbox').where({ to_address: to }).first('id')) as {
    id: number;
  };
  return row.id;
}

describe('the development mailbox', () => {
  it('says that mail takes a moment and lists what is still waiting in the queue', async () => {
    const to = await register(701);
    const page = await request(server.app).get('/dev/mailbox?lang=en');
    expect(page.status).toBe(200);
    const $ = cheerio.load(page.text);
    expect($('main').text()).toContain('a moment after it is sent');
    expect($('main a[href="/dev/mailbox"]').text()).toContain('Refresh');
    const queued = $('#queued tbody tr')
      .toArray()
      .map((row) => $(row).text());
    expect(queued.some((row) => row.includes(to) && row.includes('Queued'))).toBe(true);
    expect($('#sent').text()).not.toContain(to);

    await deliverQueued();
    const after = cheerio.load((await request(server.app).get('/dev/mailbox')).text);
    expect(after('#queued').text()).not.toContain(to);
    expect(after('#sent a').text()).toMatch(/./);
    expect(after('#sent').text()).toContain(to);
  });

  it('shows the HTML part in a sandboxed frame served under its own strict policy', async () => {
    const to = await register(702);
    await deliverQueued();
    const id = await messageIdFor(to);

    const page = await request(server.app).get(`/dev/mailbox/${id}`);
    const $ = cheerio.load(page.text);
    const frame = $('main iframe');
    expect(frame.attr('src')).toBe(`/dev/mailbox/${id}/html`);
    // Its own opaque origin: nothing in it can reach the portal's cookies or pages.
    expect(frame.attr('sandbox')).toBeDefined();
    expect(frame.attr('sandbox')).not.toContain('allow-same-origin');
    expect(frame.attr('title')).toBeTruthy();
    // The text part is still there, with its links.
    expect($('pre.app-mail-text').text()).toContain('maria.702');
    expect($('main a[href*="/activate/"]').length).toBeGreaterThan(0);

    const html = await request(server.app).get(`/dev/mailbox/${id}/html`);
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    const policy = String(html.headers['content-security-policy']);
    expect(policy).toMatch(/(^|;\s*)sandbox( |;)/);
    expect(policy).not.toContain('allow-same-origin');
    // No script of the message may run (the browser test below tries).
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toContain('script-src');
    expect(policy).toContain("frame-ancestors 'self'");
    const stored = (await server.db('dev_mailbox').where({ id }).first('html')) as { html: string };
    expect(stored.html).toContain('<table');
    expect(html.text).toContain('<base target="_top">');
    expect(html.text.replace('<base target="_top">', '')).toBe(stored.html);
  });

  it('shows the raw message (both parts, as SMTP would carry it) and offers it as an .eml file', async () => {
    const to = await register(703);
    await deliverQueued();
    const id = await messageIdFor(to);

    const raw = await request(server.app).get(`/dev/mailbox/${id}/raw`);
    expect(raw.status).toBe(200);
    expect(raw.headers['content-type']).toMatch(/^text\/plain/);
    expect(raw.text).toMatch(/^To: maria\.703@example\.gr$/m);
    expect(raw.text).toMatch(/^Subject: /m);
    expect(raw.text).toContain('multipart/alternative');
    expect(raw.text).toContain('Content-Type: text/plain');
    expect(raw.text).toContain('Content-Type: text/html');

    const eml = await request(server.app).get(`/dev/mailbox/${id}/message.eml`);
    expect(eml.headers['content-type']).toMatch(/^message\/rfc822/);
    expect(eml.headers['content-disposition']).toContain(`message-${id}.eml`);

    const page = cheerio.load((await request(server.app).get(`/dev/mailbox/${id}`)).text);
    expect(page(`a[href="/dev/mailbox/${id}/raw"]`).length).toBe(1);
    expect(page(`a[href="/dev/mailbox/${id}/message.eml"]`).length).toBe(1);
  });

  it('answers 404 for a message that does not exist, in every view', async () => {
    for (const path of ['/dev/mailbox/999999', '/dev/mailbox/999999/html', '/dev/mailbox/x/raw'])
      expect((await request(server.app).get(path)).status).toBe(404);
  });

  it('draws the HTML part in a browser without breaking the policy, and passes axe', async () => {
    const to = await register(704);
    await deliverQueued();
    const id = await messageIdFor(to);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content.Security.Policy|Refused to/i.test(message.text())) refused.push(message.text());
    });
    await page.goto(`${server.baseUrl}/dev/mailbox/${id}`);
    const frame = page.frameLocator('main iframe');
    await expect
      .poll(() => frame.locator('body').textContent(), { timeout: 10_000 })
      .toContain('maria.704');
    // The email's own inline styles apply inside the frame (the layout's grey background).
    const background = await frame
      .locator('body')
      .evaluate((body) => getComputedStyle(body).backgroundColor);
    expect(background).toBe('rgb(243, 242, 241)');
    await expectAccessible(page);
    expect(refused).toEqual([]);
    await page.screenshot({ path: '/tmp/dev-mailbox-message.png', fullPage: true });
    await register(705);
    await page.goto(`${server.baseUrl}/dev/mailbox`);
    expect(await page.locator('#queued').textContent()).toContain('maria.705@example.gr');
    await expectAccessible(page);
    await page.screenshot({ path: '/tmp/dev-mailbox.png', fullPage: true });
    await context.close();
  }, 60_000);

  it('never runs a script that a message carries', async () => {
    const [row] = (await server
      .db('dev_mailbox')
      .insert({
        to_address: 'x@example.gr',
        subject: 'Hostile',
        text: 'hostile',
        html: `<!DOCTYPE html><html lang="en"><head><title>Hostile</title></head><body><p>Hello</p>
          <script>document.body.dataset.ran = 'inline'; parent.document.title = 'owned'</script>
          <img alt="" src="data:," onerror="document.body.dataset.handler = 'ran'"></body></html>`,
      })
      .returning('id')) as { id: number }[];
    browser ??= await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/dev/mailbox/${row!.id}`);
    const body = page.frameLocator('main iframe').locator('body');
    await expect.poll(() => body.textContent(), { timeout: 10_000 }).toContain('Hello');
    await page.waitForTimeout(300);
    expect(await body.getAttribute('data-ran')).toBeNull();
    expect(await body.getAttribute('data-handler')).toBeNull();
    expect(await page.title()).not.toBe('owned');
    await context.close();
  }, 60_000);
});
