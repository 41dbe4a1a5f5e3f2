import type { Request } from 'express';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import type { Lang } from '../../lib/localized.ts';
import {
  endOf,
  statusOf,
  type Poll,
  type PollOptionRow,
  type PollRow,
  type PollStatus,
  type VoterRow,
} from './polls.repository.ts';
import type { Ineligible, PollResults } from './polls.service.ts';
import { resultsChartSvg, sharesOf } from './results.ts';

const text = 'polls.citizen';

/** The phone portal's lines and its menu option for polls (seed §4), as the pages print them. */
export const PHONE_LINES = ['28410-82925', '28410-82928'] as const;
export const PHONE_MENU_OPTION = 3;

/** Where the visitor stands in an open poll: who they are decides what the page offers. */
export type Standing =
  | { kind: 'anonymous' }
  | { kind: 'voted'; voted: VoterRow }
  | { kind: 'ineligible'; reason: Ineligible }
  | { kind: 'mayVote' };

/** The GOV.UK tag colour of each status; the tag's text says it, the colour only helps. */
export const STATUS_TAG: Record<PollStatus, string> = {
  draft: 'govuk-tag--grey',
  upcoming: 'govuk-tag--blue',
  open: 'govuk-tag--green',
  closed: 'govuk-tag--grey',
};

/** The question in the page's language. */
export const questionOf = (poll: Pick<PollRow, 'question_el' | 'question_en'>, lang: Lang) =>
  lang === 'en' ? poll.question_en : poll.question_el;

/** An option's label in the page's language. */
export const labelOf = (option: Pick<PollOptionRow, 'label_el' | 'label_en'>, lang: Lang) =>
  lang === 'en' ? option.label_en : option.label_el;

const GREEK = /[\u0370-\u03FF\u1F00-\u1FFF]/;
const LATIN = /[A-Za-z]/;

/**
 * The language of a text staff wrote in one language only (a close reason), when it is not the
 * page's: Greek if it has a Greek letter, English if it has Latin letters and no Greek; undefined
 * when it is the page's language or cannot be told (digits only), so its element needs no `lang`.
 * Screen readers then pronounce it in its own language.
 */
export function foreignLangOf(text: string, pageLang: Lang): Lang | undefined {
  const lang = GREEK.test(text) ? 'el' : LATIN.test(text) ? 'en' : undefined;
  return lang === pageLang ? undefined : lang;
}

/** Plain text as paragraphs: split on blank lines, each trimmed, none empty. */
export function paragraphsOf(plain: string): string[] {
  return plain
    .split(/\r?\n[ \t]*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean);
}

const percentFormat = {
  el: new Intl.NumberFormat('el-GR', {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }),
  en: new Intl.NumberFormat('en-GB', {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }),
};
const countFormat = { el: new Intl.NumberFormat('el-GR'), en: new Intl.NumberFormat('en-GB') };

/** A share given in percent (66.7) as the language writes it: "66,7%" / "66.7%". */
export const formatPercent = (percent: number, lang: Lang) =>
  percentFormat[lang].format(percent / 100);

/** A count as the language groups its digits: "12.345" / "12,345". */
export const formatCount = (count: number, lang: Lang) => countFormat[lang].format(count);

/** "You voted on 3 June 2026 by phone.": the day and the channel, never what. */
export function votedText(req: Request, voted: Pick<VoterRow, 'voted_on' | 'channel'>): string {
  return req.t(`${text}.voted.${voted.channel}`, { date: formatDate(voted.voted_on, req.lang) });
}

/**
 * Whether to offer the visitor the phone: a phone poll not closed yet, to someone who may still
 * vote in it or is not signed in (not to one who voted, nor to an account that may not vote).
 */
function offersPhone(poll: Poll, status: PollStatus, standing: Standing | undefined): boolean {
  if (!poll.by_phone || status === 'closed') return false;
  return !standing || standing.kind === 'anonymous' || standing.kind === 'mayVote';
}

/**
 * The poll's times, status and electorate, as the list and the poll's page show them, and
 * whether to tell this visitor they can vote by phone.
 */
function presentBasics(req: Request, poll: Poll, now: Date, standing: Standing | undefined) {
  const status = statusOf(poll, now);
  return {
    id: poll.id,
    href: `/polls/${poll.id}`,
    question: questionOf(poll, req.lang),
    status,
    statusText: req.t(`polls.status.${status}`),
    tag: STATUS_TAG[status],
    opensAt: formatDateTime(poll.opens_at, req.lang),
    closesAt: formatDateTime(poll.closes_at, req.lang),
    endedAt: formatDateTime(endOf(poll), req.lang),
    electorate: req.t(`polls.electorate.${poll.electorate}`),
    offerPhone: offersPhone(poll, status, standing),
  };
}

