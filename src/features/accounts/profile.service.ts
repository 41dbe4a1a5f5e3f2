import type { Deps } from '../../deps.ts';
import { isUniqueViolation } from '../../db/constraints.ts';
import { hashSecret, passwordProblem, verifySecret } from '../../lib/passwords.ts';
import { newPin as randomPin } from '../../lib/tokens.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import { registrationSchema, validate, type FieldError } from './accounts.schemas.ts';
import { mayMailAccount } from './account-mail-limit.ts';
import { registrationPasswordErrors } from './registration.service.ts';
import {
  credentialVersionOf,
  deleteSessionsOf,
  phoneTakenByActive,
  updateUser,
  usernameTaken,
  type UserRow,
} from './users.repository.ts';

// What a signed-in citizen changes on the account page (the email address:
// email-change.service.ts; the postal address: postal-address.ts).

/**
 * A new IVR PIN: returned once to show on the page, emailed, stored only as a hash. Refused
 * past 5 account mails in the hour (see account-mail-limit.ts).
 */
export async function newPin(
  deps: Pick<Deps, 'db' | 'mailer'>,
  user: UserRow,
  context: AuditContext,
): Promise<{ pin: string } | { errors: FieldError[] }> {
  const pin = randomPin();
  const hash = await hashSecret(pin);
  const sent = await deps.db.transaction(async (trx) => {
    if (!(await mayMailAccount(trx, user.id))) return false;
    await updateUser(trx, user.id, { ivr_pin_hash: hash });
    await deps.mailer.send('new-pin', user, { fullName: user.full_name, pin }, trx);
    await recordAudit(trx, { action: 'account.pin_changed', userId: user.id }, context);
    return true;
  });
  return sent ? { pin } : { errors: [{ field: 'pin', key: 'accounts.errors.accountMailLimit' }] };
}

export async function changePhone(
  deps: Pick<Deps, 'db'>,
  user: UserRow,
  phone: string,
  context: AuditContext,
): Promise<FieldError[]> {
  if (phone === user.phone_e164) return [];
  const taken = [{ field: 'phone', key: 'accounts.errors.phoneTaken' }];
  if (await phoneTakenByActive(deps.db, phone, user.id)) return taken;
  try {
    await deps.db.transaction(async (trx) => {
      await updateUser(trx, user.id, { phone_e164: phone });
      await recordAudit(
        trx,
        {
          action: 'account.phone_changed',
          userId: user.id,
          details: { from: user.phone_e164, to: phone },
        },
        context,
      );
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_active_phone_key')) return taken;
    throw error;
  }
  return [];
}

/** A new password from the account page: this session stays signed in, every other one ends. */
export async function changePassword(
  deps: Pick<Deps, 'db' | 'mailer' | 'userCache'>,
  user: UserRow,
  passwords: { current: string; password: string; confirm: string },
  sid: string,
  context: AuditContext,
): Promise<{ errors: FieldError[]; credentialVersion?: number }> {
  const refuse = (field: string, key: string) => ({ errors: [{ field, key }] });
  const { current, password, confirm } = passwords;
  if (!user.password_hash || !(await verifySecret(user.password_hash, current)))
    return refuse('currentPassword', 'accounts.errors.currentPasswordWrong');
  const problem = passwordProblem(password, user.username, user.roles.length ? 14 : undefined);
  if (problem) return refuse('password', `accounts.errors.password.${problem}`);
  if (password !== confirm) return refuse('passwordConfirm', 'accounts.errors.passwordMismatch');
  const hash = await hashSecret(password);
  const credentialVersion = await deps.db.transaction(async (trx) => {
    // The database bumps the credential version (every other session is refused from now
    // on) and ends unused reset links; the rows of the other sessions go at once.
    await updateUser(trx, user.id, { password_hash: hash });
    await deleteSessionsOf(trx, user.id, sid);
    await recordAudit(trx, { action: 'account.password_changed', userId: user.id }, context);
    await deps.mailer.send(
      'security-notice',
      user,
      { fullName: user.full_name, what: 'passwordChanged' },
      trx,
    );
    return credentialVersionOf(trx, user.id);
  });
  deps.userCache.invalidate(String(user.id));
  return { errors: [], credentialVersion };
}

/**
 * A username and password for an account that signs in only with TaxisNet (to sign in without
 * it, and to use the phone line): a new phone PIN is emailed with them, as at activation. This
 * session stays signed in.
 */
export async function setPassword(
  deps: Pick<Deps, 'db' | 'mailer' | 'userCache'>,
  user: UserRow,
  input: { username: string; password: string; confirm: string },
  context: AuditContext,
): Promise<{ errors: FieldError[]; credentialVersion?: number }> {
  const refuse = (field: string, key: string) => ({ errors: [{ field, key }] });
  if (user.password_hash) return refuse('username', 'accounts.errors.passwordAlreadySet');
  const username = input.username.trim();
  const errors = await newCredentialsErrors(deps, username, input);
  if (errors.length) return { errors };
  const hash = await hashSecret(input.password);
  const pin = randomPin();
  const pinHash = await hashSecret(pin);
  try {
    const credentialVersion = await deps.db.transaction(async (trx) => {
      await updateUser(trx, user.id, { username, password_hash: hash, ivr_pin_hash: pinHash });
      await recordAudit(trx, { action: 'account.password_set', userId: user.id }, context);
      await deps.mailer.send(
        'password-set',
        user,
        { fullName: user.full_name, username, pin, hasPhone: Boolean(user.phone_e164) },
        trx,
      );
      return credentialVersionOf(trx, user.id);
    });
    deps.userCache.invalidate(String(user.id));
    return { errors: [], credentialVersion };
  } catch (error) {
    // Two accounts racing for one name: the unique index decides.
    if (isUniqueViolation(error, 'users_username_key'))
      return refuse('username', 'accounts.errors.usernameTaken');
    throw error;
  }
}

const credentialsSchema = registrationSchema.pick({
  username: true,
  password: true,
  passwordConfirm: true,
});

/**
 * Every problem of a new username and password at once, by the registration form's own rules
 * (its schema, then its password rules for the fields the schema passed), and a name taken.
 */
async function newCredentialsErrors(
  deps: Pick<Deps, 'db'>,
  username: string,
  input: { password: string; confirm: string },
): Promise<FieldError[]> {
  const values = { username, password: input.password, passwordConfirm: input.confirm };
  const errors: FieldError[] = [...validate(credentialsSchema, values).errors];
  const reported = new Set(errors.map((error) => error.field));
  errors.push(...registrationPasswordErrors(values).filter((e) => !reported.has(e.field)));
  if (!reported.has('username') && (await usernameTaken(deps.db, username)))
    errors.unshift({ field: 'username', key: 'accounts.errors.usernameTaken' });
  return errors;
}
