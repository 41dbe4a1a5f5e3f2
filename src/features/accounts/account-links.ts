import type { Clock } from '../../lib/clock.ts';

/** How long each emailed link works, counted from when its mail is sent (the mail worker). */
const HOUR = 3600 * 1000;
export const ACTIVATION_TTL_MS = 48 * HOUR;
export const RESET_TTL_MS = HOUR;
export const EMAIL_CHANGE_TTL_MS = 48 * HOUR;
export const DAY_MS = 24 * HOUR;

/** The purposes of the accounts' one-time links (src/lib/one-time-links.ts). */
export const LINK = {
  activation: 'activation',
  passwordReset: 'password_reset',
  emailChange: 'email_change',
  registrationCancel: 'registration_cancel',
} as const;

/** Where the page about a dead activation link sends the visitor for a new one. */
export const NEW_ACTIVATION_LINK = { href: '/activate/resend', textKey: 'accounts.resend.link' };
/** And for a dead password-reset link. */
export const NEW_RESET_LINK = { href: '/password-reset', textKey: 'accounts.reset.again' };

export const inFuture = (clock: Clock, ms: number): Date => new Date(clock.now().getTime() + ms);
