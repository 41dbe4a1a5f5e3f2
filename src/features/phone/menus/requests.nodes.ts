import { pick } from '../../../lib/localized.ts';
import { CATEGORY_GROUPS, type CategoryRow } from '../../requests/categories.repository.ts';
import { formatReference } from '../../requests/reference.ts';
import type { Move, Nodes, Prompt, Turn } from '../engine.ts';
import { ensureRecordingQueue, queueRecordingFetch } from '../recordings.job.ts';
import { spell } from '../speech.ts';
import { closing, idIn, notAnOption, signedOut } from './common.ts';

/**
 * Option 2: requests and complaints by phone. 1: a new request: the category's group by number
 * (then the category, when the group has several), the description recorded after the tone, a
 * read-back and confirmation; the request is filed at once (channel phone, no title or place:
 * its handler adds them) and its reference read out, and a job fetches the recording from the
 * provider (recordings.job.ts). 2: the status of the caller's three latest requests.
 *
 * A provider's retry of the confirmation is answered from the step already worked out (the
 * engine claims each step), and a recording files one request only (request_recordings).
 */

const R = 'phone.voice.requests';
/** Up to two minutes of description. */
export const RECORDING_MAX_SECONDS = 120;
/** One key answers a list this long; a longer one is typed, then #. */
const ONE_KEY_MAX = 9;

/** The position a caller typed in a list of `count` (1-based), or undefined. */
function chosen(digits: string, count: number): number | undefined {
  if (!/^[1-9]\d{0,2}$/.test(digits)) return undefined;
  const n = Number(digits);
  return n <= count ? n - 1 : undefined;
}

/** A reference as the voice reads it: Greek reads ΑΙΤ too; English, the numbers only. */
const spoken = (turn: Turn, reference: { display: string; url: string }) =>
  spell(turn.lang === 'el' ? reference.display : reference.url);

const categories = (turn: Turn) => turn.ctx.services.requests.activeCategories();

/** The groups that have a category taking requests, in the form's order. */
function groupsOf(all: readonly CategoryRow[]): string[] {
  return CATEGORY_GROUPS.filter((group) => all.some((c) => c.group_key === group));
}

/** The recording kept from the `<Record>` step, if the data holds a sound one. */
function recordingIn(value: unknown): { url: string; sid: string; seconds: number } | undefined {
  const recording = value as { url?: unknown; sid?: unknown; seconds?: unknown } | undefined;
  if (
    typeof recording?.url !== 'string' ||
    typeof recording.sid !== 'string' ||
    typeof recording.seconds !== 'number'
  )
    return undefined;
  return { url: recording.url, sid: recording.sid, seconds: recording.seconds };
}

/** A numbered list's question: one key for up to nine, else the number and #. */
const listGather = (
  count: number,
): { numDigits?: number; finishOnKey?: string; timeout?: number } =>
  count > ONE_KEY_MAX ? { finishOnKey: '#', timeout: 8 } : { numDigits: 1 };

/** Files the request the caller confirmed and queues its recording's fetch with it. */
async function file(turn: Turn, categoryId: number): Promise<Move> {
  const recording = recordingIn(turn.data.recording);
  if (!turn.user) return signedOut(turn);
  if (!recording) return { go: 'requests.record', data: { category: categoryId } };
  const boss = turn.ctx.deps.boss;
  await ensureRecordingQueue(boss);
  const result = await turn.ctx.services.requests.filePhoneRequest(
    turn.user,
    {
      categoryId,
      recording: { sid: recording.sid, durationSeconds: recording.seconds },
      callerNumber: turn.call.caller_e164,
    },
    turn.audit,
    (trx, filed) =>
      queueRecordingFetch(boss, trx, {
        requestId: filed.id,
        recordingUrl: recording.url,
        recordingSid: recording.sid,
      }),
  );
  if (!result.ok)
    return result.reason === 'tooMany'
      ? { go: 'main', say: [turn.t(`${R}.tooMany`)] }
      : { go: 'requests.group', say: [turn.t(`${R}.categoryGone`)] };
  turn.outcome('request_filed');
  return { go: 'requests.filed', data: { reference: result.reference } };
}

