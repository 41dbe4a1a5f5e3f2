import { Router } from 'express';
import { hasRole, requireStaff } from '../../middleware/auth.ts';
import type { Module, ModuleContext } from '../module.ts';
import type { StaffSection } from './staff-access.ts';

/**
 * The back office under /staff. Everything needs a staff role (requireStaff at the mount), and
 * each section (declared by its module) needs its own role; the sections are returned so a test
 * can walk every route.
 */
export function createStaffArea(
  ctx: ModuleContext,
  modules: readonly Module[],
): { router: Router; sections: StaffSection[] } {
  const sections: StaffSection[] = modules.flatMap((module) =>
    (module.staff ?? []).map((section) => ({
      prefix: section.prefix,
      role: section.role,
      navKey: section.navKey,
      router: section.router(ctx),
    })),
  );
  const router = Router();
  router.use(...requireStaff);
  router.use((req, res, next) => {
    // The layout puts the staff navigation above the breadcrumbs and the error summary.
    res.locals.staffArea = true;
    const roles = req.user?.roles ?? [];
    res.locals.staffNav = sections
      .filter((s) => s.navKey && roles.includes(s.role))
      .map((s) => ({ href: `/staff${s.prefix}`, key: s.navKey }));
    next();
  });
  router.get('/', (req, res) => {
    res.render('staff/home', { pageTitle: req.t('staff.home.title') });
  });
  // The longer prefix first: /requests/settings (admins) is not taken by /requests (handlers).
  const byPrefix = [...sections].sort((a, b) => b.prefix.length - a.prefix.length);
  for (const section of byPrefix) router.use(section.prefix, hasRole(section.role), section.router);
  return { router, sections };
}
