/**
 * A call's steps as URLs: each answer's keypad question names the next step, `/phone/step?n=N`,
 * and the webhook reads N back (phone.routes.ts; the simulator follows the same URLs).
 */
export const STEP_PATH = '/phone/step?n=';
export const stepPath = (n: number): string => `${STEP_PATH}${n}`;

/** N of `?n=N`, if it is a step number. */
export function stepNumber(text: unknown): number | undefined {
  return typeof text === 'string' && /^[1-9]\d{0,4}$/.test(text) ? Number(text) : undefined;
}

/** What Twilio sends as `From` when the caller's number is withheld. */
export const WITHHELD_CALLER_ID = '+266696687';
