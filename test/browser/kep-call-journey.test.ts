import { createServer, type Server } from 'node:http';
import { jwtVerify, type JWTPayload } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAND_IN_EXTERNAL_API } from '../../src/features/kep/call/dev/external-api.stand-in.ts';
import { TEST_TAXPAYERS, type TestTaxpayer } from '../../src/features/taxisnet/dev/taxpayers.ts';
import { createActiveUser, drainMail, linkIn } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  signInInBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { freePort } from '../helpers/free-port.ts';
import { signedInStaff, STAFF_PASSWORD } from '../helpers/staff.ts';

/**
 * The ΚΕΠ call in a real browser. No Jitsi server runs here: a stand-in host on its own port
 * serves `external_api.js` (the iframe API the portal uses) and a room page, as the configured
 * JITSI_BASE_URL. The console must load the script from that host (its CSP allows exactly it),
 * create the room with the appointment's room and the clerk's owner token, turn the lobby on,
 * keep the call up while its forms are sent, and mute everyone's video for sound only; the
 * citizen's page joins with a member's token and has a sound-only switch of its own.
 */
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const SECRET = 'the-browser-test-jitsi-secret-0123456789';
const [, CITIZEN] = TEST_TAXPAYERS as [TestTaxpayer, TestTaxpayer];
const ROOM = 'browser-call-room-0123456789abcdef';

interface Claims extends JWTPayload {
  room: string;
  context: { user: { affiliation: string; lobby_bypass?: boolean; name: string } };
}

let jitsi: Server;
let jitsiHost: string;
const jitsiRequests: string[] = [];
let server: LiveServer;
let browser: Browser;
let clerk: { id: number; username: string };
let appointmentId: number;
/** The citizen's browser, signed in with TaxisNet by the call page's test, kept for the outcome's. */
let citizen: { context: BrowserContext; page: Page } | undefined;
const HELPER = { name: 'Ελένη Μαρκάκη', email: 'eleni.interpreter@example.gr' };
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');

beforeAll(async () => {
  const port = await freePort();
  jitsiHost = `127.0.0.1:${port}`;
  jitsi = createServer((req, res) => {
    jitsiRequests.push(req.url ?? '');
    if (req.url === '/external_api.js') {
      res.writeHead(200, { 'content-type': 'application/javascript' });
      res.end(STAND_IN_EXTERNAL_API);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>Room</title><main><h1>Room</h1></main></html>');
  });
  await new Promise<void>((resolve) => jitsi.listen(port, '127.0.0.1', resolve));

  server = await startLiveServer(
    async (ctx) => {
      clerk = await signedInStaff(ctx.app, ctx.db, ['clerk']);
      const area = (await ctx.db('kep_areas').first('id')) as { id: number };
      const citizen = await createActiveUser(ctx.db, 'kep-call-browser', {
        full_name: `${CITIZEN.firstname} ${CITIZEN.lastname}`,
        email: 'kep.call.browser@example.gr',
        taxisnet_afm: CITIZEN.taxid,
        taxisnet_linked_at: new Date(),
      });
      const start = Date.now() + 2 * 60_000;
      const [row] = (
        await ctx.db.raw(
          `INSERT INTO kep_appointments (reference, area_id, clerk_id, citizen_id, afm, full_name,
           email, starts_at, ends_at, buffered, status, room, lang)
           VALUES ('ΚΕΠ-2026-600001', ?, ?, ?, ?, ?, 'kep.call.browser@example.gr', ?, ?,
           tstzrange(?, ?), 'booked', ?, 'el') RETURNING id`,
          [
            area.id,
            clerk.id,
            citizen.id,
            CITIZEN.taxid,
            `${CITIZEN.firstname} ${CITIZEN.lastname}`,
            new Date(start),
            new Date(start + 20 * 60_000),
            new Date(start),
            new Date(start + 25 * 60_000),
            ROOM,
          ],
        )
      ).rows as { id: number }[];
      appointmentId = row!.id;
    },
    {
      JITSI_BASE_URL: `http://${jitsiHost}`,
      JITSI_APP_ID: 'dimos-browser-test',
      JITSI_APP_SECRET: SECRET,
    },
  );
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await citizen?.context.close();
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => jitsi?.close(resolve));
});

const url = (where: string) => `${server.baseUrl}${where}`;

async function newPage(
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: DESKTOP, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return { context, page };
}

const verify = async (jwt: string) =>
  (
    await jwtVerify<Claims>(jwt, new TextEncoder().encode(SECRET), {
      issuer: 'dimos-browser-test',
      audience: 'jitsi',
    })
  ).payload;

