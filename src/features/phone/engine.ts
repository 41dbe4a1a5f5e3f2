import type { TFunction } from '../../lib/i18n.ts';
import type { Lang } from '../../lib/localized.ts';
import type { AuditContext } from '../audit/audit.repository.ts';
import type { UserRow } from '../accounts/users.repository.ts';
import type { ModuleContext } from '../module.ts';
import type { CallRow, CallState, StepResult } from './calls.repository.ts';
import type { PhoneSettings } from './phone.config.ts';
import { twiml, type Speech, type Verb } from './twiml.ts';

/**
 * The phone menus as a set of nodes. Each step of a call is one keypad answer (or a recording, or
 * silence) to the node the caller is at: the node's `handle` says where to go next, and the engine
 * speaks what the move says, then the next node's prompt, as TwiML. The engine keeps the rules every
 * menu shares: 0 repeats the menu, silence repeats it too, * goes back to the main menu once signed
 * in, and the third bad try says goodbye.
 */

/** A sentence: a string is in the call's language; a Speech names its own. */
export type Line = string | Speech;

export type Prompt =
  | {
      say: Line[];
      gather: {
        /** The digits to wait for; none: until `finishOnKey` (#). */
        numDigits?: number;
        finishOnKey?: string;
        /** Seconds of silence before the prompt counts as unanswered (default 6). */
        timeout?: number;
      };
    }
  | { say: Line[]; record: { maxSeconds: number } };

export type Move =
  /** To another node (its prompt is spoken next), saying something first. */
  | { go: string; data?: Record<string, unknown>; say?: Line[] }
  /** A bad answer: say why and ask again; the third bad try in a row ends the call. */
  | { again: true; say?: Line[] }
  /** Say this and hang up. */
  | { end: Line[] };

export interface RecordingInput {
  url: string;
  sid: string;
  durationSeconds: number;
}

export interface Input {
  /** The keys pressed (digits, * and #), '' for none. */
  digits: string;
  /** What a `<Record>` left, when the node asked for one. */
  recording?: RecordingInput;
}

export interface Turn {
  ctx: ModuleContext;
  settings: PhoneSettings;
  call: CallRow;
  /** The signed-in account, once the PIN was right. */
  user: UserRow | undefined;
  lang: Lang;
  /** A string of the call's language now. */
  t: TFunction;
  /** A string of a given language ("for English, press 9" is said in English). */
  tIn: (lang: Lang, key: string, params?: Record<string, unknown>) => Speech;
  /** The current node's kept data (what was chosen so far). */
  data: Record<string, unknown>;
  /** Kept across the call: wrong PINs and numbers tried (caller ID withheld). */
  counters: { pinFailures: number; numbersTried: number };
  /** Where the webhook came from, for the audit log of what a step does. */
  audit: AuditContext;
  /** The caller is now this account (and speaks its language). */
  signIn: (user: UserRow) => void;
  /** The call changes language. */
  setLang: (lang: Lang) => void;
  /** What came of the call, for the call log ('voted'); a name from OUTCOMES. */
  outcome: (name: string) => void;
}

export interface PhoneNode {
  /** The menu it belongs to, named in the call log ('certificates'); absent: none. */
  menu?: string;
  /**
   * Its `handle` changes something besides the call (an application filed, a vote cast, a wrong
   * PIN counted): the step is claimed before it is worked out, so a provider's retry waits and
   * gets the same answer instead of doing it again. Without it a step is worked out first and
   * recorded only if no other request recorded it meanwhile (one write instead of two). An
   * `enter` never changes anything but `turn.data`.
   */
  acts?: boolean;
  /** Digits are data (a PIN, a phone number): 0 is a digit, not "repeat". */
  digitsAreData?: boolean;
  /** Says what the caller can do here; or, when nothing can be done here, moves on at once. */
  enter: (turn: Turn) => Promise<Prompt | Move> | Prompt | Move;
  handle: (turn: Turn, input: Input) => Promise<Move> | Move;
  /** What silence does; absent: the prompt is said again (a bad try). */
  onSilence?: (turn: Turn) => Promise<Move> | Move;
}

export type Nodes = Readonly<Record<string, PhoneNode>>;

export const MAX_BAD_TRIES = 3;
const MAX_MOVES = 8;

export class UnknownNodeError extends Error {}

/** The call, worked on by one step: what it was, what this step changes. */
interface Working {
  turn: Turn;
  state: CallState;
  menus: Set<string>;
  outcomes: Set<string>;
  verbs: Verb[];
  ended: boolean;
}

export interface StepRequest {
  ctx: ModuleContext;
  settings: PhoneSettings;
  nodes: Nodes;
  call: CallRow;
  user: UserRow | undefined;
  /** The URL of the next step (the keypad's answers and silence go there). */
  nextUrl: string;
  audit: AuditContext;
}

