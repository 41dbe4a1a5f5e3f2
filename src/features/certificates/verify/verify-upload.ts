import type { RequestHandler } from 'express';
import type { FieldError } from '../../../lib/errors.ts';
import { memoryUpload } from '../../../middleware/memory-upload.ts';
import { checkPdf } from '../../staff/pdf-upload.ts';

/** The largest file the comparison takes (issued certificates are a few tens of kilobytes). */
export const COMPARE_MAX_MEGABYTES = 5;

declare module 'express-serve-static-core' {
  interface Locals {
    /** The PDF sent to /verify/<code> for comparison, or why it was refused (verify-upload.ts). */
    comparedFile?: { content: Buffer } | { error: FieldError };
  }
}

const refusal = (key: string, params?: Record<string, unknown>) => ({
  error: { field: 'document', key: `certificates.verify.compare.errors.${key}`, params },
});

/**
 * Parses the comparison form (multipart, one file in `document`) into memory: at most 5 MB and a
 * PDF by its content, not its name. Nothing is kept; there is no CSRF token to check (the form
 * changes nothing: module.ts, publicForms).
 */
export function comparedPdfUpload(): RequestHandler {
  return memoryUpload(
    { field: 'document', maxFiles: 1, maxBytes: COMPARE_MAX_MEGABYTES * 1024 * 1024, fields: 5 },
    (upload, _req, res) => {
      const file = upload.files[0];
      if (upload.refused === 'size')
        res.locals.comparedFile = refusal('tooLarge', { max: COMPARE_MAX_MEGABYTES });
      else if (upload.refused) res.locals.comparedFile = refusal('oneFile');
      else if (!file) res.locals.comparedFile = refusal('required');
      else if (file.size === 0) res.locals.comparedFile = refusal('empty');
      else if (checkPdf(file.buffer)) res.locals.comparedFile = refusal('notPdf');
      else res.locals.comparedFile = { content: file.buffer };
    },
  );
}
