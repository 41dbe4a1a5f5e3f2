import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  signInInBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { endPoll, insertPoll, castVote } from '../helpers/polls.ts';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const LONG_LABEL =
  'Δεντροφύτευση στις γειτονιές του Αγίου Νικολάου και στους δρόμους γύρω από τη λίμνη Βουλισμένη';
let server: LiveServer;
let browser: Browser;
let citizen: { username: string; password: string };
let pollId: number;

beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    citizen = await createActiveUser(ctx.db, 'poll-journey', { full_name: 'Ελένη Σφακιανάκη' });
    pollId = await insertPoll(ctx.db, {
      byPhone: true,
      questionEl: 'Ποιο έργο να χρηματοδοτηθεί πρώτο;',
      questionEn: 'Which project should be funded first?',
      options: [
        { el: 'Ανάπλαση της παιδικής χαράς στη Λατώ', en: 'Renewing the playground at Lato' },
        { el: 'Ποδηλατόδρομος στην παραλιακή οδό', en: 'A cycle path along the seafront' },
        { el: LONG_LABEL, en: 'Planting trees in the neighbourhoods around Voulismeni lake' },
      ],
    });
    // Others have voted, so the chart has bars of different lengths.
    for (const [i, option] of [1, 3, 3].entries()) {
      const other = await createActiveUser(ctx.db, `poll-journey-${i}`);
      const user = await ctx.db('users').where({ id: other.id }).first();
      await castVote(ctx.services, { user, pollId, option, channel: i ? 'web' : 'phone' });
    }
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const url = (path: string) => `${server.baseUrl}${path}`;

