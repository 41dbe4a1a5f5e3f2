import { sendCertificateFile } from './certificate-file.ts';
import {
  Router,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { NotFoundError } from '../../lib/errors.ts';
import { athensDate } from '../../lib/format.ts';
import { requireCitizen } from '../../middleware/auth.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import type { Module, ModuleContext } from '../module.ts';
import {
  mayApply,
  renderApplicationForm,
  renderNotVerified,
  submitApplication,
} from './application-form.ts';
import { presentApplication, presentApplicationRow, presentType } from './certificates.present.ts';
import {
  applicationByReference,
  applicationsOfUser,
  eventsOf,
  listTypes,
  typeByCode,
} from './certificates.repository.ts';

export const CERTIFICATES_HUB_ENTRY: HubEntry = {
  id: 'certificates',
  href: '/certificates',
  titleKey: 'certificates.citizen.hub.title',
  descriptionKey: 'certificates.citizen.hub.description',
  access: 'verified',
};

/** On the account page, for a citizen who may apply: how many applications are still open. */
export const openApplicationsSummary: NonNullable<Module['accountSummary']> = async (ctx, user) => {
  if (!mayApply(user)) return undefined;
  const applications = await applicationsOfUser(ctx.deps.db, user.id);
  const open = applications.filter((a) => a.status === 'submitted' || a.status === 'in_progress');
  return {
    textKey: 'certificates.citizen.account.open',
    params: { count: open.length },
    href: '/certificates',
  };
};

/** An application's reference as the service makes it: CRT-2026-000123. */
const REFERENCE = /^CRT-\d{4}-\d{6}$/;

/**
 * The citizen's pages: /certificates (the catalogue and their applications), the application
 * form, an application's page with its timeline, and the issued PDF. Only the applicant sees an
 * application: anyone else gets the same 404 as for a reference that does not exist.
 */
export function createCertificatesRouter(ctx: ModuleContext): Router {
  const router = Router();
  router.get('/certificates', requireCitizen, overviewPage(ctx));
  router.get('/certificates/new', requireCitizen, (req, res) =>
    // Not verified: the page that says how the service opens (a page, not an error: 200).
    mayApply(req.user!) ? renderApplicationForm(ctx, req, res) : renderNotVerified(req, res, 200),
  );
  router.post('/certificates', requireCitizen, submitApplication(ctx));
  router.get('/certificates/:reference', requireCitizen, applicationPage(ctx));
  router.get('/certificates/:reference/certificate.pdf', requireCitizen, certificatePdf(ctx));
  return router;
}

const todayOf = (ctx: ModuleContext) => athensDate(ctx.deps.clock.now());

function overviewPage(ctx: ModuleContext): RequestHandler {
  return async (req, res) => {
    const types = (await listTypes(ctx.deps.db, { activeOnly: true })).map((type) =>
      presentType(req, type),
    );
    // Not verified: what the service is and how it opens, the catalogue without "Apply".
    if (!mayApply(req.user!)) return renderNotVerified(req, res, 200, types);
    const today = todayOf(ctx);
    const applications = await applicationsOfUser(ctx.deps.db, req.user!.id);
    res.render('certificates/views/overview', {
      pageTitle: req.t('certificates.citizen.title'),
      types,
      applications: applications.map((row) => presentApplicationRow(req, row, today)),
    });
  };
}

/** The signed-in citizen's application at this address; 404 for anyone else's, as for none. */
async function ownApplication(ctx: ModuleContext, req: Request) {
  const reference = String(req.params.reference);
  const application = REFERENCE.test(reference)
    ? await applicationByReference(ctx.deps.db, reference)
    : undefined;
  if (!application || application.user_id !== req.user!.id) throw new NotFoundError();
  return application;
}

function applicationPage(ctx: ModuleContext): RequestHandler {
  return async (req, res) => {
    const application = await ownApplication(ctx, req);
    const [type, certificate, events] = await Promise.all([
      typeByCode(ctx.deps.db, application.type_code),
      ctx.services.certificates.certificateOf(application.id),
      eventsOf(ctx.deps.db, application.id),
    ]);
    if (!type) throw new NotFoundError();
    const shown = presentApplication(req, {
      application,
      type,
      certificate,
      events,
      today: todayOf(ctx),
    });
    res.render('certificates/views/application', {
      pageTitle: `${shown.typeName} ${shown.reference}`,
      breadcrumbs: [{ href: '/certificates', text: req.t('certificates.citizen.title') }],
      application: shown,
    });
  };
}

/**
 * The issued PDF as a download, revoked or not (the citizen keeps their record of it; the
 * page and /verify say it is revoked). Never cached: it is personal.
 */
function certificatePdf(ctx: ModuleContext): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const application = await ownApplication(ctx, req);
    const certificate = await ctx.services.certificates.certificateOf(application.id);
    if (!certificate) throw new NotFoundError();
    sendCertificateFile(ctx.deps.documents, res, next, application.reference, certificate.file_key);
  };
}