/** What the page's stand-in API was given: its domain, room, token, and the commands so far. */
type Seen = { domain: string; room: string; jwt: string; commands: unknown[][] };
const seen = (page: Page) =>
  page.evaluate(() => {
    const apis = (window as unknown as { jitsiStandIn?: Record<string, never>[] }).jitsiStandIn;
    const api = apis?.[apis.length - 1] as
      | { domain: string; options: { roomName: string; jwt: string }; commands: unknown[][] }
      | undefined;
    return api
      ? {
          domain: api.domain,
          room: api.options.roomName,
          jwt: api.options.jwt,
          commands: api.commands,
        }
      : undefined;
  }) as Promise<Seen | undefined>;

async function waitForCommand(page: Page, command: unknown[]) {
  await expect
    .poll(async () => (await seen(page))?.commands ?? [], { timeout: 8000 })
    .toContainEqual(command);
}

describe('the clerk’s console', () => {
  it('embeds the room from the configured host with the owner’s token and keeps it through the forms', async () => {
    const { context, page } = await newPage();
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) blocked.push(message.text());
    });
    await signInInBrowser(page, server.baseUrl, clerk.username, STAFF_PASSWORD);
    await page.goto(url(`/staff/kep/appointments/${appointmentId}`));
    await page.waitForFunction(() =>
      Boolean((window as { jitsiStandIn?: unknown[] }).jitsiStandIn?.length),
    );
    const api = (await seen(page))!;
    expect(api.domain).toBe(jitsiHost);
    expect(api.room).toBe(ROOM);
    const claims = await verify(api.jwt);
    expect(claims.room).toBe(ROOM);
    expect(claims.context.user).toMatchObject({ affiliation: 'owner', lobby_bypass: true });
    expect(jitsiRequests).toContain('/external_api.js');
    await page.waitForSelector('[data-kep-room-frame] iframe');
    await waitForCommand(page, ['toggleLobby', true]);
    expect(jitsiRequests.some((r) => r.startsWith(`/${ROOM}?jwt=`))).toBe(true);
    expect(blocked).toEqual([]);
    await expectAccessible(page);

    // The identity check is sent in the background: the frame (and the call) stays.
    await page.evaluate(() => {
      document.querySelector('[data-kep-room-frame] iframe')!.setAttribute('data-kept', 'yes');
    });
    await page.locator('#documentType').check();
    await page.locator('#documentNumber').fill('ΑΚ 123456');
    await page.locator('#result').check();
    await page.locator('#record-identity').click();
    await page.waitForSelector('#identity-result');
    expect(await page.locator('iframe[data-kept="yes"]').count()).toBe(1);
    expect(await page.locator('#identity-account').textContent()).toContain('ταυτοποιημένος');

    await page.locator('#set-audio-only').click();
    await page.waitForSelector('#audio-only-set');
    await waitForCommand(page, ['muteEveryone', 'video']);
    expect(await page.locator('iframe[data-kept="yes"]').count()).toBe(1);
    await expectAccessible(page);

    // A helper invited from the console: the mail's link, the invitation, joining, admitting.
    await page.locator('#guest-name').fill(HELPER.name);
    await page.locator('#guest-email').fill(HELPER.email);
    await page.locator('#guest-relation').check();
    await page.locator('#invite-guest').click();
    await page.waitForSelector('#guest-list');
    expect(await page.locator('iframe[data-kept="yes"]').count()).toBe(1);
    const invitation = (await drainMail(server.deps)).find((mail) => mail.to === HELPER.email)!;
    const link = linkIn(invitation, '/kep/guest');
    const guest = await newPage({ viewport: PHONE });
    await guest.page.goto(url(link));
    expect(await guest.page.locator('#guest-join').count()).toBe(1);
    await expectAccessible(guest.page);
    await guest.page.locator('#guest-join').click();
    await guest.page.locator('#room-link').click();
    await guest.page.waitForSelector('[data-kep-room-frame] iframe');
    const guestApi = (await seen(guest.page))!;
    const guestClaims = await verify(guestApi.jwt);
    expect(guestClaims).toMatchObject({ room: ROOM });
    expect(guestClaims.context.user).toMatchObject({ affiliation: 'member', name: HELPER.name });
    await expectAccessible(guest.page);
    await guest.context.close();
    // In the lobby (the stand-in plays the knock); the console's button admits and records it.
    await page.reload();
    await page.waitForSelector('[data-kep-room-frame] iframe');
    await page.evaluate((name) => {
      const apis = (window as unknown as { jitsiStandIn: { knock(name: string): void }[] })
        .jitsiStandIn;
      apis[apis.length - 1]!.knock(name);
    }, HELPER.name);
    await page.locator(`button[data-kep-admit-name="${HELPER.name}"]`).click();
    await expect
      .poll(async () => ((await seen(page))?.commands ?? []).map((c) => c[0]))
      .toContain('answerKnockingParticipant');
    await page.waitForSelector('[data-guest-state="admitted"]');

    // In English too, and on a phone: the details under the call.
    await page.goto(url(`/staff/kep/appointments/${appointmentId}?lang=en`));
    await page.waitForSelector('[data-kep-room-frame] iframe');
    await expectAccessible(page);
    await page.setViewportSize(PHONE);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await context.close();
  });

  it('without JavaScript shows the details and a plain link into the room', async () => {
    const { context, page } = await newPage({ javaScriptEnabled: false });
    await signInInBrowser(page, server.baseUrl, clerk.username, STAFF_PASSWORD);
    await page.goto(url(`/staff/kep/appointments/${appointmentId}`));
    const href = (await page.getAttribute('#room-link', 'href'))!;
    expect(href.startsWith(`http://${jitsiHost}/${ROOM}?jwt=`)).toBe(true);
    expect(await page.locator('#appointment').count()).toBe(1);
    await context.close();
  });
});