/** Opens the page in both languages and runs axe on each; ends on the Greek one. */
async function accessibleInBoth(page: Page, path: string): Promise<void> {
  for (const lang of ['en', 'el']) {
    await page.goto(url(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`));
    await expectAccessible(page);
  }
}

/** From the poll's page (in the language the cookie says), chooses and goes on to the confirmation. */
async function chooseAndContinue(page: Page, position: number): Promise<void> {
  await page.check(`input[name="choice"][value="${position}"]`);
  await page.click(`form[action="/polls/${pollId}/vote"] button[type="submit"]`);
  await page.waitForSelector('#confirm-vote');
}

describe('a citizen votes in a poll and sees its results', () => {
  it('opens the poll from /polls, votes through the confirmation, sees "you voted", then the results', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await signInInBrowser(page, server.baseUrl, citizen.username, citizen.password);
    await accessibleInBoth(page, '/polls');
    expect(await page.isVisible(`[data-poll="${pollId}"] [data-by-phone]`)).toBe(true);
    await page.click(`main a[href="/polls/${pollId}"]`);
    await page.waitForURL(url(`/polls/${pollId}`));
    await accessibleInBoth(page, `/polls/${pollId}`);
    // Not voted yet: the phone is offered too.
    expect(await page.isVisible('#by-phone')).toBe(true);

    // Nothing chosen: the message beside the field.
    await page.click(`form[action="/polls/${pollId}/vote"] button[type="submit"]`);
    await page.waitForSelector('#choice-error');
    expect(await page.textContent('#choice-error')).toContain('Επιλέξτε μία από τις απαντήσεις');

    // The check in English: every option again, the chosen one checked.
    await page.goto(url(`/polls/${pollId}?lang=en`));
    await chooseAndContinue(page, 1);
    expect(await page.isChecked('#choice')).toBe(true);
    expect(await page.textContent('label[for="choice"]')).toBe('Renewing the playground at Lato');
    await expectAccessible(page);

    // In Greek, the citizen changes their mind on the check itself, then confirms.
    await page.goto(url(`/polls/${pollId}?lang=el`));
    await chooseAndContinue(page, 1);
    await page.check('#choice-2');
    expect(await page.textContent('label[for="choice-2"]')).toBe(
      'Ποδηλατόδρομος στην παραλιακή οδό',
    );
    expect(await page.textContent('main')).toContain('δεν μπορεί να αλλάξει');
    await expectAccessible(page);
    await page.click('#confirm-vote');
    await page.waitForURL(url(`/polls/${pollId}`));
    expect(await page.textContent('.govuk-notification-banner')).toContain(
      'Η ψήφος σας καταγράφηκε',
    );
    expect(await page.textContent('#voted')).toContain('από τον ιστότοπο');
    // Voted: nothing more offers the phone, here or on the list.
    expect(await page.locator('#by-phone').count()).toBe(0);
    expect(await page.textContent('main')).not.toContain('28410');
    await expectAccessible(page);
    await page.goto(url(`/polls/${pollId}?lang=en`));
    expect(await page.textContent('#voted')).toContain('on the website');
    expect(await page.locator('#by-phone').count()).toBe(0);
    await expectAccessible(page);
    expect(await page.textContent('main')).not.toMatch(/[\u0370-\u03FF]/);
    await page.goto(url('/polls?lang=el'));
    expect(await page.textContent(`[data-poll="${pollId}"] [data-standing]`)).toBe('Ψηφίσατε');
    expect(await page.locator(`[data-poll="${pollId}"] [data-by-phone]`).count()).toBe(0);

    // The poll closes: the results, with the chart.
    await endPoll(server.db, pollId);
    await page.goto(url(`/polls/${pollId}`));
    expect(await page.isVisible('#results svg[role="img"]')).toBe(true);
    expect(await page.textContent('#voted')).toContain('από τον ιστότοπο');
    const votes = await page.$$eval('#results-table td[data-votes]', (cells) =>
      cells.map((cell) => cell.getAttribute('data-votes')),
    );
    expect(votes).toEqual(['1', '1', '2', '4']);
    // Shares by the largest remainder: 25 + 25 + 50 = 100.
    expect(
      await page.$$eval('#results-table tbody tr[data-position] td:nth-of-type(2)', (cells) =>
        cells.map((cell) => cell.textContent),
      ),
    ).toEqual(['25,0%', '25,0%', '50,0%']);
    await accessibleInBoth(page, `/polls/${pollId}`);
    // On the English page the Greek close reason is marked, so it is read out in Greek.
    await page.goto(url(`/polls/${pollId}?lang=en`));
    expect(await page.getAttribute('#closed-early-reason', 'lang')).toBe('el');
    await context.close();
  }, 90_000);

  it('serves the chart as an image that stands alone: its language, the question and the total above the bars, nothing cut', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    for (const [lang, question, total] of [
      ['el', 'Ποιο έργο να χρηματοδοτηθεί πρώτο;', 'Σύνολο: 4 ψήφοι'],
      ['en', 'Which project should be funded first?', 'Total: 4 votes'],
    ] as const) {
      const res = await page.goto(url(`/polls/${pollId}/results.svg?lang=${lang}`));
      expect(res?.headers()['content-type']).toBe('image/svg+xml; charset=utf-8');
      const drawn = await page.$eval('svg', (svg) => {
        const box = svg.getBoundingClientRect();
        const texts = [...svg.querySelectorAll('text')];
        const firstBar = svg.querySelector('rect')!.getBoundingClientRect().top;
        return {
          lang: svg.getAttributeNS('http://www.w3.org/XML/1998/namespace', 'lang'),
          texts: texts.map((text) => text.textContent),
          aboveBars: texts
            .filter((text) => text.getBoundingClientRect().bottom <= firstBar)
            .map((text) => text.textContent),
          cut: texts
            .filter((text) => {
              const r = text.getBoundingClientRect();
              return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.bottom > box.bottom;
            })
            .map((text) => text.textContent),
        };
      });
      expect(drawn.lang).toBe(lang);
      // The question (on one line or more), then the total, before the first option's label.
      const heading = drawn.aboveBars.slice(0, drawn.aboveBars.indexOf(total));
      expect(heading.join(' ')).toBe(question);
      expect(drawn.aboveBars).toContain(total);
      expect(drawn.cut).toEqual([]);
    }
    await context.close();
  }, 30_000);

  it('shows the results on a 390 px phone without JavaScript, the chart’s labels whole', async () => {
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    for (const lang of ['el', 'en']) {
      await page.goto(url(`/polls/${pollId}?lang=${lang}`));
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        390,
      );
      // Every label and figure of the chart lies inside the drawing, which lies inside the screen.
      const outside = await page.$eval('#results svg', (svg) => {
        const box = svg.getBoundingClientRect();
        const cut = [...svg.querySelectorAll('text')].filter((text) => {
          const r = text.getBoundingClientRect();
          return r.left < box.left - 0.5 || r.right > box.right + 0.5;
        });
        return {
          right: box.right,
          cut: cut.map((text) => text.textContent),
          smallest: Math.min(
            ...[...svg.querySelectorAll('text')].map((text) => text.getBoundingClientRect().height),
          ),
        };
      });
      expect(outside.cut).toEqual([]);
      expect(outside.right).toBeLessThanOrEqual(390);
      // Still text a person reads (the drawing scales down on a phone).
      expect(outside.smallest).toBeGreaterThanOrEqual(12);
    }
    await context.close();
  }, 30_000);
});
