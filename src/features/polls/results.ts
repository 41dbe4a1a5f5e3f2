import { escapeHtml } from '../../lib/format.ts';
import type { Lang } from '../../lib/localized.ts';
import { endOf, type Poll } from './polls.repository.ts';
import type { PollResults } from './polls.service.ts';

/**
 * A closed poll's results as others reuse them: a CSV for Excel, JSON for programs, and the bar
 * chart drawn on the server as SVG (inline in the page and as a file). Only ever called with the
 * results `services.polls.results` gives, which exist once the poll has closed.
 */

/** A CSV field quoted, and a value Excel would take for a formula (=, +, -, @) led by an apostrophe. */
const quote = (value: string) =>
  `"${(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value).replace(/"/g, '""')}"`;

/**
 * Each option's share of the votes in percent with one decimal, by the largest-remainder method:
 * every share is rounded down to a tenth, then the tenths left over go one each to the shares
 * that lost the most in rounding (the earlier option first on a tie), so the shares add up to
 * exactly 100.0 whenever anyone voted (1, 1, 1: 33.4, 33.3, 33.3). No votes: every share 0.
 */
export function sharesOf(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (!total) return counts.map(() => 0);
  // In tenths of a percent, in whole numbers: exact, so ties are real ties.
  const tenths = counts.map((count) => Math.floor((count * 1000) / total));
  const remainders = counts.map((count, i) => ({ i, left: (count * 1000) % total }));
  let missing = 1000 - tenths.reduce((sum, share) => sum + share, 0);
  for (const { i } of remainders.sort((a, b) => b.left - a.left || a.i - b.i)) {
    if (!missing) break;
    tenths[i]! += 1;
    missing -= 1;
  }
  return tenths.map((share) => share / 10);
}

/** The counts of the options, in their order. */
const countsOf = (results: PollResults) => results.options.map((option) => option.votes);

/** A share as the CSV writes it: one decimal, a decimal comma. */
const csvPercent = (percent: number) => percent.toFixed(1).replace('.', ',');

/**
 * The results as Greek Excel opens them: UTF-8 with a byte-order mark, `;` between fields, a
 * decimal comma; one row per option, its labels in both languages, then the total and how many
 * voted by web and by phone (see docs/OPEN-DATA.md).
 */
export function resultsCsv(poll: Poll, results: PollResults): string {
  const shares = sharesOf(countsOf(results));
  const rows = [
    ['position', 'option_el', 'option_en', 'votes', 'percent'],
    ...poll.options.map((option, i) => [
      String(option.position),
      option.label_el,
      option.label_en,
      String(results.options[i]!.votes),
      csvPercent(shares[i]!),
    ]),
    ['total', '', '', String(results.total), csvPercent(results.total ? 100 : 0)],
    ['turnout_web', '', '', String(results.turnout.web), ''],
    ['turnout_phone', '', '', String(results.turnout.phone), ''],
  ];
  return `\uFEFF${rows.map((fields) => fields.map(quote).join(';')).join('\r\n')}\r\n`;
}

/**
 * The results for programs: the poll (and whether, when and why it was closed early), the
 * total, turnout per channel and each option's figures (see docs/OPEN-DATA.md).
 */
export function resultsJson(poll: Poll, results: PollResults) {
  const shares = sharesOf(countsOf(results));
  return {
    poll: {
      id: poll.id,
      question: { el: poll.question_el, en: poll.question_en },
      opens_at: poll.opens_at.toISOString(),
      closes_at: poll.closes_at.toISOString(),
      closed_at: endOf(poll).toISOString(),
      closed_early: poll.closed_early_at !== null,
      closed_early_reason: poll.closed_early_at ? (poll.closed_early_reason ?? null) : null,
    },
    total: results.total,
    turnout: { web: results.turnout.web, phone: results.turnout.phone },
    options: poll.options.map((option, i) => ({
      position: option.position,
      label: { el: option.label_el, en: option.label_en },
      votes: results.options[i]!.votes,
      percent: shares[i]!,
    })),
  };
}

export interface ChartBar {
  label: string;
  votes: number;
  /** The figures beside the bar, as the table writes them: "4 (66,7%)". */
  figures: string;
}

export interface ChartInput {
  /** Prefix of the ids of its title and description (unique in the page). */
  id: string;
  title: string;
  /** The same figures as the table, in words, for those who do not see the bars. */
  description: string;
  bars: readonly ChartBar[];
  /**
   * A file of its own (results.svg): with its namespace, XML declaration and language, and the
   * question and the total drawn above the bars, so it reads without the page around it.
   */
  standalone?: StandaloneChart;
}

