import type { RequestHandler } from 'express';

/**
 * For services that need the person signed in with TaxisNet in this session (the ΚΕΠ's video
 * appointments): anonymous visitors go to TaxisNet and come back; a session signed in with a
 * password is asked to confirm with TaxisNet (the account page's link flow, which also links an
 * account not linked yet, under the same AFM rule).
 */
export const requireTaxisnetSignIn: RequestHandler = (req, res, next) => {
  if (req.user && req.session.signedInWith === 'taxisnet') {
    next();
    return;
  }
  const back = req.method === 'GET' ? req.originalUrl : undefined;
  if (!req.user) {
    res.redirect(303, back ? `/auth/taxisnet?next=${encodeURIComponent(back)}` : '/auth/taxisnet');
    return;
  }
  res.status(403).render('taxisnet/views/needed', {
    pageTitle: req.t('taxisnet.needed.title'),
    next: back ?? '',
    staff: req.user.roles.length > 0,
  });
};
