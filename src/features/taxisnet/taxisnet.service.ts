import type { Conn } from '../../db/knex.ts';
import { isUniqueViolation } from '../../db/constraints.ts';
import type { Deps } from '../../deps.ts';
import type { Lang } from '../../lib/localized.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import type { FieldError } from '../accounts/accounts.schemas.ts';
import { sendActivation, type ActivationMailDeps } from '../accounts/activation.service.ts';
import {
  findUserByEmail,
  findUserByTaxisnetAfm,
  findVerifiedUserByAfm,
  insertUser,
  lockUser,
  phoneTakenByActive,
  updateUser,
  type UserRow,
} from '../accounts/users.repository.ts';
import type { TaxisnetProfile } from './userinfo.ts';

type TaxisnetDeps = Pick<Deps, 'db' | 'clock' | 'userCache'> & {
  /** TAXISNET_VERIFIES_IDENTITY: a TaxisNet sign-in marks the account identity-verified. */
  verifiesIdentity: boolean;
};

/** What a TaxisNet sign-in opens. */
export type TaxisnetSignIn =
  | { kind: 'account'; user: UserRow }
  /** The account waits for its email address to be confirmed. */
  | { kind: 'pending'; user: UserRow }
  /**
   * An account opened by TaxisNet that waits for its email address: the citizen may correct the
   * address and phone (a typo would otherwise leave them stuck) and gets a new link.
   */
  | { kind: 'unconfirmed'; user: UserRow }
  | { kind: 'disabled' }
  /** Staff sign in with their password; TaxisNet opens citizens' accounts only. */
  | { kind: 'staff' }
  /** No account has this AFM: the citizen gives email and phone to open one. */
  | { kind: 'new' };

/**
 * The account a TaxisNet sign-in opens: the one linked to the AFM; else the verified account
 * whose recorded AFM it is (the same person: it is linked now); else none yet.
 */
export async function signInWithTaxisnet(
  deps: TaxisnetDeps,
  profile: TaxisnetProfile,
  context: AuditContext,
): Promise<TaxisnetSignIn> {
  try {
    return await deps.db.transaction((trx) => openAccount(deps, trx, profile, context));
  } catch (error) {
    // Two sign-ins of one person at once both linking the verified account: the other linked it.
    if (!isUniqueViolation(error, 'users_taxisnet_afm_key')) throw error;
    return deps.db.transaction((trx) => openAccount(deps, trx, profile, context));
  }
}

async function openAccount(
  deps: TaxisnetDeps,
  trx: Conn,
  profile: TaxisnetProfile,
  context: AuditContext,
): Promise<TaxisnetSignIn> {
  let user = await findUserByTaxisnetAfm(trx, profile.afm);
  if (!user) {
    user = await findVerifiedUserByAfm(trx, profile.afm);
    if (!user) return { kind: 'new' };
    if (user.roles.length) return { kind: 'staff' };
    await link(deps, trx, user, profile, 'verifiedAfm', context);
  }
  if (user.roles.length) return { kind: 'staff' };
  if (user.status === 'disabled') return { kind: 'disabled' };
  if (user.status === 'pending')
    return isUnconfirmedTaxisnetAccount(user)
      ? { kind: 'unconfirmed', user }
      : { kind: 'pending', user };
  await verifyIfSet(deps, trx, user, profile, context);
  await recordAudit(trx, { action: 'taxisnet.signed_in', userId: user.id }, context);
  deps.userCache.invalidate(String(user.id));
  return { kind: 'account', user };
}

/** Why TaxisNet cannot be linked to the signed-in account. */
export type LinkRefusal =
  /** Another account is linked to this AFM, or another verified account holds it. */
  | 'afmElsewhere'
  /** The account's identity was checked with another AFM. */
  | 'afmMismatch'
  /** The account is linked to another AFM already. */
  | 'linkedToOther';

/** Links TaxisNet to a password account (from its account page); the same AFM rule applies. */
export async function linkTaxisnet(
  deps: TaxisnetDeps,
  userId: number,
  profile: TaxisnetProfile,
  context: AuditContext,
): Promise<{ linked: true } | { refused: LinkRefusal }> {
  try {
    return await deps.db.transaction(async (trx) => {
      const user = (await lockUser(trx, userId))!;
      const refusal = await linkRefusal(trx, user, profile.afm);
      if (refusal) {
        await recordAudit(
          trx,
          { action: 'taxisnet.link_refused', userId, details: { reason: refusal } },
          context,
        );
        return { refused: refusal };
      }
      if (!user.taxisnet_afm) await link(deps, trx, user, profile, 'accountPage', context);
      await verifyIfSet(deps, trx, user, profile, context);
      deps.userCache.invalidate(String(userId));
      return { linked: true as const };
    });
  } catch (error) {
    if (
      isUniqueViolation(error, 'users_taxisnet_afm_key') ||
      isUniqueViolation(error, 'users_verified_afm_key')
    )
      return { refused: 'afmElsewhere' };
    throw error;
  }
}

async function linkRefusal(
  trx: Conn,
  user: UserRow,
  afm: string,
): Promise<LinkRefusal | undefined> {
  if (user.taxisnet_afm) return user.taxisnet_afm === afm ? undefined : 'linkedToOther';
  if (user.identity_verified_at && user.afm !== afm) return 'afmMismatch';
  const holder = (await findUserByTaxisnetAfm(trx, afm)) ?? (await findVerifiedUserByAfm(trx, afm));
  return holder && holder.id !== user.id ? 'afmElsewhere' : undefined;
}

