import { emailsBeside, localesBeside, type Module } from '../module.ts';
import { eraseOpen311, exportOpen311 } from './open311.privacy.ts';
import { createOpen311Router, earlyOpen311Answers, open311Errors } from './open311.routes.ts';
import { OPEN311_SCOPES } from './open311.service.ts';
import { createStatusPageRouter } from './status-page.routes.ts';
import * as reporters from './migrations/20261210090000_open311_reporters.ts';
import * as statusLinks from './migrations/20261210090100_open311_status_links.ts';
import * as listIndex from './migrations/20261212110000_open311_list_index.ts';

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2: apps list the
 * request categories as services, file requests into the handlers' queue (channel `api`, with a
 * key that has open311:write) and follow public requests. A reporter without an account follows
 * theirs by the status link mailed to them (/requests/status/<token>). docs/OPEN311.md.
 */
export const open311Module: Module = {
  name: 'open311',
  routes: (ctx) => createStatusPageRouter(ctx.deps),
  standardApi: {
    prefix: '/open311/v2',
    router: createOpen311Router,
    errors: open311Errors,
    early: earlyOpen311Answers,
  },
  apiScopes: [OPEN311_SCOPES.write, OPEN311_SCOPES.readAll],
  auditActions: ['open311.request_filed'],
  migrations: {
    '20261210090000_open311_reporters': reporters,
    '20261210090100_open311_status_links': statusLinks,
    '20261212110000_open311_list_index': listIndex,
  },
  privacyNotice: { headingKey: 'open311.privacy.heading', bodyKey: 'open311.privacy.body' },
  exportFor: exportOpen311,
  eraseFor: eraseOpen311,
  emails: emailsBeside(import.meta.url),
  locales: localesBeside(import.meta.url),
};
