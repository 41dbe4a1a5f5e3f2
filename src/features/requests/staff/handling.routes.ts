import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { formFields } from '../../../lib/form.ts';
import { parseForm } from '../../../lib/forms.ts';
import type { Services } from '../../../services.ts';
import { auditContext, historyOf, type AuditContext } from '../../audit/audit.repository.ts';
import { parseReference } from '../reference.ts';
import {
  answerSchema,
  assignSchema,
  mergeSchema,
  moveSchema,
  photoSchema,
  statusSchema,
  titlePlaceSchema,
  visibilitySchema,
} from './handling.schemas.ts';
import { sendRequestPhoto } from '../photos.repository.ts';
import { formatReference } from '../reference.ts';
import { addDocumentRoutes } from './documents.routes.ts';
import { addRecordingRoute } from './recording.routes.ts';
import { findForHandler } from './handling.repository.ts';
import { renderQueue } from './queue.page.ts';
import { renderRequest } from './request.page.ts';

type Handling = Services['requestHandling'];
type Ref = { year: number; number: number };

function refOf(req: Request): Ref {
  const ref = parseReference(req.params.ref);
  if (!ref) throw new NotFoundError();
  return ref;
}

/**
 * One action's form: read its fields, check them, run the action; a problem is shown at its field
 * on the request's page (400), success goes back to the page with a message (post/redirect/get).
 */
function action<S extends z.ZodType>(
  deps: Deps,
  schema: S,
  names: readonly string[],
  run: (
    user: { id: number },
    ref: Ref,
    data: z.infer<S>,
    context: AuditContext,
  ) => Promise<FieldError[] | { errors: FieldError[]; stillVisible: boolean }>,
  doneKey: string,
): RequestHandler {
  return async (req: Request, res: Response) => {
    const ref = refOf(req);
    const values = formFields(req.body, names);
    const parsed = parseForm(schema, values);
    const result = parsed.ok
      ? await run(req.user!, ref, parsed.data, auditContext(req))
      : parsed.errors;
    const errors = Array.isArray(result) ? result : result.errors;
    if (errors.length) return renderRequest(deps, req, res, ref, { errors, values });
    req.session.flash = { key: doneKey };
    const gone = !Array.isArray(result) && !result.stillVisible;
    res.redirect(303, gone ? '/staff/requests' : `/staff/requests/${req.params.ref as string}`);
  };
}

/**
 * /staff/requests: the handlers' queue and each request of their departments, with its actions,
 * its documents and its audit history.
 */
export function createHandlingRouter(
  deps: Deps,
  handling: Handling,
  protectUpload: RequestHandler,
): Router {
  const router = Router();
  router.get('/', (req, res) => renderQueue(deps, req, res));
  router.get('/:ref', (req, res) => {
    const template = typeof req.query.template === 'string' ? req.query.template : undefined;
    return renderRequest(deps, req, res, refOf(req), { template });
  });
  router.get('/:ref/photos/:photo', handlerPhoto(deps));
  router.get('/:ref/history', requestHistory(deps));
  addRecordingRoute(router, deps);
  addDocumentRoutes(router, deps, protectUpload);
  const done = (what: string) => `requests.staff.done.${what}`;
  router.post(
    '/:ref/assign',
    action(deps, assignSchema, ['assignee'], handling.assignRequest, done('assigned')),
  );
  router.post(
    '/:ref/status',
    action(
      deps,
      statusSchema,
      ['status', 'publicNote', 'internalNote'],
      handling.changeStatus,
      done('status'),
    ),
  );
  router.post(
    '/:ref/answer',
    action(deps, answerSchema, ['answer'], handling.answerRequest, done('answered')),
  );
  router.post(
    '/:ref/merge',
    action(deps, mergeSchema, ['target', 'mergeNote'], handling.mergeRequest, done('merged')),
  );
  router.post(
    '/:ref/move',
    action(deps, moveSchema, ['category', 'moveNote'], handling.moveRequest, done('moved')),
  );
  // A phone request's title and place, which its caller did not type (title-place.service.ts).
  router.post(
    '/:ref/title-place',
    action(
      deps,
      titlePlaceSchema,
      ['title', 'address', 'lat', 'lng'],
      handling.setTitleAndPlace,
      done('titlePlace'),
    ),
  );
  router.post(
    '/:ref/visibility',
    action(deps, visibilitySchema, ['public'], handling.setVisibility, done('visibility')),
  );
  // A photo approved for the public list, or no longer (the photo's id in the form).
  router.post(
    '/:ref/photos/approve',
    action(deps, photoSchema, ['photo'], handling.approvePhoto, done('photoApproved')),
  );
  router.post(
    '/:ref/photos/withdraw',
    action(deps, photoSchema, ['photo'], handling.withdrawPhotoApproval, done('photoWithdrawn')),
  );
  return router;
}

/** A photo of a request of the handler's departments (404 for any other). */
function handlerPhoto(deps: Deps): RequestHandler {
  return async (req, res) => {
    const request = await findForHandler(deps.db, refOf(req), req.user!.id);
    if (!request) throw new NotFoundError();
    await sendRequestPhoto(deps, req, res, request.id);
  };
}

/** Who did what to a request of the handler's departments, from the audit log. */
function requestHistory(deps: Deps): RequestHandler {
  return async (req, res) => {
    const request = await findForHandler(deps.db, refOf(req), req.user!.id);
    if (!request) throw new NotFoundError();
    const reference = formatReference(request);
    res.render('staff/history', {
      pageTitle: req.t('staff.history.title'),
      itemTitle: reference.display,
      backHref: `/staff/requests/${reference.url}`,
      entries: await historyOf(deps.db, { type: 'request', id: request.id }),
    });
  };
}