export const requestNodes: Nodes = {
  /** New request (1) or the status of the latest ones (2). */
  requests: {
    menu: 'requests',
    enter: (turn): Prompt | Move =>
      turn.user
        ? {
            say: [turn.t(`${R}.options`), ...closing(turn)],
            gather: { numDigits: 1 },
          }
        : signedOut(turn),
    handle: (turn, input): Move => {
      if (input.digits === '1') return { go: 'requests.group' };
      if (input.digits === '2') return { go: 'requests.status' };
      return notAnOption(turn);
    },
  },

  /** What the problem is about: the groups of categories, by number. */
  'requests.group': {
    menu: 'requests',
    enter: async (turn): Promise<Prompt | Move> => {
      if (!turn.user) return signedOut(turn);
      const groups = groupsOf(await categories(turn));
      if (!groups.length) return { go: 'main', say: [turn.t(`${R}.unavailable`)] };
      // The numbers name the groups as they were read out.
      turn.data.groups = groups;
      return {
        say: [
          turn.t(`${R}.groupIntro`),
          ...groups.map((group, i) =>
            turn.t(`${R}.option`, { name: turn.t(`requests.groups.${group}`), n: i + 1 }),
          ),
          ...closing(turn),
        ],
        gather: listGather(groups.length),
      };
    },
    handle: async (turn, input): Promise<Move> => {
      const groups = Array.isArray(turn.data.groups) ? (turn.data.groups as string[]) : [];
      const index = chosen(input.digits, groups.length);
      if (index === undefined) return notAnOption(turn);
      const group = groups[index]!;
      const inGroup = (await categories(turn)).filter((c) => c.group_key === group);
      if (inGroup.length === 1)
        return { go: 'requests.record', data: { category: inGroup[0]!.id } };
      if (!inGroup.length) return { go: 'requests.group', say: [turn.t(`${R}.categoryGone`)] };
      return { go: 'requests.category', data: { group } };
    },
  },

  /** Which kind of problem, within the group: its categories, by number. */
  'requests.category': {
    menu: 'requests',
    enter: async (turn): Promise<Prompt | Move> => {
      if (!turn.user) return signedOut(turn);
      const group = typeof turn.data.group === 'string' ? turn.data.group : '';
      const inGroup = (await categories(turn)).filter((c) => c.group_key === group);
      if (!inGroup.length) return { go: 'requests.group', say: [turn.t(`${R}.categoryGone`)] };
      turn.data.categories = inGroup.map((c) => c.id);
      return {
        say: [
          turn.t(`${R}.categoryIntro`, { group: turn.t(`requests.groups.${group}`) }),
          ...inGroup.map((c, i) =>
            turn.t(`${R}.option`, { name: pick(c.name, turn.lang), n: i + 1 }),
          ),
          ...(inGroup.length > ONE_KEY_MAX ? [turn.t(`${R}.typeThenHash`)] : []),
          ...closing(turn),
        ],
        gather: listGather(inGroup.length),
      };
    },
    handle: (turn, input): Move => {
      const ids = Array.isArray(turn.data.categories) ? turn.data.categories : [];
      const index = chosen(input.digits, ids.length);
      const id = index === undefined ? undefined : idIn(ids[index]);
      if (id === undefined) return notAnOption(turn);
      return { go: 'requests.record', data: { category: id } };
    },
  },

  /** The description, recorded after the tone (up to two minutes, # to finish). */
  'requests.record': {
    menu: 'requests',
    enter: (turn): Prompt | Move =>
      turn.user
        ? { say: [turn.t(`${R}.recordPrompt`)], record: { maxSeconds: RECORDING_MAX_SECONDS } }
        : signedOut(turn),
    handle: (turn, input): Move => {
      const category = idIn(turn.data.category);
      if (category === undefined) return { go: 'requests.group' };
      const recording = input.recording;
      if (!recording || recording.durationSeconds < 1)
        return { again: true, say: [turn.t(`${R}.recordEmpty`)] };
      return {
        go: 'requests.confirm',
        data: {
          category,
          recording: {
            url: recording.url,
            sid: recording.sid,
            seconds: recording.durationSeconds,
          },
        },
      };
    },
  },

  /** The read-back: file it (1), record again (2) or choose another category (3). */
  'requests.confirm': {
    acts: true,
    menu: 'requests',
    enter: async (turn): Promise<Prompt | Move> => {
      if (!turn.user) return signedOut(turn);
      const id = idIn(turn.data.category);
      const category = (await categories(turn)).find((c) => c.id === id);
      const recording = recordingIn(turn.data.recording);
      if (!category) return { go: 'requests.group', say: [turn.t(`${R}.categoryGone`)] };
      if (!recording) return { go: 'requests.record', data: { category: category.id } };
      return {
        say: [
          turn.t(`${R}.readBack`, {
            category: pick(category.name, turn.lang),
            count: recording.seconds,
          }),
          turn.t(`${R}.confirmOptions`),
          turn.t('phone.voice.common.backToMain'),
        ],
        gather: { numDigits: 1 },
      };
    },
    handle: async (turn, input): Promise<Move> => {
      const category = idIn(turn.data.category);
      if (category === undefined) return { go: 'requests.group' };
      if (input.digits === '1') return file(turn, category);
      if (input.digits === '2') return { go: 'requests.record', data: { category } };
      if (input.digits === '3') return { go: 'requests.group' };
      return notAnOption(turn);
    },
  },

  /** Filed: the reference read out (0 reads it again); silence ends the call. */
  'requests.filed': {
    menu: 'requests',
    enter: (turn): Prompt | Move => {
      const reference = turn.data.reference as { display?: unknown; url?: unknown } | undefined;
      if (typeof reference?.display !== 'string' || typeof reference.url !== 'string')
        return { go: 'main' };
      return {
        say: [
          turn.t(`${R}.filed`, {
            reference: spoken(turn, { display: reference.display, url: reference.url }),
          }),
          turn.t(`${R}.emailed`),
          turn.t(`${R}.hearAgain`),
          turn.t('phone.voice.common.backToMain'),
        ],
        gather: { numDigits: 1 },
      };
    },
    handle: (turn) => notAnOption(turn),
    onSilence: (turn) => ({ end: [turn.t('phone.voice.common.goodbye')] }),
  },

  /** The caller's three latest requests: reference, category and status, newest first. */
  'requests.status': {
    menu: 'requests',
    enter: async (turn): Promise<Prompt | Move> => {
      if (!turn.user) return signedOut(turn);
      const latest = await turn.ctx.services.requests.latestRequests(turn.user.id);
      turn.outcome('request_status');
      const lines = latest.length
        ? [
            turn.t(`${R}.statusIntro`, { count: latest.length }),
            ...latest.map((row) =>
              turn.t(`${R}.statusItem`, {
                reference: spoken(turn, formatReference(row)),
                category: pick(row.category_name, turn.lang),
                status: turn.t(`${R}.statusWords.${row.status}`),
              }),
            ),
          ]
        : [turn.t(`${R}.statusNone`)];
      return {
        say: [...lines, turn.t(`${R}.statusOptions`), turn.t('phone.voice.common.backToMain')],
        gather: { numDigits: 1 },
      };
    },
    handle: (turn, input): Move =>
      input.digits === '1' ? { go: 'requests.group' } : notAnOption(turn),
  },
};