async function link(
  deps: Pick<Deps, 'clock'>,
  trx: Conn,
  user: UserRow,
  profile: TaxisnetProfile,
  how: 'verifiedAfm' | 'accountPage',
  context: AuditContext,
): Promise<void> {
  const now = deps.clock.now();
  await updateUser(trx, user.id, { taxisnet_afm: profile.afm, taxisnet_linked_at: now });
  Object.assign(user, { taxisnet_afm: profile.afm, taxisnet_linked_at: now });
  await recordAudit(trx, { action: 'taxisnet.linked', userId: user.id, details: { how } }, context);
}

/**
 * With TAXISNET_VERIFIES_IDENTITY, a TaxisNet sign-in marks an unverified account verified
 * (channel TaxisNet, the AFM GSIS gave), audited as the counter's check is.
 */
async function verifyIfSet(
  deps: TaxisnetDeps,
  trx: Conn,
  user: UserRow,
  profile: TaxisnetProfile,
  context: AuditContext,
): Promise<void> {
  if (!deps.verifiesIdentity || user.identity_verified_at) return;
  const changes = {
    identity_verified_at: deps.clock.now(),
    identity_channel: 'taxisnet' as const,
    afm: profile.afm,
  };
  await updateUser(trx, user.id, changes);
  Object.assign(user, changes);
  await auditVerified(trx, user.id, profile.afm, context);
}

/** Audited as the counter's check is: `identity.verified`, with the channel and the AFM. */
function auditVerified(trx: Conn, userId: number, afm: string, context: AuditContext) {
  return recordAudit(
    trx,
    { action: 'identity.verified', userId, actorId: null, details: { channel: 'taxisnet', afm } },
    context,
  );
}

/** Opened by a TaxisNet sign-in, never activated: its contact details are still the citizen's to fix. */
const isUnconfirmedTaxisnetAccount = (user: UserRow) =>
  user.status === 'pending' &&
  !user.password_hash &&
  !user.activated_at &&
  Boolean(user.taxisnet_afm);

export interface NewTaxisnetAccount {
  fullName: string;
  email: string;
  phone: string;
}

/**
 * The account of a first TaxisNet sign-in: from GSIS's name and AFM and the email and phone the
 * citizen gave. It waits (pending) until the email address is confirmed by its link, as a
 * registration does. An address that belongs to another account is refused: a password account
 * is told to sign in with its password and link TaxisNet there.
 */
export async function createTaxisnetAccount(
  deps: TaxisnetDeps & ActivationMailDeps,
  profile: TaxisnetProfile,
  input: NewTaxisnetAccount,
  lang: Lang,
  context: AuditContext,
): Promise<{ errors: FieldError[] }> {
  const errors: FieldError[] = [];
  const unconfirmed = await findUserByTaxisnetAfm(deps.db, profile.afm);
  if (unconfirmed && !isUnconfirmedTaxisnetAccount(unconfirmed))
    return { errors: [{ field: 'email', key: 'taxisnet.errors.afmHasAccount' }] };
  const found = await findUserByEmail(deps.db, input.email);
  const owner = found && found.id !== unconfirmed?.id ? found : undefined;
  if (owner)
    errors.push({
      field: 'email',
      key: owner.password_hash ? 'taxisnet.errors.emailHasPassword' : 'taxisnet.errors.emailTaken',
    });
  if (await phoneTakenByActive(deps.db, input.phone, unconfirmed?.id))
    errors.push({ field: 'phone', key: 'accounts.errors.phoneTaken' });
  if (errors.length) return { errors };
  const now = deps.clock.now();
  const verified = deps.verifiesIdentity && !(await findVerifiedUserByAfm(deps.db, profile.afm));
  try {
    await deps.db.transaction(async (trx) => {
      if (unconfirmed) {
        await correctUnconfirmed(deps, trx, unconfirmed, input, context);
        return;
      }
      const user = await insertUser(trx, {
        username: null,
        password_hash: null,
        ivr_pin_hash: null,
        full_name: input.fullName,
        email: input.email,
        phone_e164: input.phone,
        lang,
        taxisnet_afm: profile.afm,
        taxisnet_linked_at: now,
        ...(verified
          ? { identity_verified_at: now, identity_channel: 'taxisnet' as const, afm: profile.afm }
          : {}),
      });
      await sendActivation(deps, user, trx);
      await recordAudit(trx, { action: 'taxisnet.account_created', userId: user.id }, context);
      if (verified) await auditVerified(trx, user.id, profile.afm, context);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_key'))
      return { errors: [{ field: 'email', key: 'taxisnet.errors.emailTaken' }] };
    // The same person finished this form in another window a moment ago.
    if (
      isUniqueViolation(error, 'users_taxisnet_afm_key') ||
      isUniqueViolation(error, 'users_verified_afm_key')
    )
      return { errors: [{ field: 'email', key: 'taxisnet.errors.afmHasAccount' }] };
    throw error;
  }
  return { errors: [] };
}

/** New contact details for an account TaxisNet opened and nobody confirmed yet; a new link. */
async function correctUnconfirmed(
  deps: ActivationMailDeps,
  trx: Conn,
  user: UserRow,
  input: NewTaxisnetAccount,
  context: AuditContext,
): Promise<void> {
  const locked = await lockUser(trx, user.id);
  if (!locked || !isUnconfirmedTaxisnetAccount(locked)) return;
  const changes = { full_name: input.fullName, email: input.email, phone_e164: input.phone };
  await updateUser(trx, user.id, changes);
  // The earlier links stop working (issueLink supersedes them): only the new address can open it.
  await sendActivation(deps, { ...locked, ...changes }, trx);
  await recordAudit(
    trx,
    {
      action: 'taxisnet.details_corrected',
      userId: user.id,
      details: { emailChanged: locked.email !== input.email },
    },
    context,
  );
}
