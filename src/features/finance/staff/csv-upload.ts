import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { HttpError } from '../../../lib/errors.ts';
import { containsNul, NulCharacterError } from '../../../middleware/refuse-nul.ts';

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export interface CsvUploadResult {
  /** The file's bytes, when one was sent and it is text (a CSV), not a spreadsheet or a picture. */
  content?: Buffer;
  fileName?: string;
  /** An i18n key when the file was refused. */
  errorKey?: string;
}

const memory = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 20, fieldSize: 10 * 1024 },
});

/** A CSV is text: no NUL bytes, and not an .xlsx (a ZIP) or a PDF sent by mistake. */
function checkText(content: Buffer): string | undefined {
  if (content.length === 0) return 'finance.upload.errors.empty';
  const head = content.subarray(0, 64 * 1024);
  if (head.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004')
    return 'finance.upload.errors.spreadsheet';
  if (head.includes(0)) return 'finance.upload.errors.notText';
  return undefined;
}

/**
 * Parses the import form (`kind` and a `file`) into memory and checks the file is a text file
 * of at most 50 MB. Refusals land in res.locals.upload so the form shows them by the field.
 */
export function csvUpload(): RequestHandler {
  const single = memory.single('file');
  return (req: Request, res: Response, next) => {
    single(req, res, (error: unknown) => {
      const result: CsvUploadResult = {};
      if (error instanceof multer.MulterError) {
        result.errorKey =
          error.code === 'LIMIT_FILE_SIZE'
            ? 'finance.upload.errors.tooLarge'
            : 'finance.upload.errors.invalid';
        req.body ??= {};
      } else if (error) {
        next(new HttpError(400, 'errors.incompleteForm.title'));
        return;
      } else if (containsNul(req.body) || containsNul(req.file?.originalname)) {
        next(new NulCharacterError());
        return;
      } else if (req.file) {
        result.errorKey = checkText(req.file.buffer);
        if (!result.errorKey) {
          result.content = req.file.buffer;
          result.fileName =
            req.file.originalname.replace(/[\\/]/g, '_').slice(0, 200) || 'import.csv';
        }
      }
      res.locals.upload = result;
      next();
    });
  };
}
