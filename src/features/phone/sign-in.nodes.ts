import type { Conn } from '../../db/knex.ts';
import { dummyPasswordHash, verifySecret } from '../../lib/passwords.ts';
import { toE164 } from '../../lib/phone.ts';
import {
  clearFailures,
  hitRateLimit,
  lockedUntil,
  recordFailure,
  type FailureLockRule,
  type RateLimitRule,
} from '../../lib/rate-limit.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { UserRow } from '../accounts/users.repository.ts';
import type { Move, Nodes, Turn } from './engine.ts';
import { WITHHELD_CALLER_ID } from './steps.ts';

/**
 * Wrong PINs, per account and per calling number, for the phone only (the website's sign-in has
 * its own keys): the 5th locks for a minute, each next one for twice as long, up to a day.
 */
export const PHONE_PIN_LOCK: FailureLockRule = { freeFailures: 5, maxLockMinutes: 24 * 60 };

/** Caller ID withheld: numbers typed on the keypad, per call and for the whole line each hour. */
export const WITHHELD_NUMBERS_PER_CALL = 3;
export const WITHHELD_PER_HOUR: RateLimitRule = {
  name: 'phone:withheld',
  limit: 120,
  windowSeconds: 60 * 60,
};

const PIN = /^\d{6}$/;

export const pinKeys = (number: string, user: UserRow | undefined): string[] => [
  `phone-pin:number:${number}`,
  ...(user ? [`phone-pin:account:${user.id}`] : []),
];

/** The active account whose phone this is (a phone number is unique among active accounts). */
async function accountByPhone(db: Conn, e164: string): Promise<UserRow | undefined> {
  return (await db('users').where({ phone_e164: e164, status: 'active' }).first()) as
    UserRow | undefined;
}

/** The caller's number from `From`: E.164, or null when withheld or not a number. */
export function callerNumber(from: string | undefined): string | null {
  const text = (from ?? '').trim();
  // Providers say "anonymous", "restricted", "unknown", or send Twilio's withheld number.
  const digits = text.replace(/\D/g, '');
  if (!/^\+?[0-9 ()-]{6,20}$/.test(text) || `+${digits}` === WITHHELD_CALLER_ID) return null;
  return toE164(text.startsWith('+') ? text : `+${text}`) ?? null;
}

const municipality = (turn: Turn) =>
  turn.lang === 'en'
    ? turn.ctx.deps.config.MUNICIPALITY_NAME_EN
    : turn.ctx.deps.config.MUNICIPALITY_NAME_EL;

/** Where the PIN is checked: the caller's own number, or the one they typed. */
function numberOf(turn: Turn): string | undefined {
  const typed = turn.data.number;
  return typeof typed === 'string' ? typed : (turn.call.caller_e164 ?? undefined);
}

/**
 * Before the menus: the greeting (in Greek, with "press 9 for English" said in English), then the
 * PIN for the calling number, or, when the caller ID is withheld, the number typed first.
 */
export const signInNodes: Nodes = {
  welcome: {
    enter: (turn) => ({
      say: [
        turn.t('phone.voice.welcome.greeting', { municipality: municipality(turn) }),
        turn.tIn('en', 'phone.voice.welcome.forEnglish'),
      ],
      gather: { numDigits: 1, timeout: 3 },
    }),
    handle: (turn, input) => {
      if (input.digits === '9') turn.setLang('en');
      return { go: 'sign-in' };
    },
    onSilence: () => ({ go: 'sign-in' }),
    // 0 or any other key: on in Greek.
    digitsAreData: true,
  },

  'sign-in': {
    enter: (turn): Move => (turn.call.caller_e164 ? { go: 'pin' } : { go: 'number' }),
    handle: () => ({ go: 'sign-in' }),
  },

  number: {
    acts: true,
    digitsAreData: true,
    enter: (turn) => {
      if (turn.counters.numbersTried >= WITHHELD_NUMBERS_PER_CALL)
        return { end: [turn.t('phone.voice.signIn.tooManyNumbers')] };
      return {
        say: [turn.t('phone.voice.signIn.numberPrompt')],
        gather: { finishOnKey: '#', timeout: 10 },
      };
    },
    handle: async (turn, input) => {
      const number = /^\d{6,15}$/.test(input.digits) ? toE164(input.digits) : undefined;
      if (!number) return { again: true, say: [turn.t('phone.voice.signIn.numberInvalid')] };
      const { db, clock } = turn.ctx.deps;
      if (!(await hitRateLimit(db, clock, WITHHELD_PER_HOUR, 'line')))
        return { end: [turn.t('phone.voice.signIn.lineBusy')] };
      turn.counters.numbersTried += 1;
      return { go: 'pin', data: { number } };
    },
  },

  pin: {
    acts: true,
    digitsAreData: true,
    enter: (turn) => ({
      say: [turn.t('phone.voice.signIn.pinPrompt')],
      gather: { numDigits: 6, timeout: 10 },
    }),
    handle: async (turn, input): Promise<Move> => {
      const number = numberOf(turn);
      if (!number) return { go: 'sign-in' };
      if (!PIN.test(input.digits))
        return { again: true, say: [turn.t('phone.voice.signIn.pinShape')] };
      const { db, clock } = turn.ctx.deps;
      const account = await accountByPhone(db, number);
      const keys = pinKeys(number, account);
      if (await lockedUntil(db, clock, keys)) {
        turn.outcome('pin_locked');
        return { end: [turn.t('phone.voice.signIn.locked')] };
      }
      // The try is counted before the PIN is checked (and forgotten if it is right), so calls at
      // the same moment cannot each get the tries a lock allows.
      const locked = await recordFailure(db, clock, PHONE_PIN_LOCK, keys);
      // An unknown number, or an account with no PIN yet, takes as long as a wrong PIN.
      const right = account?.ivr_pin_hash
        ? await verifySecret(account.ivr_pin_hash, input.digits)
        : (await verifySecret(await dummyPasswordHash(), input.digits)) && false;
      if (right && account) {
        await clearFailures(db, keys);
        turn.signIn(account);
        turn.outcome('signed_in');
        await recordAudit(
          db,
          { action: 'phone.signed_in', userId: account.id, details: { call: turn.call.id } },
          turn.audit,
        );
        return { go: 'main', say: [turn.t('phone.voice.signIn.welcome')] };
      }
      turn.counters.pinFailures += 1;
      turn.outcome('pin_failed');
      if (account)
        await recordAudit(
          db,
          { action: 'phone.pin_failed', userId: account.id, details: { call: turn.call.id } },
          turn.audit,
        );
      if (locked) {
        turn.outcome('pin_locked');
        return { end: [turn.t('phone.voice.signIn.locked')] };
      }
      // The same words whether or not the number has an account.
      const wrong = turn.t('phone.voice.signIn.pinWrong');
      if (turn.counters.pinFailures >= 3) {
        return { end: [wrong, turn.t('phone.voice.common.goodbye')] };
      }
      // Typed number: the next try may be a mistyped number, so it is asked again.
      if (turn.data.number) return { go: 'number', say: [wrong] };
      return { go: 'pin', say: [wrong] };
    },
  },

  main: {
    enter: (turn) => ({
      say: [turn.t('phone.voice.main.options')],
      gather: { numDigits: 1 },
    }),
    handle: (turn, input): Move => {
      const to = { '1': 'certificates', '2': 'requests', '3': 'polls' }[input.digits];
      if (to) return { go: to };
      return { again: true, say: [turn.t('phone.voice.common.notAnOption')] };
    },
  },
};
