import { emailsBeside, localesBeside, type Module } from '../module.ts';
import { countOpenForUser } from './requests.repository.ts';
import { mapCspNeeds, mapSettingsOf, requestsConfig } from './requests.config.ts';
import { createDevTilesRouter } from './dev-tiles.routes.ts';
import { DEMO_HANDLER, seedDemoRequests, seedRequestCategories } from './requests.demo.ts';
import { createRequestsRouter, REQUESTS_HUB_ENTRY } from './requests.routes.ts';
import { createPublicListRouter } from './public-list.routes.ts';
import { requestsServices } from './requests.services.ts';
import { sendHandlerDigests } from './staff/digest.job.ts';
import { createHandlingRouter } from './staff/handling.routes.ts';
import { createCitizenDocumentsRouter } from './staff/documents.routes.ts';
import { createTemplatesRouter } from './staff/templates.routes.ts';
import { createPreferencesRouter } from './staff/preferences.routes.ts';
import { createRequestSettingsRouter } from './staff/settings.routes.ts';
import * as earthdistance from './migrations/20261203090000_earthdistance.ts';
import * as departments from './migrations/20261203090100_departments.ts';
import * as categories from './migrations/20261203090200_request_categories.ts';
import * as handlerRole from './migrations/20261203090300_role_handler.ts';
import * as departmentHandlers from './migrations/20261203090400_department_handlers.ts';
import * as numbers from './migrations/20261203090500_request_numbers.ts';
import * as requests from './migrations/20261203090600_requests.ts';
import * as events from './migrations/20261203090700_request_events.ts';
import * as followers from './migrations/20261203090800_request_followers.ts';
import * as photos from './migrations/20261203090900_request_photos.ts';
import * as digests from './migrations/20261203093000_handler_digests.ts';
import * as replyTemplates from './migrations/20261203094000_reply_templates.ts';
import * as requestDocuments from './migrations/20261203094100_request_documents.ts';
import * as queueCounts from './migrations/20261203095000_queue_counts.ts';
import * as queueNotify from './migrations/20261211090100_queue_notify.ts';
import * as linksIndexes from './migrations/20261213090000_request_links_indexes.ts';
import * as showName from './migrations/20261212100000_request_show_name.ts';
import * as publicLocation from './migrations/20261212100100_category_public_location.ts';
import * as photoApproval from './migrations/20261212100200_photo_approval.ts';
import * as publicList from './migrations/20261212100300_public_list.ts';
import * as recordings from './migrations/20261226090200_request_recordings.ts';
import * as withdrawn from './migrations/20261230100000_request_events_withdrawn.ts';
import { eraseRequests } from './requests.erasure.ts';
import { exportRequestFiles, exportRequests } from './requests.export.ts';

