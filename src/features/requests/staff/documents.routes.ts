import { sendStoredDownload } from '../../../lib/stored-download.ts';
import {
  Router,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Deps } from '../../../deps.ts';
import { bindDeps } from '../../../lib/bind-deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { formFields } from '../../../lib/form.ts';
import { requireCitizen } from '../../../middleware/auth.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import { pdfUpload, type UploadResult } from '../../staff/pdf-upload.ts';
import { citizenRequestOf } from '../request-page.ts';
import { parseReference } from '../reference.ts';
import { findDocument, type RequestDocumentRow } from './documents.repository.ts';
import { attachDocument, cleanFileName } from './documents.service.ts';
import { findForHandler } from './handling.repository.ts';
import { renderRequest } from './request.page.ts';

const documentId = (req: Request) => {
  const text = String(req.params.document);
  return /^[1-9]\d{0,17}$/.test(text) ? Number(text) : 0;
};

/** A request's document as a download under the name it was uploaded with. */
function sendDocument(
  deps: Pick<Deps, 'documents'>,
  res: Response,
  next: NextFunction,
  document: RequestDocumentRow,
): void {
  sendStoredDownload(deps.documents, res, next, {
    key: document.stored_name,
    fileName: document.original_name,
    contentType: 'application/pdf',
  });
}

/**
 * On /staff/requests: a handler attaches a PDF to a request of their departments (the upload is
 * read, then the CSRF token checked) and downloads any of its documents, internal ones included.
 */
export function addDocumentRoutes(router: Router, deps: Deps, protectUpload: RequestHandler): void {
  const service = bindDeps(deps, { attachDocument });
  router.post(
    '/:ref/documents',
    pdfUpload(),
    protectUpload,
    async (req: Request, res: Response) => {
      const ref = parseReference(req.params.ref);
      if (!ref || !(await findForHandler(deps.db, ref, req.user!.id))) throw new NotFoundError();
      const values = formFields(req.body, ['audience']);
      const upload = res.locals.upload as UploadResult;
      const errors: FieldError[] = [];
      if (!['public', 'internal'].includes(values.audience))
        errors.push({ field: 'audience', key: 'requests.documents.errors.audience' });
      if (upload.errorKey) errors.push({ field: 'document', key: upload.errorKey });
      else if (!upload.pdf)
        errors.push({ field: 'document', key: 'requests.documents.errors.missing' });
      if (!errors.length)
        errors.push(
          ...(await service.attachDocument(
            req.user!,
            ref,
            {
              pdf: upload.pdf!,
              fileName: cleanFileName(req.file?.originalname),
              public: values.audience === 'public',
            },
            auditContext(req),
          )),
        );
      if (errors.length) return renderRequest(deps, req, res, ref, { errors, values });
      req.session.flash = {
        key:
          values.audience === 'public'
            ? 'requests.documents.attachedPublic'
            : 'requests.documents.attachedInternal',
      };
      res.redirect(303, `/staff/requests/${req.params.ref as string}#documents`);
    },
  );
  router.get('/:ref/documents/:document', async (req, res, next) => {
    const ref = parseReference(req.params.ref);
    const request = ref && (await findForHandler(deps.db, ref, req.user!.id));
    const document = request && (await findDocument(deps.db, request.id, documentId(req)));
    if (!document) throw new NotFoundError();
    sendDocument(deps, res, next, document);
  });
}

/**
 * /requests/<ref>/documents/<id>: a public document of a request the citizen filed or follows.
 * An internal document, another request's, or a request that is not theirs: 404, all alike.
 */
export function createCitizenDocumentsRouter(deps: Deps): Router {
  const router = Router();
  router.get('/requests/:ref/documents/:document', requireCitizen, async (req, res, next) => {
    const request = await citizenRequestOf(deps, req);
    const document = await findDocument(deps.db, request.id, documentId(req), {
      publicOnly: true,
    });
    if (!document) throw new NotFoundError();
    sendDocument(deps, res, next, document);
  });
  return router;
}