export interface StandaloneChart {
  /** The language it is drawn in (xml:lang). */
  lang: Lang;
  /** The question, drawn as its heading. */
  heading: string;
  /** The total, under the heading: "Total: 6 votes". */
  total: string;
}

// The drawing's units: about CSS pixels on a phone (the page shows it at most 3/4 of its column).
const WIDTH = 400;
const FONT = 18;
const LINE = 23;
const BAR_HEIGHT = 26;
const BAR_MAX = 220;
const GAP = 18;
/** Characters on a label's line: a Greek label in capitals still fits the width. */
const LABEL_CHARS = 36;
/** The standalone file's heading (the question): larger and bold, so fewer characters a line. */
const HEADING_FONT = 20;
const HEADING_LINE = 26;
const HEADING_CHARS = 30;

/** A label as lines of at most LABEL_CHARS, broken between words (a longer word is cut). */
export function wrapLabel(label: string, max = LABEL_CHARS): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest.length > max) {
      if (line) lines.push(line);
      lines.push(rest.slice(0, max));
      rest = rest.slice(max);
      line = '';
    }
    if (!line) line = rest;
    else if (line.length + 1 + rest.length <= max) line = `${line} ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/**
 * A horizontal bar chart: each option's label on its own lines above its bar, the figures after
 * the bar, so nothing is cut however narrow the screen (the drawing scales, the text stays
 * outside the bars). Text and outlines take the text colour (`currentColor`), so the chart reads
 * in high-contrast modes; the bars' blue meets 3:1 against white.
 */
export function resultsChartSvg(input: ChartInput): string {
  const most = Math.max(1, ...input.bars.map((bar) => bar.votes));
  const parts: string[] = [];
  let y = input.standalone ? drawHeading(input.standalone, parts) : 0;
  for (const bar of input.bars) {
    for (const line of wrapLabel(bar.label)) {
      y += LINE;
      parts.push(`<text x="0" y="${y - 6}" font-size="${FONT}">${escapeHtml(line)}</text>`);
    }
    const top = y + 4;
    const length = bar.votes ? Math.max(2, Math.round((bar.votes / most) * BAR_MAX)) : 0;
    if (length)
      parts.push(
        `<rect x="0" y="${top}" width="${length}" height="${BAR_HEIGHT}" fill="#1d70b8" stroke="currentColor" stroke-width="1"/>`,
      );
    else
      parts.push(
        `<line x1="0.5" y1="${top}" x2="0.5" y2="${top + BAR_HEIGHT}" stroke="currentColor" stroke-width="1"/>`,
      );
    parts.push(
      `<text x="${length + 8}" y="${top + BAR_HEIGHT / 2 + 6}" font-size="${FONT}" font-weight="bold">${escapeHtml(bar.figures)}</text>`,
    );
    y = top + BAR_HEIGHT + GAP;
  }
  const height = Math.max(y - GAP + 4, LINE);
  const titleId = `${input.id}-title`;
  const descId = `${input.id}-desc`;
  // In a page it takes its box's width, language and font; as a file, its own.
  const own = input.standalone
    ? ` xmlns="http://www.w3.org/2000/svg" xml:lang="${input.standalone.lang}" width="${WIDTH}" height="${height}" font-family="sans-serif"`
    : ' width="100%" font-family="inherit"';
  const svg =
    `<svg${own} class="app-poll-chart" role="img" viewBox="0 0 ${WIDTH} ${height}" ` +
    `aria-labelledby="${titleId} ${descId}" fill="currentColor">` +
    `<title id="${titleId}">${escapeHtml(input.title)}</title>` +
    `<desc id="${descId}">${escapeHtml(input.description)}</desc>` +
    `${parts.join('')}</svg>`;
  return input.standalone ? `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n` : svg;
}

/**
 * The standalone file's heading: the question in bold on as many lines as it takes, the total
 * under it (the page has its own heading and table, so the inline chart draws neither). Returns
 * where the bars start.
 */
function drawHeading(standalone: StandaloneChart, parts: string[]): number {
  let y = 0;
  for (const line of wrapLabel(standalone.heading, HEADING_CHARS)) {
    y += HEADING_LINE;
    parts.push(
      `<text x="0" y="${y - 6}" font-size="${HEADING_FONT}" font-weight="bold">${escapeHtml(line)}</text>`,
    );
  }
  y += LINE + 4;
  parts.push(`<text x="0" y="${y - 6}" font-size="${FONT}">${escapeHtml(standalone.total)}</text>`);
  return y + GAP;
}