/** Requests and complaints (Αιτήματα/Καταγγελίες): citizens file and follow them; departments handle them. */
export const requestsModule: Module = {
  name: 'requests',
  services: requestsServices,
  routes: (ctx) => {
    // The public list first: /requests/:ref (a citizen's own, after sign-in) would take its address.
    const router = createPublicListRouter(ctx.deps);
    router.use(createRequestsRouter(ctx.deps, ctx.services.requests, ctx.protectUpload));
    router.use(createCitizenDocumentsRouter(ctx.deps));
    // The development tile server is a stand-in for the map: production never mounts it.
    return ctx.deps.config.isProduction ? router : router.use(createDevTilesRouter());
  },
  staff: [
    {
      prefix: '/requests',
      role: 'handler',
      navKey: 'staff.nav.requests',
      router: (ctx) =>
        createHandlingRouter(ctx.deps, ctx.services.requestHandling, ctx.protectUpload),
      // The queue: requests, their categories and departments, who handles what (work_changed).
      keptPages: [/\/?/],
    },
    {
      prefix: '/requests/settings',
      role: 'admin',
      navKey: 'staff.nav.requestSettings',
      router: (ctx) => createRequestSettingsRouter(ctx.deps),
    },
    // Reached from the settings' tabs and the queue's heading, not listed in the navigation.
    {
      prefix: '/requests/settings/templates',
      role: 'admin',
      router: (ctx) => createTemplatesRouter(ctx.deps),
    },
    {
      prefix: '/requests/preferences',
      role: 'handler',
      router: (ctx) => createPreferencesRouter(ctx.deps),
    },
  ],
  jobs: [
    {
      name: 'requests.handler-digest',
      schedule: '0 7 * * *',
      run: async (deps) => {
        await sendHandlerDigests(deps);
      },
    },
  ],
  hubEntry: REQUESTS_HUB_ENTRY,
  sessionPaths: ['requests'],
  // The public list and a public request's page, as anonymous visitors see them, kept rendered
  // until a request changes (work_changed); the filtered lists are not kept.
  publicPages: [
    { path: /\/requests\/public/, paged: true, changesWith: 'work' },
    { path: /\/requests\/public\/2\d{3}-\d{6}/, changesWith: 'work' },
  ],
  uploadPaths: [
    /^\/requests\/new\/details$/,
    /^\/requests\/2\d{3}-\d{6}\/comment$/,
    /^\/staff\/requests\/2\d{3}-\d{6}\/documents$/,
  ],
  accountSummary: async (ctx, user) => ({
    textKey: 'requests.account.open',
    params: { count: await countOpenForUser(ctx.deps.db, user.id) },
    href: '/requests',
  }),
  auditActions: [
    'request.submitted',
    'request.followed',
    'request.assigned',
    'request.status_changed',
    'request.answered',
    'request.merged',
    'request.moved',
    'request.visibility_changed',
    'request.title_place_set',
    'request.photo_approved',
    'request.photo_withdrawn',
    'request.commented',
    'request.reopened',
    'request.document_attached',
    'request.template_created',
    'request.template_updated',
    'request.template_deactivated',
    'request.template_activated',
    'request_department.created',
    'request_department.updated',
    'request_department.deleted',
    'request_department.handler_added',
    'request_department.handler_removed',
    'request_category.created',
    'request_category.updated',
    'request_handler.notifications_changed',
  ],
  roles: [{ name: 'handler', labelKey: 'staff.roles.handler' }],
  referenceData: seedRequestCategories,
  demo: { seed: seedDemoRequests, accounts: [DEMO_HANDLER] },
  privacyNotice: { headingKey: 'requests.privacy.heading', bodyKey: 'requests.privacy.body' },
  // Their requests, comments, photos and followed requests; erasure withdraws the open ones and
  // keeps the public facts, unnamed (requests.erasure.ts says what stays and why).
  exportFor: exportRequests,
  exportFiles: exportRequestFiles,
  eraseFor: eraseRequests,
  config: requestsConfig,
  checkConfig: (config) => void mapSettingsOf(config),
  csp: mapCspNeeds,
  migrations: {
    '20261203090000_earthdistance': earthdistance,
    '20261203090100_departments': departments,
    '20261203090200_request_categories': categories,
    '20261203090300_role_handler': handlerRole,
    '20261203090400_department_handlers': departmentHandlers,
    '20261203090500_request_numbers': numbers,
    '20261203090600_requests': requests,
    '20261203090700_request_events': events,
    '20261203090800_request_followers': followers,
    '20261203090900_request_photos': photos,
    '20261203093000_handler_digests': digests,
    '20261203094000_reply_templates': replyTemplates,
    '20261203094100_request_documents': requestDocuments,
    '20261203095000_queue_counts': queueCounts,
    '20261211090100_queue_notify': queueNotify,
    '20261212100000_request_show_name': showName,
    '20261212100100_category_public_location': publicLocation,
    '20261212100200_photo_approval': photoApproval,
    '20261212100300_public_list': publicList,
    '20261213090000_request_links_indexes': linksIndexes,
    '20261226090200_request_recordings': recordings,
    '20261230100000_request_events_withdrawn': withdrawn,
  },
  emails: emailsBeside(import.meta.url),
  locales: localesBeside(import.meta.url),
};
