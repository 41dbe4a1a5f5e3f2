import type { Deps } from '../../deps.ts';
import { isUniqueViolation } from '../../db/constraints.ts';
import { RateLimitedError } from '../../lib/errors.ts';
import type { Lang } from '../../lib/localized.ts';
import { hashSecret, passwordProblem } from '../../lib/passwords.ts';
import { hitRateLimit, RATE_LIMITS } from '../../lib/rate-limit.ts';
import { newPin } from '../../lib/tokens.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import type { FieldError, RegistrationInput } from './accounts.schemas.ts';
import { sendActivation, type ActivationMailDeps } from './activation.service.ts';
import {
  findUserByEmail,
  insertUser,
  phoneTakenByActive,
  usernameTaken,
  type UserRow,
} from './users.repository.ts';

/**
 * Registers a pending account and queues its activation email, all in one transaction. Throws
 * RateLimitedError past the per-address limit.
 */
export async function register(
  deps: ActivationMailDeps,
  input: RegistrationInput,
  lang: Lang,
  context: AuditContext,
): Promise<{ errors: FieldError[] }> {
  const { db, clock } = deps;
  // Counted before anything is looked up: the answers below say whether a username or phone
  // is taken (a registration form must), so one address gets only so many of them.
  if (!(await hitRateLimit(db, clock, RATE_LIMITS.registerPerIp, context.ip ?? 'unknown')))
    throw new RateLimitedError();
  const errors: FieldError[] = registrationPasswordErrors(input);
  if (await usernameTaken(db, input.username))
    errors.push({ field: 'username', key: 'accounts.errors.usernameTaken' });
  if (await phoneTakenByActive(db, input.phone))
    errors.push({ field: 'phone', key: 'accounts.errors.phoneTaken' });
  if (errors.length) return { errors };

  const passwordHash = await hashSecret(input.password);
  // An address that has an account gets the answer a new one gets (the owner hears of it),
  // after the same two argon2 hashes (password, PIN) a new account costs.
  const owner = await findUserByEmail(db, input.email);
  if (owner) {
    await hashSecret(newPin());
    await tellOwnerOfAttempt(deps, owner, context);
    return { errors: [] };
  }
  return createAccount(deps, input, passwordHash, lang, context);
}

/** The pending account, its activation email and its audit entry, in one transaction. */
async function createAccount(
  deps: ActivationMailDeps,
  input: RegistrationInput,
  passwordHash: string,
  lang: Lang,
  context: AuditContext,
): Promise<{ errors: FieldError[] }> {
  try {
    await deps.db.transaction(async (trx) => {
      const user = await insertUser(trx, {
        username: input.username,
        full_name: input.fullName,
        email: input.email,
        phone_e164: input.phone,
        password_hash: passwordHash,
        ivr_pin_hash: null,
        lang,
      });
      await sendActivation(deps, user, trx);
      await recordAudit(trx, { action: 'account.registered', userId: user.id }, context);
    });
  } catch (error) {
    // Two registrations racing for the same name or email: the unique index decides.
    if (isUniqueViolation(error, 'users_username_key'))
      return { errors: [{ field: 'username', key: 'accounts.errors.usernameTaken' }] };
    // The address was registered a moment ago by the other request: its owner has the mail.
    if (isUniqueViolation(error, 'users_email_key')) return { errors: [] };
    throw error;
  }
  return { errors: [] };
}

/**
 * The password rules of the registration form, checked with the other fields (not after them),
 * so a citizen sees every problem at once.
 */
export function registrationPasswordErrors(input: {
  password: string;
  passwordConfirm: string;
  username: string;
}): FieldError[] {
  if (!input.password) return [];
  const problem = passwordProblem(input.password, input.username);
  if (problem) return [{ field: 'password', key: `accounts.errors.password.${problem}` }];
  if (input.password !== input.passwordConfirm)
    return [{ field: 'passwordConfirm', key: 'accounts.errors.passwordMismatch' }];
  return [];
}

/**
 * Someone registered with the address of an existing account: nothing is created, the answer is
 * the one a new address gets, and the owner is told (at most 3 times an hour).
 */
async function tellOwnerOfAttempt(
  deps: Pick<Deps, 'db' | 'clock' | 'mailer'>,
  owner: UserRow,
  context: AuditContext,
): Promise<void> {
  const { db, clock } = deps;
  if (!(await hitRateLimit(db, clock, RATE_LIMITS.registerNoticePerAccount, String(owner.id))))
    return;
  await db.transaction(async (trx) => {
    await deps.mailer.send(
      'registration-attempt',
      owner,
      { fullName: owner.full_name, username: owner.username, pending: owner.status === 'pending' },
      trx,
    );
    await recordAudit(trx, { action: 'account.registration_attempted', userId: owner.id }, context);
  });
}
