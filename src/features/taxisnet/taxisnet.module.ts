import { Router } from 'express';
import { localesBeside, type Module } from '../module.ts';
import { createGsisStandIn } from './dev/gsis-stand-in.routes.ts';
import { taxisnetConfig, taxisnetSettingsOf } from './taxisnet.config.ts';
import { exportTaxisnet } from './taxisnet.personal.ts';
import { createTaxisnetRouter } from './taxisnet.routes.ts';

/**
 * TaxisNet sign-in (GSIS's OAuth2, the national credentials of ΓΓΠΣΔΔ) for citizens: an account
 * keyed by AFM, opened or linked at sign-in, and a stand-in GSIS at /dev/gsis for development and
 * tests (production never mounts it).
 */
export const taxisnetModule: Module = {
  name: 'taxisnet',
  routes: (ctx) => {
    const router = Router();
    const settings = taxisnetSettingsOf(ctx.deps.config);
    if (!ctx.deps.config.isProduction)
      router.use(
        createGsisStandIn({
          portalBaseUrl: ctx.deps.config.baseUrl,
          clientId: settings.clientId,
          clientSecret: settings.clientSecret,
        }),
      );
    router.use(createTaxisnetRouter(ctx));
    return router;
  },
  sessionPaths: ['auth'],
  // The stand-in's token endpoint is called by our own server, with no session or CSRF token.
  publicForms: [/^\/dev\/gsis\/oauth2server\/oauth\/token$/],
  signInOptions: (config) =>
    taxisnetSettingsOf(config).enabled
      ? [
          {
            href: '/auth/taxisnet',
            headingKey: 'taxisnet.login.heading',
            textKey: 'taxisnet.login.text',
            buttonKey: 'taxisnet.login.button',
          },
        ]
      : [],
  accountSummary: (ctx, user) => {
    // Something to do, not a state: offered until TaxisNet is linked.
    if (user.roles.length || user.taxisnet_afm || !taxisnetSettingsOf(ctx.deps.config).enabled)
      return Promise.resolve(undefined);
    return Promise.resolve({ textKey: 'taxisnet.account.summaryNot', href: '/account/taxisnet' });
  },
  // Sign-out goes on to GSIS's logout after the form: browsers check that redirect against form-action.
  csp: (config) => {
    const settings = taxisnetSettingsOf(config);
    return settings.enabled && !settings.standIn
      ? { formAction: [new URL(settings.baseUrl).origin] }
      : {};
  },
  auditActions: [
    'taxisnet.signed_in',
    'taxisnet.linked',
    'taxisnet.link_refused',
    'taxisnet.account_created',
    'taxisnet.details_corrected',
  ],
  config: taxisnetConfig,
  checkConfig: (config) => void taxisnetSettingsOf(config),
  privacyNotice: { headingKey: 'taxisnet.privacy.heading', bodyKey: 'taxisnet.privacy.body' },
  // No eraseFor: the link lives on the account row, which the account's deletion empties.
  exportFor: exportTaxisnet,
  locales: localesBeside(import.meta.url, ['dev']),
};
