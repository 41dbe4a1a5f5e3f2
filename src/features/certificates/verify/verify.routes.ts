import { createHash } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { HttpError, NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { presentErrors } from '../../../lib/form.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import type { ModuleContext } from '../../module.ts';
import type { ClientLimiter } from '../../open311/open311.limits.ts';
import { formatVerificationCode, parseVerificationCode } from '../verification-code.ts';
import { COMPARE_MAX_MEGABYTES, comparedPdfUpload } from './verify-upload.ts';
import { renderKept, VERIFY_HEADERS, VERIFY_LIMIT, verifyLimiter } from './verify-kept.ts';
import { presentVerification } from './verify.present.ts';

export { VERIFY_LIMIT } from './verify-kept.ts';

/**
 * The verification pages, public: no sign-in, no session, no CSRF token (module.ts, publicForms);
 * the comparison's POST changes nothing.
 */
export const VERIFY_PUBLIC_FORMS: readonly RegExp[] = [/^\/verify(?:\/[^/]*)?\/?$/i];

const text = 'certificates.verify';
const PAGE = 'certificates/verify/views/certificate';

/**
 * /verify: the form (GET, field `code`); /verify/<code>: the certificate's state, type, dates,
 * masked holder, the issued file's SHA-256 and the seal's holder, with a form (POST, one PDF) that
 * says whether a file is byte for byte the issued one. An unknown code and a malformed one get
 * the one plain "not found"; every look-up and comparison counts against VERIFY_LIMIT.
 */
export function createVerifyRouter(ctx: ModuleContext): Router {
  const limiter = verifyLimiter(ctx.deps);
  const router = Router();
  router.get('/verify', verifyForm);
  router.get('/verify/:code', certificatePage(ctx, limiter));
  // Counted before the upload is read: a client over the limit sends no 5 MB to be buffered.
  router.post(
    '/verify/:code',
    counted(limiter),
    comparedPdfUpload(),
    certificatePage(ctx, limiter),
  );
  return router;
}

/** The form; with `?code=` (the form sent), to that code's page, or the form again with why not. */
const verifyForm: RequestHandler = (req, res) => {
  res.setHeader('Cache-Control', 'no-store');
  const sent = req.query.code;
  if (sent === undefined) {
    renderForm(req, res, '', []);
    return;
  }
  const typed = typeof sent === 'string' ? sent : '';
  const code = parseVerificationCode(typed);
  if (code) {
    const lang =
      req.query.lang === 'el' || req.query.lang === 'en' ? `?lang=${req.query.lang}` : '';
    res.redirect(303, `/verify/${formatVerificationCode(code)}${lang}`);
    return;
  }
  const key = typed.trim() ? 'form.errors.shape' : 'form.errors.required';
  renderForm(req, res, typed.slice(0, 40), [{ field: 'code', key: `${text}.${key}` }]);
};

function renderForm(req: Request, res: Response, value: string, errors: FieldError[]): void {
  res.status(errors.length ? 400 : 200).render('certificates/verify/views/form', {
    pageTitle: req.t(`${text}.form.title`),
    value,
    limit: VERIFY_LIMIT.limit,
    ...presentErrors(req, errors),
  });
}

/** Counts the request against the limit (429 over it); the page then does not count it again. */
function counted(limiter: ClientLimiter): RequestHandler {
  return (req, res, next) => {
    for (const [name, value] of Object.entries(VERIFY_HEADERS)) res.setHeader(name, value);
    const wait = limiter.take(req.ip ?? 'unknown');
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw new HttpError(429, `${text}.tooMany.title`);
    }
    res.locals.verifyCounted = true;
    next();
  };
}

function certificatePage(ctx: ModuleContext, limiter: ClientLimiter): RequestHandler {
  const { deps } = ctx;
  return async (req, res, next) => {
    for (const [name, value] of Object.entries(VERIFY_HEADERS)) res.setHeader(name, value);
    const wait = res.locals.verifyCounted === true ? 0 : limiter.take(req.ip ?? 'unknown');
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw new HttpError(429, `${text}.tooMany.title`);
    }
    const code = parseVerificationCode(req.params.code);
    // Read before the look-up: a revocation meanwhile empties the cache after this generation.
    const generation = deps.workCache.generation();
    const verification = code ? await ctx.services.certificates.verify(code) : undefined;
    // Unknown and malformed alike: the app's one "not found", whatever the code.
    if (!verification) throw new NotFoundError();
    const formatted = formatVerificationCode(verification.certificate.verification_code);
    const path = `/verify/${formatted}`;
    // The seal's holder as its certificate named it when the file was issued.
    const certificate = presentVerification(req, verification, verification.certificate.sealed_by);
    const page = {
      pageTitle: req.t(`${text}.result.title`, { code: formatted }),
      path,
      code: formatted,
      maxMegabytes: COMPARE_MAX_MEGABYTES,
      certificate,
      comparison: undefined as 'same' | 'different' | undefined,
      ...presentErrors(req, []),
    };
    if (req.method !== 'POST') {
      renderKept(
        deps,
        req,
        res,
        next,
        PAGE,
        page,
        verification.certificate.verification_code,
        generation,
      );
      return;
    }
    languageSwitchFrom(res, path);
    const sent = res.locals.comparedFile;
    if (!sent || 'error' in sent) {
      const error = sent?.error ?? { field: 'document', key: `${text}.compare.errors.required` };
      res.status(400).render(PAGE, { ...page, ...presentErrors(req, [error]) });
      return;
    }
    const digest = createHash('sha256').update(sent.content).digest('hex');
    res.render(PAGE, {
      ...page,
      comparison: digest === verification.certificate.file_sha256 ? 'same' : 'different',
    });
  };
}
