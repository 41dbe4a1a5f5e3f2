import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { HttpError } from '../../lib/errors.ts';
import { containsNul, NulCharacterError } from '../../middleware/refuse-nul.ts';

export const MAX_PDF_BYTES = 20 * 1024 * 1024;

export interface UploadResult {
  /** The file's bytes, when one was sent and it is a real PDF. */
  pdf?: Buffer;
  /** An i18n key when the file was refused. */
  errorKey?: string;
}

const memory = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_PDF_BYTES, files: 1, fields: 40, fieldSize: 100 * 1024 },
});

/**
 * Parses a form with an optional `document` file into memory (never onto disk under the name the
 * browser sent) and checks it: not empty, at most 20 MB, and a PDF by its content, not its name.
 * Refusals land in res.locals.upload so the form can show them next to the field.
 */
export function pdfUpload(): RequestHandler {
  const single = memory.single('document');
  return (req: Request, res: Response, next) => {
    single(req, res, (error: unknown) => {
      const result: UploadResult = {};
      if (error instanceof multer.MulterError) {
        result.errorKey =
          error.code === 'LIMIT_FILE_SIZE' ? 'staff.upload.tooLarge' : 'staff.upload.invalid';
        // The rest of the form was not read: the request is refused as a whole.
        req.body ??= {};
      } else if (error) {
        // Anything else multer stops at is a body that is not a whole multipart form (cut short,
        // another boundary, none): the request is refused as malformed.
        next(new HttpError(400, 'errors.incompleteForm.title'));
        return;
      } else if (containsNul(req.body) || containsNul(req.file?.originalname)) {
        next(new NulCharacterError());
        return;
      } else if (req.file) {
        result.errorKey = checkPdf(req.file.buffer);
        if (!result.errorKey) result.pdf = req.file.buffer;
      }
      res.locals.upload = result;
      next();
    });
  };
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
