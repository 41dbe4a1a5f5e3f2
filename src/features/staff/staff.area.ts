import { Router, type RequestHandler } from 'express';
import type { Deps } from '../../deps.ts';
import { createStaffUsersRouter } from './admin/admin.routes.ts';
import { createAuditLogRouter } from './admin/audit-log.routes.ts';
import { createCounterRouter } from './citizens/counter.routes.ts';
import { createContentEditorRouter } from './content/content-editor.routes.ts';
import { BENEFITS, HEALTH } from './content/content-types.ts';
import { createDecisionsEditorRouter } from './decisions/decisions-editor.routes.ts';
import { hasRole, requireStaff } from '../../middleware/auth.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import type { StaffSection } from './staff-access.ts';

/** Upload routes: the only places a multipart form is accepted (CSRF is checked after parsing). */
export const STAFF_UPLOAD_PATHS = /^\/staff\/decisions\/(new|\d+)$/;

/**
 * The back office under /staff. Everything needs a staff role (requireStaff at the mount), and
 * each section needs its own role; the sections are listed so a test can walk every route.
 */
export function createStaffArea(
  deps: Deps,
  options: {
    protectUpload: RequestHandler;
    /** The e-services offered, so the clerk is told which ones an identity check opens. */
    hubEntries?: readonly HubEntry[];
    extraSections?: StaffSection[];
  },
): { router: Router; sections: StaffSection[] } {
  const sections: StaffSection[] = [
    {
      prefix: '/decisions',
      role: 'editor',
      navKey: 'staff.nav.decisions',
      router: createDecisionsEditorRouter(deps, options.protectUpload),
    },
    {
      prefix: '/benefits',
      role: 'editor',
      navKey: 'staff.nav.benefits',
      router: createContentEditorRouter(deps, BENEFITS),
    },
    {
      prefix: '/health',
      role: 'editor',
      navKey: 'staff.nav.health',
      router: createContentEditorRouter(deps, HEALTH),
    },
    {
      prefix: '/citizens',
      role: 'clerk',
      navKey: 'staff.nav.citizens',
      router: createCounterRouter(deps, options.hubEntries ?? []),
    },
    {
      prefix: '/users',
      role: 'admin',
      navKey: 'staff.nav.users',
      router: createStaffUsersRouter(deps),
    },
    {
      prefix: '/audit',
      role: 'admin',
      navKey: 'staff.nav.audit',
      router: createAuditLogRouter(deps),
    },
    ...(options.extraSections ?? []),
  ];
  const router = Router();
  router.use(...requireStaff);
  router.use((req, res, next) => {
    // The layout puts the staff navigation above the breadcrumbs and the error summary.
    res.locals.staffArea = true;
    const roles = req.user?.roles ?? [];
    res.locals.staffNav = sections
      .filter((s) => roles.includes(s.role))
      .map((s) => ({ href: `/staff${s.prefix}`, key: s.navKey }));
    next();
  });
  router.get('/', (req, res) => {
    res.render('staff/home', { pageTitle: req.t('staff.home.title') });
  });
  for (const section of sections) router.use(section.prefix, hasRole(section.role), section.router);
  return { router, sections };
}
