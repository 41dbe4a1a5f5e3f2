import type { RequestHandler } from 'express';
import multer from 'multer';
import { HttpError, type FieldError } from '../../lib/errors.ts';
import { containsNul, NulCharacterError } from '../../middleware/refuse-nul.ts';
import { checkPdf } from '../staff/pdf-upload.ts';
import { cleanFileName } from '../requests/staff/documents.service.ts';

export const OBJECTION_FILE_MAX_BYTES = 10 * 1024 * 1024;
export const OBJECTION_MAX_FILES = 5;

export type MediaType = 'application/pdf' | 'image/jpeg' | 'image/png';

export interface ObjectionFile {
  content: Buffer;
  mediaType: MediaType;
  extension: 'pdf' | 'jpg' | 'png';
  fileName: string;
}

declare module 'express-serve-static-core' {
  interface Locals {
    /** The objection's attachments, checked by content (objection-upload.ts). */
    objectionFiles?: ObjectionFile[];
    /** Why the attachments were refused, at the field. */
    objectionFilesError?: FieldError;
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What a file is by its first bytes (and a PDF's end marker), whatever its name says. */
export function sniffMediaType(
  content: Buffer,
): Omit<ObjectionFile, 'content' | 'fileName'> | undefined {
  if (!checkPdf(content)) return { mediaType: 'application/pdf', extension: 'pdf' };
  if (content.length > 3 && content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff)
    return { mediaType: 'image/jpeg', extension: 'jpg' };
  if (content.length > 8 && content.subarray(0, 8).equals(PNG_SIGNATURE))
    return { mediaType: 'image/png', extension: 'png' };
  return undefined;
}

/** The name the browser sent, cleaned (no folders, no control characters), with its own extension. */
function fileNameFor(sent: string, extension: string): string {
  const stem = sent.replace(/\.(pdf|jpe?g|png)$/i, '');
  return cleanFileName(stem).replace(/\.pdf$/, `.${extension}`);
}

/**
 * Parses the objection form (multipart) into memory: its text fields and up to five files in
 * `files`, each at most 10 MB and a PDF, JPEG or PNG by its content. Nothing is stored here; the
 * route checks the CSRF token next (protectUpload), then the service stores what it accepts.
 */
export function objectionUpload(): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: OBJECTION_FILE_MAX_BYTES,
      files: OBJECTION_MAX_FILES,
      fields: 40,
      fieldSize: 100 * 1024,
    },
  }).array('files', OBJECTION_MAX_FILES);
  return (req, res, next) => {
    parse(req, res, (error: unknown) => {
      req.body ??= {};
      res.locals.objectionFiles = [];
      if (error instanceof multer.MulterError) {
        res.locals.objectionFilesError =
          error.code === 'LIMIT_FILE_SIZE'
            ? { field: 'files', key: 'fines.objection.errors.fileSize', params: { max: 10 } }
            : {
                field: 'files',
                key: 'fines.objection.errors.tooMany',
                params: { max: OBJECTION_MAX_FILES },
              };
        next();
        return;
      }
      if (error) {
        next(new HttpError(400, 'errors.incompleteForm.title'));
        return;
      }
      const files = ((req.files ?? []) as Express.Multer.File[]).filter((file) => file.size > 0);
      if (containsNul(req.body) || files.some((file) => containsNul(file.originalname))) {
        next(new NulCharacterError());
        return;
      }
      for (const file of files) {
        const kind = sniffMediaType(file.buffer);
        if (!kind) {
          res.locals.objectionFilesError = {
            field: 'files',
            key: 'fines.objection.errors.fileType',
          };
          break;
        }
        res.locals.objectionFiles.push({
          ...kind,
          content: file.buffer,
          fileName: fileNameFor(file.originalname, kind.extension),
        });
      }
      next();
    });
  };
}
