import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { HttpError } from '../lib/errors.ts';
import { containsNul, NulCharacterError } from './refuse-nul.ts';

export interface MemoryUpload {
  /** The files sent in the form's file field (empty ones too: the caller says what they mean). */
  files: Express.Multer.File[];
  /** Set when the form broke a limit: a file over the size, or too many files or fields. */
  refused?: 'size' | 'limit';
}

export interface MemoryUploadOptions {
  field: string;
  maxFiles: number;
  maxBytes: number;
  fields?: number;
  fieldSize?: number;
}

/**
 * Parses a multipart form into memory (never onto disk under a name the browser sent): its text
 * fields into req.body, and the files of `field` to `check`, which judges them by content and
 * puts what the form needs in res.locals. A form cut short or with another boundary is refused
 * as malformed (400); a NUL character in a field or a file name as everywhere (refuse-nul.ts).
 * The CSRF token is checked after this, by the route (protectUpload).
 */
export function memoryUpload(
  options: MemoryUploadOptions,
  check: (upload: MemoryUpload, req: Request, res: Response) => void,
): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: options.maxBytes,
      files: options.maxFiles,
      fields: options.fields ?? 40,
      fieldSize: options.fieldSize ?? 100 * 1024,
    },
  }).array(options.field, options.maxFiles);
  return (req, res, next) => {
    parse(req, res, (error: unknown) => {
      req.body ??= {};
      if (error instanceof multer.MulterError) {
        // The rest of the form was not read: the request is refused as a whole, at the field.
        check(
          { files: [], refused: error.code === 'LIMIT_FILE_SIZE' ? 'size' : 'limit' },
          req,
          res,
        );
        next();
        return;
      }
      if (error) {
        next(new HttpError(400, 'errors.incompleteForm.title'));
        return;
      }
      const files = (req.files ?? []) as Express.Multer.File[];
      if (containsNul(req.body) || files.some((file) => containsNul(file.originalname))) {
        next(new NulCharacterError());
        return;
      }
      check({ files }, req, res);
      next();
    });
  };
}

/**
 * A file's name as the browser sent it: multer reads the header's bytes as Latin-1, so a Greek
 * name arrives garbled; read again as UTF-8 when that decodes cleanly.
 */
export function decodeFileName(sent: string): string {
  if ([...sent].some((c) => c.charCodeAt(0) > 0xff)) return sent;
  const utf8 = Buffer.from(sent, 'latin1').toString('utf8');
  return utf8.includes('\uFFFD') ? sent : utf8;
}
