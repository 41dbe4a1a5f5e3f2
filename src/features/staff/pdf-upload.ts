import type { RequestHandler } from 'express';
import { memoryUpload } from '../../middleware/memory-upload.ts';

export const MAX_PDF_BYTES = 20 * 1024 * 1024;

export interface UploadResult {
  /** The file's bytes, when one was sent and it is a real PDF. */
  pdf?: Buffer;
  /** An i18n key when the file was refused. */
  errorKey?: string;
}

/**
 * Parses a form with an optional `document` file into memory and checks it: not empty, at most
 * 20 MB, and a PDF by its content, not its name. Refusals land in res.locals.upload so the form
 * can show them next to the field.
 */
export function pdfUpload(): RequestHandler {
  return memoryUpload(
    { field: 'document', maxFiles: 1, maxBytes: MAX_PDF_BYTES },
    (upload, req, res) => {
      const result: UploadResult = {};
      const file = upload.files[0];
      if (upload.refused)
        result.errorKey =
          upload.refused === 'size' ? 'staff.upload.tooLarge' : 'staff.upload.invalid';
      else if (file) {
        result.errorKey = checkPdf(file.buffer);
        if (!result.errorKey) result.pdf = file.buffer;
      }
      // Routes read the file's name from req.file, as multer's single() would set it.
      if (file) req.file = file;
      res.locals.upload = result;
    },
  );
}

/** A PDF starts with %PDF- and has an end-of-file marker near its end. */
export function checkPdf(content: Buffer): string | undefined {
  if (content.length === 0) return 'staff.upload.empty';
  if (content.subarray(0, 5).toString('latin1') !== '%PDF-') return 'staff.upload.notPdf';
  if (
    !content
      .subarray(Math.max(0, content.length - 1024))
      .toString('latin1')
      .includes('%%EOF')
  )
    return 'staff.upload.notPdf';
  return undefined;
}