/** A tag for the signed-in citizen on the list: voted, or why they cannot vote. */
function standingTag(req: Request, standing: Standing | undefined) {
  if (standing?.kind === 'voted')
    return { kind: 'voted', text: req.t(`${text}.tag.voted`), tag: 'govuk-tag--green' };
  if (standing?.kind === 'ineligible')
    return {
      kind: standing.reason,
      text: req.t(`${text}.tag.${standing.reason}`),
      tag: 'govuk-tag--grey',
    };
  if (standing?.kind === 'mayVote')
    return { kind: 'mayVote', text: req.t(`${text}.tag.mayVote`), tag: 'govuk-tag--blue' };
  return undefined;
}

/**
 * A poll on /polls, with the signed-in citizen's tag: on an open poll, voted, may vote or why
 * not; on a closed one, only that they voted (an upcoming poll has no tag). Its standing also
 * decides whether the line about voting by phone is shown.
 */
export function presentListItem(req: Request, poll: Poll, now: Date, standing?: Standing) {
  const basics = presentBasics(req, poll, now, standing);
  const tagged = basics.status === 'open' || standing?.kind === 'voted';
  return { ...basics, standing: tagged ? standingTag(req, standing) : undefined };
}

/**
 * A poll's own page for a visitor who stands so in it: its question, description, times and
 * the phone lines when it has them and they may still vote.
 */
export function presentPoll(req: Request, poll: Poll, now: Date, standing: Standing) {
  return {
    ...presentBasics(req, poll, now, standing),
    paragraphs: paragraphsOf(req.lang === 'en' ? poll.description_en : poll.description_el),
    options: poll.options.map((option) => ({
      position: option.position,
      label: labelOf(option, req.lang),
    })),
    // Written with non-breaking hyphens, so a number is never split across two lines.
    phoneLines: PHONE_LINES.map((line) => ({
      text: line.replace(/-/g, '\u2011'),
      href: `tel:+30${line.replace(/\D/g, '')}`,
    })),
    phoneOption: PHONE_MENU_OPTION,
  };
}

/** Each option's figures in the page's language; the shares add up to 100.0 (sharesOf). */
function resultRows(req: Request, poll: Poll, results: PollResults) {
  const shares = sharesOf(results.options.map((option) => option.votes));
  return poll.options.map((option, i) => {
    const votes = results.options[i]!.votes;
    const percent = shares[i]!;
    return {
      position: option.position,
      label: labelOf(option, req.lang),
      votes,
      votesText: formatCount(votes, req.lang),
      percentText: formatPercent(percent, req.lang),
    };
  });
}

/**
 * The bar chart of the results (SVG), its title and description giving the same figures as the
 * table; `standalone` for the file at results.svg, in the page's language, which also draws the
 * question and the total above the bars.
 */
export function resultsChart(
  req: Request,
  poll: Poll,
  results: PollResults,
  standalone = false,
): string {
  const rows = resultRows(req, poll, results);
  const votes = (count: number) =>
    req.t(`${text}.results.votes`, { count, formatted: formatCount(count, req.lang) });
  const description = [
    ...rows.map((row) =>
      req.t(`${text}.results.figure`, {
        label: row.label,
        votes: votes(row.votes),
        percent: row.percentText,
      }),
    ),
    req.t(`${text}.results.totalFigure`, { votes: votes(results.total) }),
  ].join(' ');
  const question = questionOf(poll, req.lang);
  return resultsChartSvg({
    id: 'poll-chart',
    title: req.t(`${text}.results.chartTitle`, { question }),
    description,
    bars: rows.map((row) => ({
      label: row.label,
      votes: row.votes,
      figures: `${row.votesText} (${row.percentText})`,
    })),
    ...(standalone && {
      standalone: {
        lang: req.lang,
        heading: question,
        total: req.t(`${text}.results.totalLine`, { votes: votes(results.total) }),
      },
    }),
  });
}

/**
 * A closed poll's results for its page: a row per option (label, count, share), the total,
 * turnout per channel, the early close and its reason, and the chart with the same figures.
 */
export function presentResults(req: Request, poll: Poll, results: PollResults) {
  const lang = req.lang;
  return {
    rows: resultRows(req, poll, results),
    total: results.total,
    totalText: formatCount(results.total, lang),
    totalPercentText: formatPercent(results.total ? 100 : 0, lang),
    turnout: {
      web: formatCount(results.turnout.web, lang),
      phone: formatCount(results.turnout.phone, lang),
    },
    closedEarly: poll.closed_early_at
      ? {
          at: formatDateTime(poll.closed_early_at, lang),
          reason: poll.closed_early_reason ?? '',
          // Written by staff in one language: marked when it is not the page's.
          reasonLang: foreignLangOf(poll.closed_early_reason ?? '', lang) ?? '',
        }
      : undefined,
    chart: resultsChart(req, poll, results),
    csvHref: `/polls/${poll.id}/results.csv`,
    jsonHref: `/polls/${poll.id}/results.json`,
    svgHref: `/polls/${poll.id}/results.svg`,
  };
}
