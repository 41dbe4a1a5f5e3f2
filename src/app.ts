import compression from 'compression';
import ejs from 'ejs';
import express, { Router, type Express, type RequestHandler } from 'express';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Deps } from './deps.ts';
import { createHealthCheckRouter } from './features/health-check/health-check.routes.ts';
import type { Feature, HubEntry } from './features/hub/hub-entry.ts';
import { findUserById } from './features/accounts/users.repository.ts';
import { createStaffArea } from './features/staff/staff.area.ts';
import { createApiArea, createStandardApiAreas } from './features/api/api-area.ts';
import { createServices, type Services } from './services.ts';
import { createWebhooksArea } from './features/webhooks-area.ts';
import type { Module, ModuleContext } from './features/module.ts';
import {
  cspOf,
  keptPersonalPagesOf,
  publicFormTest,
  publicPagesOf,
  sessionPathPattern,
  uploadPathTest,
} from './features/registry.ts';
import { createAuthenticator, endOutdatedSignIn, sessionLimits } from './middleware/auth.ts';
import { csrfProtection } from './middleware/csrf.ts';
import { inSequence, onceOnlySubmission } from './middleware/once-only-submission.ts';
import {
  flashNotice,
  keepAlive,
  noStoreWithSession,
  saveBeforeRedirect,
  sessionMiddleware,
} from './middleware/session.ts';
import { sessionWhenNeeded } from './middleware/session-when-needed.ts';
import { errorHandler, notFound } from './middleware/errors.ts';
import { language } from './middleware/language.ts';
import { requestLogger } from './middleware/request-logger.ts';
import { refuseNul } from './middleware/refuse-nul.ts';
import { createAssets } from './middleware/assets.ts';
import { compressSentPages } from './middleware/compress-sent.ts';
import { athensDate } from './lib/format.ts';
import {
  answerKeptPagesFirst,
  keptPageTest,
  pageCache,
  publicPageTest,
  type PublicPageTest,
} from './middleware/page-cache.ts';
import type { ContentCache } from './lib/content-cache.ts';
import { formatRf } from './lib/rf.ts';
import { personalPages } from './middleware/personal-pages.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { siteLocals } from './middleware/site-locals.ts';

/** The composition root: every request's path through the middleware, in order. */
/** The paths that need a session, less the public pages among them (kept for anonymous visitors). */
function needsSessionTest(paths: RegExp, publicPages: RegExp): Pick<RegExp, 'test'> {
  return { test: (path) => paths.test(path) && !publicPages.test(path) };
}

