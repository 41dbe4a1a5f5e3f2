import type { Line, Move, Turn } from '../engine.ts';

/** What every menu says and does alike. */

/** The caller is no longer signed in (the account was disabled during the call): goodbye. */
export const signedOut = (turn: Turn): Move => ({ end: [turn.t('phone.voice.common.goodbye')] });

/** A key that is not one of the options: a bad try, said so. */
export const notAnOption = (turn: Turn): Move => ({
  again: true,
  say: [turn.t('phone.voice.common.notAnOption')],
});

/** The end of a menu's prompt: 0 to hear it again, star for the main menu. */
export const closing = (turn: Turn): Line[] => [
  turn.t('phone.voice.common.repeat'),
  turn.t('phone.voice.common.backToMain'),
];

/** An id kept in the call's state (a poll, a category), if it is one. */
export const idIn = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
