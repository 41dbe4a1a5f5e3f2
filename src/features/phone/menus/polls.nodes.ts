import { athensDate, athensDateTime, formatDate } from '../../../lib/format.ts';
import type { Lang } from '../../../lib/localized.ts';
import { statusOf, type Poll, type PollOptionRow } from '../../polls/polls.repository.ts';
import { PHONE_OPTIONS_MAX, versionOf, type VoteResult } from '../../polls/polls.service.ts';
import type { Line, Move, Nodes, Prompt, Turn } from '../engine.ts';
import { closing, idIn, notAnOption, signedOut } from './common.ts';

/**
 * Option 3: voting by phone. The open phone polls this caller may still vote in, by number; a
 * poll's question and options; the option pressed, read back and confirmed; the vote cast through
 * the polls' vote service (channel phone), which refuses a second one however it comes.
 *
 * Secrecy: the option chosen is kept in the call's state from the question to the confirmation
 * only. Every move out of the confirmation (the vote, choosing again, star) carries no option.
 */

const P = 'phone.voice.polls';
/** Keypad digits for the list: 1 to 9 (0 repeats, star is the main menu). */
const LIST_MAX = 9;
/** The key that goes back from a poll to the list (a phone poll has at most 8 options). */
const BACK_KEY = '9';
/** A description longer than this is left to the website. */
const SPOKEN_DESCRIPTION_MAX = 300;

const questionOf = (poll: Poll, lang: Lang) =>
  lang === 'en' ? poll.question_en : poll.question_el;

/** An option as the phone reads it: its spoken label, or its label if it has none. */
const spokenOf = (option: PollOptionRow, lang: Lang) =>
  lang === 'en' ? (option.spoken_en ?? option.label_en) : (option.spoken_el ?? option.label_el);