export function createApp(
  deps: Deps,
  options: {
    extraFeatures?: Feature[];
    /** Services built by the test (with a stand-in for an outside client). */
    services?: Services;
    /** Instrumentation that sees every request first (the tests' HTML validator). */
    first?: RequestHandler[];
  } = {},
): Express {
  const { config } = deps;
  const app = express();
  // Shared templates (layouts, partials, the error page, the back office's frame) are in views/;
  // a module's own are in its folder and named from src/features ('decisions/views/list',
  // 'decisions/staff/views/form'). Includes are written from the views root ('/layouts/top'),
  // which spares EJS a file-system check per include.
  const views = path.resolve('views');
  const moduleViews = fileURLToPath(new URL('./features/', import.meta.url));
  app.engine('ejs', (file, data, done) => {
    ejs.renderFile(file, data, { root: views, cache: config.isProduction }, done);
  });
  app.set('view engine', 'ejs');
  app.set('views', [views, moduleViews]);
  app.set('view cache', config.isProduction);
  app.set('trust proxy', config.TRUST_PROXY);
  app.set('query parser', 'simple');
  app.disable('x-powered-by');

  // Features a test plugs in without a manifest of their own.
  const modules: Module[] = [
    ...deps.modules,
    ...(options.extraFeatures ?? []).map((feature, n) => ({
      name: `extra-${n}`,
      routes: () => feature.router,
      ...(feature.hubEntry ? { hubEntry: feature.hubEntry } : {}),
    })),
  ];
  // Every service once; outside clients as the test gave them, or built from the config.
  const services = options.services ?? createServices(deps);
  const hubEntries: HubEntry[] = modules.flatMap((module) =>
    module.hubEntry ? [module.hubEntry] : [],
  );

  for (const handler of options.first ?? []) app.use(handler);
  app.use(createHealthCheckRouter(deps.db));
  const logRequest = requestLogger(deps.logger);
  // Outside services' calls (the phone provider's webhooks) come first: machine to machine, they
  // get no page, so the pages' compression, headers, language and caches are not theirs. Their
  // routers are added below, once the modules' context is made (createWebhooksArea).
  const webhooks = Router();
  const webhookPrefixes = modules.flatMap(({ webhooks: hooks }) => (hooks ? [hooks.prefix] : []));
  if (webhookPrefixes.length) webhooks.use(webhookPrefixes, logRequest);
  app.use(webhooks);
  app.use(compression());
  app.use(compressSentPages);
  const assets = createAssets(path.resolve('public/assets'), { production: config.isProduction });
  app.locals.asset = assets.url;
  // RF payment codes in groups of four, as every page that shows one prints them (lib/rf.ts).
  app.locals.formatRf = formatRf;
  app.use('/assets', assets.serve);
  const headers = securityHeaders({
    production: config.isProduction,
    hosts: cspOf(modules, config),
  });
  app.use(logRequest);
  app.use(headers);
  app.use(language({ t: deps.i18n.t, secureCookie: config.isProduction }));
  // Anonymous public pages are kept rendered; once kept, they are answered before Express,
  // with the headers and log line of the two handlers above.
  // Those that show case work (the public list of requests) in the work cache, the rest in the
  // content cache: each emptied by the writes to what it shows.
  const publicPages = publicPagesOf(modules);
  const isPublicPage = publicPageTest(publicPages);
  const isWorkPage: PublicPageTest = (req) => isPublicPage(req) && publicPages.work.test(req.path);
  const isContentPage: PublicPageTest = (req) =>
    isPublicPage(req) && !publicPages.work.test(req.path);
  app.use(pageCache(deps.contentCache, isContentPage), pageCache(deps.workCache, isWorkPage));
  // The same pages as a signed-in citizen sees them, and the pages modules mark kept (a handler's
  // queue, a citizen's dues), kept per session and day until what they show changes
  // (personal-pages.ts).
  const isKeptPersonalPage = keptPageTest(keptPersonalPagesOf(modules));
  const keptPer = (pages: ContentCache, isKept: PublicPageTest) =>
    personalPages({
      pages,
      sessions: deps.sessionCache,
      users: deps.userCache,
      secret: config.SESSION_SECRET,
      now: () => deps.clock.now(),
      variant: () => athensDate(deps.clock.now()),
      isKept,
    });
  const isWorkKept: PublicPageTest = (req) => isWorkPage(req) || isKeptPersonalPage(req);
  const personal = keptPer(deps.contentCache, isContentPage);
  const workKept = keptPer(deps.workCache, isWorkKept);
  // Made here, mounted below where forms begin. Public forms that change nothing (/verify) have
  // neither a session nor a CSRF token.
  const isPublicForm = publicFormTest(modules);
  const csrf = csrfProtection(uploadPathTest(modules), {
    secret: config.SESSION_SECRET,
    production: config.isProduction,
    isPublicForm,
  });
  const onceOnly = onceOnlySubmission({
    db: deps.db,
    logger: deps.logger,
    except: /^\/(login|logout)$/,
  });
  const ctx: ModuleContext = {
    deps,
    services,
    hubEntries,
    protectUpload: inSequence(csrf.protectUpload, onceOnly),
  };
  // Kept pages and answers go out before Express (page-cache.ts).
  answerKeptPagesFirst(
    app,
    [
      { test: isContentPage, cache: deps.contentCache },
      { test: isWorkPage, cache: deps.workCache },
    ],
    [logRequest, headers],
    [
      { test: isContentPage, pages: personal },
      { test: isWorkKept, pages: workKept },
    ],
    // Standards' answers kept in memory (Open311's GET requests), answered the same way.
    modules.flatMap(({ standardApi }) =>
      standardApi?.early ? [{ prefix: standardApi.prefix, answer: standardApi.early(ctx) }] : [],
    ),
    // Modules' public pages answered from what they kept (a certificate's verification page).
    modules.flatMap(({ earlyPages }) => (earlyPages ? [earlyPages(ctx)] : [])),
  );
  // The machine area: no session, no CSRF, its own parsers and JSON errors (api-area.ts).
  app.use('/api/v1', createApiArea(ctx, modules));
  // Standards' own interfaces (Open311 at /open311/v2): the same, in the standard's format.
  app.use(createStandardApiAreas(ctx, modules));
  // Outside services' calls: no session, no CSRF, the raw body kept (webhooks-area.ts); mounted
  // above, before the pages' pipeline.
  webhooks.use(createWebhooksArea(ctx, modules));
  app.use(siteLocals(config, hubEntries));
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  // A body no parser read (JSON, text: no form of ours sends one) is an empty form, so a handler
  // reads fields, never `undefined` (Express 5 leaves it unset). Uploads are parsed by their route.
  app.use((req, _res, next) => {
    req.body ??= {};
    next();
  });
  app.use(refuseNul);
  app.use(personal.capture, workKept.capture);
  app.use(
    sessionWhenNeeded(
      [
        sessionMiddleware({
          pool: deps.sessionPool,
          secret: config.SESSION_SECRET,
          secure: config.isProduction,
          cache: deps.sessionCache,
        }),
        ...createAuthenticator((id) =>
          deps.userCache.get(String(id), () => findUserById(deps.db, id)),
        ),
        endOutdatedSignIn,
        sessionLimits(() => deps.clock.now()),
        noStoreWithSession,
        keepAlive(() => deps.clock.now()),
        saveBeforeRedirect((id) => deps.userCache.invalidate(String(id))),
        csrf.expose,
        flashNotice,
      ],
      // A public page (the public list of requests under /requests) needs none when anonymous.
      needsSessionTest(sessionPathPattern(modules, ['staff']), publicPages.page),
      isPublicForm,
    ),
  );
  app.use(personal.keep, workKept.keep);
  app.use(csrf.protect);
  app.use(onceOnly);

  const staff = createStaffArea(ctx, modules);
  app.set('staff sections', staff.sections);
  app.use('/staff', staff.router);
  // Listed so a test can walk every module's routes, as it walks the staff sections.
  const routers = modules.flatMap((module) =>
    module.routes ? [{ module: module.name, router: module.routes(ctx) }] : [],
  );
  app.set('module routers', routers);
  for (const { router } of routers) app.use(router);

  app.use(notFound);
  app.use(errorHandler({ production: config.isProduction }));
  return app;
}
