import type { Request, RequestHandler, Response } from 'express';
import { presentErrors } from '../../lib/form.ts';
import { athensDate, formatDate } from '../../lib/format.ts';
import { formatPhone } from '../../lib/phone.ts';
import { languageSwitchFrom } from '../../middleware/language.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import { serviceStates } from '../hub/service-states.ts';
import type { FieldError } from './accounts.schemas.ts';
import { formatPostalAddress, postalAddressOf } from './postal-address.ts';
import type { UserRow } from './users.repository.ts';

const CHANNEL_KEYS = { counter: '', taxisnet: 'Taxisnet', video: 'Video' } as const;

/** What each module has to say on the account page ("my requests: 2 open"), from the manifests. */
export type AccountItemsFor = (
  user: UserRow,
  req: Request,
) => Promise<{ text: string; href: string }[]>;

/** Puts the modules' items for the signed-in citizen where the account page finds them. */
export function accountItems(itemsFor: AccountItemsFor): RequestHandler {
  return async (req, res, next) => {
    res.locals.accountItems = req.user ? await itemsFor(req.user, req) : [];
    next();
  };
}

export interface AccountPageExtra {
  errors?: FieldError[];
  values?: Record<string, string>;
  newPin?: string;
}

/** The account page: every form on it is sent to its own address and answered with this page. */
export function renderAccountPage(
  req: Request,
  res: Response,
  hubEntries: readonly HubEntry[],
  extra: AccountPageExtra = {},
  status = 200,
): void {
  const user = req.user!;
  const staff = user.roles.length > 0;
  languageSwitchFrom(res, '/account');
  const checkedAt = user.identity_verified_at ? new Date(user.identity_verified_at) : null;
  const address = postalAddressOf(user);
  res.status(status).render('accounts/views/account', {
    pageTitle: req.t('accounts.account.title'),
    account: {
      fullName: user.full_name,
      username: user.username,
      hasPassword: Boolean(user.password_hash),
      email: user.email,
      phone: user.phone_e164 ? formatPhone(user.phone_e164) : '',
      verified: Boolean(user.identity_verified_at),
      address: address ? formatPostalAddress(address) : '',
      roles: user.roles,
      staff,
    },
    // Staff are not checked at the counter: their account page says nothing about it.
    showIdentity: !staff,
    identity: {
      checkedOn: checkedAt ? formatDate(athensDate(checkedAt), req.lang) : '',
      // Where it was checked: at the counter, through TaxisNet, on a video call.
      checkedKey: `accounts.account.identityChecked${CHANNEL_KEYS[user.identity_channel ?? 'counter']}`,
      // What the check opens: only services mounted here, never ones still to come.
      opens: hubEntries
        .filter((entry) => entry.access === 'verified')
        .map((entry) => req.t(entry.titleKey)),
    },
    services: serviceStates(req, hubEntries, user),
    values: extra.values ?? {
      street: address?.street ?? '',
      number: address?.number ?? '',
      postcode: address?.postcode ?? '',
      city: address?.city ?? '',
    },
    newPin: extra.newPin,
    ...presentErrors(req, extra.errors ?? []),
  });
}

/** After a change: the account page again, with a message (post/redirect/get). */
export function backToAccount(req: Request, res: Response, key: string): void {
  req.session.flash = { key };
  res.redirect(303, '/account');
}