function startTurn(request: StepRequest): Working {
  const { ctx, call } = request;
  // A copy: a node may change its data, and the call as read may be kept for the next step.
  const state: CallState = structuredClone(call.state);
  const outcomes = new Set(call.outcomes);
  const i18n = ctx.deps.i18n;
  const turn: Turn = {
    ctx,
    settings: request.settings,
    call,
    user: request.user,
    lang: request.user?.lang ?? call.lang,
    t: i18n.t(request.user?.lang ?? call.lang),
    tIn: (lang, key, params) => ({ text: i18n.t(lang)(key, params ?? {}), lang }),
    data: (state.data ?? {}) as Record<string, unknown>,
    counters: {
      pinFailures: state.pinFailures ?? 0,
      numbersTried: state.numbersTried ?? 0,
    },
    audit: request.audit,
    signIn: (user) => {
      turn.user = user;
      turn.setLang(user.lang);
    },
    setLang: (lang) => {
      turn.lang = lang;
      turn.t = i18n.t(lang);
    },
    outcome: (name) => outcomes.add(name),
  };
  return { turn, state, menus: new Set(call.menus), outcomes, verbs: [], ended: false };
}

function nodeOf(nodes: Nodes, name: string | undefined): PhoneNode {
  const node = name ? nodes[name] : undefined;
  if (!node) throw new UnknownNodeError(`no phone node ${name ?? '(none)'}`);
  return node;
}

/** Follows a move: speaks it, then enters the next node (or asks again, or ends). */
async function follow(request: StepRequest, working: Working, move: Move): Promise<void> {
  const { turn, state } = working;
  // What is said before the next prompt: inside its keypad question, so the caller may answer at once.
  const pending: Speech[] = [];
  const say = (lines: readonly Line[] | undefined) => {
    for (const line of lines ?? [])
      pending.push(typeof line === 'string' ? { text: line, lang: turn.lang } : line);
  };
  const sayPending = () => {
    for (const speech of pending.splice(0)) working.verbs.push({ say: speech });
  };
  for (let moves = 0; moves < MAX_MOVES; moves += 1) {
    if ('end' in move) {
      say(move.end);
      sayPending();
      working.verbs.push({ hangup: true });
      working.ended = true;
      return;
    }
    if ('again' in move) {
      state.tries = (state.tries ?? 0) + 1;
      if (state.tries >= MAX_BAD_TRIES) {
        say([turn.t('phone.voice.common.tooManyTries')]);
        sayPending();
        working.outcomes.add('too_many_tries');
        working.verbs.push({ hangup: true });
        working.ended = true;
        return;
      }
      say(move.say);
    } else {
      say(move.say);
      state.node = move.go;
      state.tries = 0;
      state.data = move.data ?? {};
      turn.data = state.data;
    }
    const node = nodeOf(request.nodes, state.node);
    if (node.menu) working.menus.add(node.menu);
    const prompt = await node.enter(turn);
    if ('go' in prompt || 'again' in prompt || 'end' in prompt) {
      move = prompt;
      continue;
    }
    say(prompt.say);
    if ('record' in prompt) {
      sayPending();
      working.verbs.push({
        record: {
          action: request.nextUrl,
          maxLength: prompt.record.maxSeconds,
          timeout: 5,
          finishOnKey: '#',
        },
      });
    } else {
      const { numDigits, finishOnKey, timeout } = prompt.gather;
      working.verbs.push({
        gather: {
          action: request.nextUrl,
          numDigits,
          finishOnKey: finishOnKey ?? (numDigits ? '' : '#'),
          timeout: timeout ?? 6,
          say: pending.splice(0),
        },
      });
    }
    // Nothing pressed (or recorded): the provider goes on to the next verb, which comes back here.
    working.verbs.push({ redirect: request.nextUrl });
    return;
  }
  throw new Error('the phone menus moved in a loop');
}

function resultOf(request: StepRequest, working: Working): StepResult {
  const { turn, state } = working;
  state.pinFailures = turn.counters.pinFailures;
  state.numbersTried = turn.counters.numbersTried;
  return {
    answer: twiml(working.verbs, request.settings.voices),
    state,
    // An account disabled during the call is no longer the caller, but stays in the call log.
    userId: turn.user?.id ?? request.call.user_id,
    lang: turn.lang,
    menus: [...working.menus],
    outcomes: [...working.outcomes],
    ended: working.ended,
  };
}

/** The first answer of a call: it enters `first` (the greeting). */
export async function answerCall(request: StepRequest, first: string): Promise<StepResult> {
  const working = startTurn(request);
  await follow(request, working, { go: first });
  return resultOf(request, working);
}

/** The answer to one step: the caller's keys (or recording, or silence) at the node they are at. */
export async function answerStep(request: StepRequest, input: Input): Promise<StepResult> {
  const working = startTurn(request);
  const { turn, state } = working;
  const node = nodeOf(request.nodes, state.node);
  const keys = input.recording ? undefined : input.digits;
  // 0 says the node's prompt again, and is not a bad try: the count stays as it was.
  const repeat = keys === '0' && !node.digitsAreData;
  let move: Move;
  if (keys === '') move = node.onSilence ? await node.onSilence(turn) : { again: true };
  else if (repeat) move = { go: state.node!, data: turn.data };
  else if (keys === '*' && !node.digitsAreData && turn.user && node.menu) move = { go: 'main' };
  else move = await node.handle(turn, input);
  const tries = state.tries ?? 0;
  await follow(request, working, move);
  if (repeat && !working.ended) state.tries = tries;
  return resultOf(request, working);
}

/** A short answer for a step that failed: an apology, and the call ends. */
export function apology(settings: PhoneSettings, t: TFunction, lang: Lang): string {
  return twiml(
    [{ say: { text: t('phone.voice.common.failed'), lang } }, { hangup: true }],
    settings.voices,
  );
}
