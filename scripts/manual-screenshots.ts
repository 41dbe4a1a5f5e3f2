/**
 * npm run manual:screenshots: the pictures of the ΚΕΠ's citizen pages that the user manual
 * (/kep/manual) shows, taken from the running portal on the demo data, in Greek and English.
 *
 * The portal starts here as `npm start` does (migrations, the demo accounts and data, the stand-in
 * TaxisNet and Jitsi of development), on a database of its own that is dropped at the end:
 * DATABASE_URL's server when set, else an embedded PostgreSQL under .data/manual-postgres. A
 * headless Chromium (playwright-core, as the browser tests drive it) signs in with the stand-in
 * TaxisNet as the demo citizen (ΜΑΝΩΛΑΚΗΣ ΓΕΩΡΓΙΟΣ, demo.verified) and takes, 1280 px wide:
 * /kep, the time step and the check step of a booking (never confirmed), the appointments, one
 * appointment, and a call page open now (an appointment starting in five minutes is added for
 * it), which is also taken 390 px wide, as on a phone. Each picture is the page's main column,
 * saved as a small PNG (a palette of colours) in src/features/kep/manual/screenshots/.
 *
 * Run by hand when those pages change, and commit the pictures; not part of CI.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { seedDemoAccounts } from '../src/db/demo-accounts.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded.ts';
import { createDb } from '../src/db/knex.ts';
import { migrateLatest } from '../src/db/migrate.ts';
import { seedDemoData } from '../src/db/seed.ts';
import { createDeps, type Deps } from '../src/deps.ts';
import { createHttpServer } from '../src/http-server.ts';
import { SCREENSHOT_DIR } from '../src/features/kep/manual/manual.screenshots.ts';
import type { ManualShot } from '../src/features/kep/manual/manual.content.ts';
import { TEST_TAXPAYERS } from '../src/features/taxisnet/dev/taxpayers.ts';
import { createServices } from '../src/services.ts';
import { freePort } from '../test/helpers/free-port.ts';

type Lang = 'el' | 'en';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
/** The demo citizen: the stand-in TaxisNet's first taxpayer is demo.verified's AFM. */
const CITIZEN = TEST_TAXPAYERS[0]!;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** White space kept around the main column, in CSS pixels. */
const MARGIN = 15;

const server = process.env.DATABASE_URL
  ? { url: process.env.DATABASE_URL, stop: () => Promise.resolve() }
  : await startEmbeddedPostgres({
      dataDir: '.data/manual-postgres',
      port: await freePort(),
      database: 'postgres',
    });
const database = await createDatabase(server);
const uploadDir = await mkdtemp(path.join(tmpdir(), 'manual-screenshots-'));
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const config = loadConfig({
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  PORT: String(port),
  BASE_URL: baseUrl,
  DATABASE_URL: database.url,
  UPLOAD_DIR: uploadDir,
  RUN_WORKER: 'false',
});
const deps = createDeps(config, database.url);
let portal: Server | undefined;
let browser: Browser | undefined;
try {
  console.log('preparing the portal and its demo data…');
  await migrateLatest(deps.db);
  const today = deps.clock.now();
  await seedDemoAccounts(deps.db, { production: false, now: today });
  await seedDemoData(deps.db, deps.documents, {
    municipality: config.MUNICIPALITY_NAME_EL,
    today,
  });
  await deps.start();
  const app = createApp(deps, { services: createServices(deps) });
  portal = await new Promise<Server>((resolve) => {
    const listening = createHttpServer(app).listen(port, '127.0.0.1', () => resolve(listening));
  });
  const appointments = await prepareAppointments(deps);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      // A camera and a microphone that always work, allowed without asking.
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ],
  });
  for (const lang of ['el', 'en'] as const) await shootLanguage(browser, lang, appointments);
  console.log(`saved in ${path.relative(process.cwd(), SCREENSHOT_DIR)}`);
} finally {
  await browser?.close();
  if (portal) {
    portal.closeAllConnections();
    await new Promise((resolve) => portal!.close(resolve));
  }
  await deps.close();
  await database.drop();
  await server.stop();
  await rm(uploadDir, { recursive: true, force: true });
}

/** A database of this run's own on the server, dropped at the end (the portal's is untouched). */
async function createDatabase(on: EmbeddedServer) {
  const name = `manual_screenshots_${randomBytes(4).toString('hex')}`;
  const admin = createDb(on.url, 1);
  await admin.raw(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
  await admin.destroy();
  const url = new URL(on.url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = createDb(on.url, 1);
      await cleanup.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.destroy();
    },
  };
}

/**
 * The demo citizen's appointment the demo data booked (the next working day), and one starting in
 * five minutes with the demo clerk, so that its call page is open (it opens 10 minutes before).
 */