/** Text written by staff as one spoken sentence: ends with a stop unless it ends in one already. */
function sentence(text: string): string {
  const trimmed = text.replace(/\s+/g, ' ').trim();
  return /[.!?;\u037e]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** An instant as the voice reads it: the Athens day in words and the time. */
function whenOf(instant: Date, lang: Lang) {
  return { date: formatDate(athensDate(instant), lang), time: athensDateTime(instant).slice(11) };
}

/** The poll the caller picked (kept in `data.poll`), if it is still open to phone votes. */
async function openPhonePoll(turn: Turn): Promise<Poll | undefined> {
  const id = idIn(turn.data.poll);
  const poll = id === undefined ? undefined : await turn.ctx.services.polls.poll(id);
  if (!poll?.by_phone || statusOf(poll, turn.ctx.deps.clock.now()) !== 'open') return undefined;
  if (poll.options.length > PHONE_OPTIONS_MAX) return undefined;
  return poll;
}

const notOpen = (turn: Turn): Move => ({ go: 'polls', say: [turn.t(`${P}.notOpenAnyMore`)] });

/** What the caller hears when the vote service says no, and where they go next. */
function refusalMove(turn: Turn, result: Exclude<VoteResult, { ok: true }>, pollId: number): Move {
  turn.outcome('vote_refused');
  if (result.reason === 'poll_changed')
    return {
      go: 'polls.question',
      data: { poll: pollId },
      say: [turn.t(`${P}.refused.poll_changed`)],
    };
  if (result.reason === 'already_voted') {
    const voted = result.voted;
    const line = voted
      ? turn.t(`${P}.alreadyVoted.${voted.channel}`, {
          date: formatDate(voted.voted_on, turn.lang),
        })
      : turn.t(`${P}.alreadyVoted.any`);
    return { go: 'polls', say: [line] };
  }
  return { go: 'polls', say: [turn.t(`${P}.refused.${result.reason}`)] };
}

export const pollNodes: Nodes = {
  /** The list: the open phone polls this caller has not voted in yet, by number. */
  polls: {
    menu: 'polls',
    enter: async (turn): Promise<Prompt | Move> => {
      if (!turn.user) return signedOut(turn);
      const offered = await turn.ctx.services.polls.phonePolls(turn.user);
      const open = offered.filter((entry) => !entry.voted).map((entry) => entry.poll);
      const votedIn = offered.length - open.length;
      const voted: Line[] = votedIn ? [turn.t(`${P}.votedIn`, { count: votedIn })] : [];
      if (!open.length) return { go: 'main', say: [turn.t(`${P}.none`), ...voted] };
      const listed = open.slice(0, LIST_MAX);
      // The numbers name the polls as they were read out, even if another opens meanwhile.
      turn.data.polls = listed.map((poll) => poll.id);
      return {
        say: [
          turn.t(`${P}.intro`, { count: open.length }),
          ...voted,
          ...listed.map((poll, i) =>
            turn.t(`${P}.item`, {
              n: i + 1,
              question: sentence(questionOf(poll, turn.lang)),
              ...whenOf(poll.closes_at, turn.lang),
            }),
          ),
          ...(open.length > listed.length ? [turn.t(`${P}.more`)] : []),
          ...closing(turn),
        ],
        gather: { numDigits: 1 },
      };
    },
    handle: (turn, input): Move => {
      const ids = Array.isArray(turn.data.polls) ? turn.data.polls : [];
      const id = /^[1-9]$/.test(input.digits) ? idIn(ids[Number(input.digits) - 1]) : undefined;
      if (id === undefined) return notAnOption(turn);
      return { go: 'polls.question', data: { poll: id } };
    },
  },

  /** One poll: its question (and description, if short) and its options, by number. */
  'polls.question': {
    menu: 'polls',
    enter: async (turn): Promise<Prompt | Move> => {
      if (!turn.user) return signedOut(turn);
      const poll = await openPhonePoll(turn);
      if (!poll) return notOpen(turn);
      const description = (turn.lang === 'en' ? poll.description_en : poll.description_el).trim();
      const about = !description
        ? []
        : description.length <= SPOKEN_DESCRIPTION_MAX
          ? [sentence(description)]
          : [turn.t(`${P}.descriptionOnWebsite`)];
      // What the caller hears now is what a vote will be counted for (the poll's version).
      turn.data.version = versionOf(poll);
      turn.data.options = poll.options.length;
      return {
        say: [
          sentence(questionOf(poll, turn.lang)),
          ...about,
          ...poll.options.map((option) =>
            turn.t(`${P}.option`, { option: spokenOf(option, turn.lang), n: option.position }),
          ),
          turn.t(`${P}.backToList`),
          ...closing(turn),
        ],
        gather: { numDigits: 1 },
      };
    },
    handle: (turn, input): Move => {
      const pollId = idIn(turn.data.poll);
      const { version, options } = turn.data;
      if (input.digits === BACK_KEY || pollId === undefined) return { go: 'polls' };
      const option = /^[1-9]$/.test(input.digits) ? Number(input.digits) : 0;
      if (typeof version !== 'string' || typeof options !== 'number' || option > options || !option)
        return notAnOption(turn);
      return { go: 'polls.confirm', data: { poll: pollId, version, option } };
    },
  },

  /** The choice read back: 1 casts the vote, 2 goes back to the options. */
  'polls.confirm': {
    acts: true,
    menu: 'polls',
    enter: async (turn): Promise<Prompt | Move> => {
      if (!turn.user) return signedOut(turn);
      const poll = await openPhonePoll(turn);
      if (!poll) return notOpen(turn);
      const option = poll.options.find((o) => o.position === turn.data.option);
      if (!option || versionOf(poll) !== turn.data.version)
        return {
          go: 'polls.question',
          data: { poll: poll.id },
          say: [turn.t(`${P}.changed`)],
        };
      return {
        say: [
          turn.t(`${P}.chosen`, { option: spokenOf(option, turn.lang) }),
          turn.t(`${P}.confirm`),
          ...closing(turn),
        ],
        gather: { numDigits: 1 },
      };
    },
    handle: async (turn, input): Promise<Move> => {
      const pollId = idIn(turn.data.poll);
      const option = turn.data.option;
      const version = turn.data.version;
      if (!turn.user) return signedOut(turn);
      if (pollId === undefined || typeof option !== 'number' || typeof version !== 'string')
        return { go: 'polls' };
      if (input.digits === '2') return { go: 'polls.question', data: { poll: pollId } };
      if (input.digits !== '1') return notAnOption(turn);
      const result = await turn.ctx.services.polls.vote({
        user: turn.user,
        pollId,
        option,
        channel: 'phone',
        version,
      });
      if (!result.ok) return refusalMove(turn, result, pollId);
      turn.outcome('voted');
      // On to the list, with nothing of the choice kept.
      return { go: 'polls', data: {}, say: [turn.t(`${P}.voted`)] };
    },
  },
};