describe('the citizen’s call page', () => {
  it('joins with a member’s token, switches its own camera, and hears that the call is sound only', async () => {
    citizen = await newPage({ viewport: PHONE });
    const { page } = citizen;
    await page.goto(url(`/kep/appointments/${appointmentId}/call`));
    await page.waitForURL((u) => u.pathname.startsWith('/dev/gsis'));
    await page.getByRole('radio', { name: `${CITIZEN.firstname} ${CITIZEN.lastname}` }).check();
    await page.getByRole('button', { name: 'Αποδοχή' }).click();
    await page.waitForURL((u) => u.pathname === `/kep/appointments/${appointmentId}/call`);
    // The camera check says something (the test browser has no camera: how to allow one).
    await expect
      .poll(async () => (await page.locator('[data-kep-room-status]').textContent())?.trim())
      .not.toBe('');
    await expectAccessible(page);
    await page.locator('#room-link').click();
    await page.waitForSelector('[data-kep-room-frame] iframe');
    const api = (await seen(page))!;
    expect(api.domain).toBe(jitsiHost);
    const claims = await verify(api.jwt);
    expect(claims.room).toBe(ROOM);
    expect(claims.context.user.affiliation).toBe('member');
    expect(claims.context.user.lobby_bypass).toBeUndefined();
    await page.locator('#sound-only').click();
    await waitForCommand(page, ['toggleVideo']);
    // The clerk set sound only (the test above): the page says so at its next look.
    await expect
      .poll(async () => page.locator('[data-kep-room-status]').textContent(), { timeout: 12_000 })
      .toContain('μόνο ήχο');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width);
  }, 30_000);
});

describe('after the call', () => {
  it('the clerk records the outcome and emails the result; the citizen sees both and the call ends', async () => {
    const { context, page } = await newPage();
    await signInInBrowser(page, server.baseUrl, clerk.username, STAFF_PASSWORD);
    await page.goto(url(`/staff/kep/appointments/${appointmentId}`));
    await page.waitForSelector('[data-kep-room-frame] iframe');
    await page.locator('#outcome-kind').check();
    await page.locator('#outcome-requested').fill('Βεβαίωση μόνιμης κατοικίας');
    await page.locator('#record-outcome').click();
    await page.waitForSelector('#outcome-recorded');
    await waitForCommand(page, ['hangup']);
    await page.locator('#delivery-method').check();
    await page.locator('#delivery-file').setInputFiles({
      name: 'vevaiosi.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await page.locator('#record-delivery').click();
    await page.waitForSelector('#delivery-done');
    expect(await page.getAttribute('#delivery-done', 'data-delivery')).toBe('emailed');
    await expectAccessible(page);
    const mails = (await drainMail(server.deps)).filter(
      (mail) => mail.to === 'kep.call.browser@example.gr',
    );
    expect(mails.some((mail) => mail.attachments?.some((a) => a.fileName === 'vevaiosi.pdf'))).toBe(
      true,
    );
    await context.close();

    // The citizen's call page hears that the call is over; the appointment shows the outcome.
    const { page: own } = citizen!;
    await own.waitForSelector('#call-ended', { timeout: 12_000 });
    await own.goto(url(`/kep/appointments/${appointmentId}`));
    expect(await own.getAttribute('#outcome', 'data-outcome')).toBe('served');
    expect(await own.getAttribute('#outcome-download', 'href')).toBe(
      `/kep/appointments/${appointmentId}/result`,
    );
    await expectAccessible(own);
    await own.goto(url(`/kep/appointments/${appointmentId}?lang=en`));
    await expectAccessible(own);
    // The manual, in both languages.
    for (const lang of ['el', 'en']) {
      await own.goto(url(`/kep/manual?lang=${lang}`));
      await expectAccessible(own);
    }
  }, 40_000);
});