async function prepareAppointments(deps: Deps): Promise<{ booked: number; now: number }> {
  const { db } = deps;
  const booked = (await db('kep_appointments')
    .where({ afm: CITIZEN.taxid, status: 'booked' })
    .orderBy('starts_at')
    .first('id', 'area_id', 'clerk_id', 'citizen_id', 'afm', 'full_name', 'email')) as {
    id: number;
    area_id: number;
    clerk_id: number;
    citizen_id: number | null;
    afm: string;
    full_name: string;
    email: string;
  };
  const area = (await db('kep_areas').where({ id: booked.area_id }).first('minutes')) as {
    minutes: number;
  };
  const start = new Date(Math.ceil((deps.clock.now().getTime() + 5 * 60_000) / 60_000) * 60_000);
  const end = new Date(start.getTime() + area.minutes * 60_000);
  const now = deps.clock.now();
  const { rows } = (await db.raw(
    `INSERT INTO kep_appointments (reference, area_id, clerk_id, citizen_id, afm, full_name,
       email, phone_e164, starts_at, ends_at, buffered, delivery, lang, room, created_at, updated_at)
     VALUES ('ΚΕΠ-' || ?::text || '-' || lpad(nextval('kep_appointment_numbers')::text, 6, '0'),
       ?, ?, ?, ?, ?, ?, ?, ?, ?, tstzrange(?, ?), 'email', 'el', ?, ?, ?)
     RETURNING id`,
    [
      String(start.getFullYear()),
      booked.area_id,
      booked.clerk_id,
      booked.citizen_id,
      booked.afm,
      booked.full_name,
      booked.email,
      '+306912345678',
      start,
      end,
      start,
      end,
      `kep-manual-${randomBytes(18).toString('base64url')}`,
      now,
      now,
    ],
  )) as { rows: { id: number }[] };
  return { booked: booked.id, now: rows[0]!.id };
}

async function shootLanguage(
  browser: Browser,
  lang: Lang,
  appointments: { booked: number; now: number },
): Promise<void> {
  const context = await browser.newContext({
    viewport: DESKTOP,
    deviceScaleFactor: 1,
    locale: lang === 'el' ? 'el-GR' : 'en-GB',
    timezoneId: 'Europe/Athens',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const open = async (where: string) => {
    await page.goto(`${baseUrl}${where}`);
    await page.waitForLoadState('networkidle');
  };
  const submit = (action: string) =>
    page.locator(`form[action="${action}"] button[type="submit"]`).first().click();
  const onPath = (where: string) => page.waitForURL((url) => url.pathname === where);

  await open(`/kep?lang=${lang}`);
  await shoot(page, 'kep', lang);

  // Booking: TaxisNet's stand-in, then the steps up to the check (never confirmed).
  await page.locator('a[href="/kep/book"]').first().click();
  await page.waitForURL((url) => url.pathname.startsWith('/dev/gsis/'));
  await page.locator(`input[name="taxpayer"][value="${CITIZEN.taxid}"]`).check();
  await page.locator('button[name="decision"][value="allow"]').click();
  await onPath('/kep/book/area');
  await page.locator('#area').check();
  await submit('/kep/book/area');
  await onPath('/kep/book/day');
  await page.locator('#day').check();
  await submit('/kep/book/day');
  await onPath('/kep/book/time');
  await shoot(page, 'book-time', lang);
  await page.locator('#time').check();
  await submit('/kep/book/time');
  await onPath('/kep/book/details');
  await page.fill('#phone', '6912345678');
  await submit('/kep/book/details');
  await onPath('/kep/book/check');
  await shoot(page, 'book-check', lang);

  await open('/kep/appointments');
  await shoot(page, 'appointments', lang);
  await open(`/kep/appointments/${appointments.booked}`);
  await shoot(page, 'appointment', lang);
  await open(`/kep/appointments/${appointments.now}/call`);
  await shoot(page, 'call', lang);
  await page.setViewportSize(PHONE);
  await page.reload();
  await page.waitForLoadState('networkidle');
  await shoot(page, 'call-phone', lang);
  await context.close();
}

/** The page's main column (with a little of the page around it), as a palette PNG. */
async function shoot(page: Page, shot: ManualShot, lang: Lang): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  const column = page.locator('main .govuk-grid-column-two-thirds').first();
  const target = (await column.count()) ? column : page.locator('main');
  const box = await target.boundingBox();
  if (!box) throw new Error(`nothing to take on ${page.url()}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  const x = Math.max(0, box.x - MARGIN);
  const raw = await page.screenshot({
    fullPage: true,
    animations: 'disabled',
    clip: {
      x,
      y: Math.max(0, box.y - MARGIN),
      width: Math.min(width - x, box.width + 2 * MARGIN),
      height: box.height + 2 * MARGIN,
    },
  });
  const png = await sharp(raw).png({ palette: true, colours: 128, compressionLevel: 9 }).toBuffer();
  const file = path.join(SCREENSHOT_DIR, `${shot}-${lang}.png`);
  await writeFile(file, png);
  console.log(`${path.basename(file)}: ${Math.round(png.length / 1024)} KB`);
}
