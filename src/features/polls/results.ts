import { escapeHtml } from '../../lib/format.ts';
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
 * The results as Greek Excel opens them: UTF-8 with a byte-order mark, `;` between fields, a
 * decimal comma; one row per option, its labels in both languages.
 */
export function resultsCsv(poll: Poll, results: PollResults): string {
  const rows = [
    ['position', 'option_el', 'option_en', 'votes', 'percent'],
    ...poll.options.map((option, i) => {
      const counted = results.options[i]!;
      return [
        String(option.position),
        option.label_el,
        option.label_en,
        String(counted.votes),
        counted.percent.toFixed(1).replace('.', ','),
      ];
    }),
  ];
  return `\uFEFF${rows.map((fields) => fields.map(quote).join(';')).join('\r\n')}\r\n`;
}

/** The results for programs: the poll, the total, turnout per channel and each option's figures. */
export function resultsJson(poll: Poll, results: PollResults) {
  return {
    poll: {
      id: poll.id,
      question: { el: poll.question_el, en: poll.question_en },
      opens_at: poll.opens_at.toISOString(),
      closes_at: poll.closes_at.toISOString(),
      closed_at: endOf(poll).toISOString(),
    },
    total: results.total,
    turnout: { web: results.turnout.web, phone: results.turnout.phone },
    options: poll.options.map((option, i) => ({
      position: option.position,
      label: { el: option.label_el, en: option.label_en },
      votes: results.options[i]!.votes,
      percent: results.options[i]!.percent,
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
  /** A file of its own (results.svg): with its namespace and XML declaration. */
  standalone?: boolean;
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
  let y = 0;
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
  // In a page it takes its box's width and the page's font; as a file, its own size.
  const own = input.standalone
    ? ` xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif"`
    : ' width="100%" font-family="inherit"';
  const svg =
    `<svg${own} class="app-poll-chart" role="img" viewBox="0 0 ${WIDTH} ${height}" ` +
    `aria-labelledby="${titleId} ${descId}" fill="currentColor">` +
    `<title id="${titleId}">${escapeHtml(input.title)}</title>` +
    `<desc id="${descId}">${escapeHtml(input.description)}</desc>` +
    `${parts.join('')}</svg>`;
  return input.standalone ? `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n` : svg;
}
