import { Router, type RequestHandler } from 'express';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { formatPhone } from '../../lib/phone.ts';
import type { ModuleContext } from '../module.ts';
import { requireTaxisnetSignIn } from '../taxisnet/require-taxisnet.ts';
import { confirm, renderBooked, renderCheck } from './book-confirm.ts';
import { renderDetails, saveDetails } from './book-details.ts';
import { afmOf, areaOf, discardFiles } from './book-draft.ts';
import {
  chooseArea,
  chooseDay,
  chooseTime,
  renderArea,
  renderDay,
  renderTime,
} from './book-steps.ts';
import { documentsUpload } from './book-upload.ts';
import type { Delivery } from './booking.service.ts';

/** /kep and the booking steps at /kep/book/…: area, day, time, details, check, confirm. */
export function createBookingRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  router.get('/kep', (req, res) => {
    res.render('kep/views/index', { pageTitle: req.t('kep.book.index.title') });
  });
  router.get('/kep/book', requireTaxisnetSignIn, start(deps));
  router.get('/kep/book/area', requireTaxisnetSignIn, (req, res) => renderArea(deps, req, res));
  router.post('/kep/book/area', requireTaxisnetSignIn, chooseArea(deps));
  router.get('/kep/book/day', requireTaxisnetSignIn, (req, res) => renderDay(deps, req, res));
  router.post('/kep/book/day', requireTaxisnetSignIn, chooseDay(deps));
  router.get('/kep/book/time', requireTaxisnetSignIn, (req, res) => renderTime(deps, req, res));
  router.post('/kep/book/time', requireTaxisnetSignIn, chooseTime(deps));
  router.get('/kep/book/details', requireTaxisnetSignIn, (req, res) =>
    renderDetails(deps, req, res),
  );
  router.post(
    '/kep/book/details',
    requireTaxisnetSignIn,
    documentsUpload(),
    ctx.protectUpload,
    saveDetails(deps),
  );
  router.get('/kep/book/check', requireTaxisnetSignIn, (req, res) => renderCheck(deps, req, res));
  router.post('/kep/book/confirm', requireTaxisnetSignIn, confirm(deps));
  router.get('/kep/book/booked/:id', requireTaxisnetSignIn, (req, res) =>
    renderBooked(deps, req, res),
  );
  return router;
}

// ---------------------------------------------------------------------------------------------
// Start, and "book again"

function start(deps: Deps): RequestHandler {
  return async (req, res) => {
    const again = typeof req.query.again === 'string' ? req.query.again : undefined;
    if (again === undefined) {
      res.redirect(303, '/kep/book/area');
      return;
    }
    const id = /^\d{1,9}$/.test(again) ? Number(again) : NaN;
    const row = Number.isSafeInteger(id)
      ? ((await deps
          .db('kep_appointments')
          .where({ id, afm: afmOf(req) })
          .first()) as Record<string, unknown> | undefined)
      : undefined;
    if (!row) throw new NotFoundError();
    await discardFiles(deps, req.session.kepBooking);
    const area = await areaOf(deps, row.area_id as number);
    const erased = Boolean(row.needs_erased_at);
    req.session.kepBooking = {
      ...(area ? { areaId: area.id } : {}),
      details: {
        fullName: row.full_name as string,
        email: row.email as string,
        phone: row.phone_e164 ? formatPhone(row.phone_e164 as string) : '',
        postalAddress: (row.postal_address as string | null) ?? '',
        delivery: row.delivery as Delivery,
        signLanguage: !erased && Boolean(row.needs_sign_language),
        lipReading: !erased && Boolean(row.needs_lip_reading),
        needsOther: !erased && Boolean(row.needs_other),
        otherText: erased ? '' : ((row.needs_other as string | null) ?? ''),
      },
    };
    res.redirect(303, area ? '/kep/book/day' : '/kep/book/area');
  };
}
