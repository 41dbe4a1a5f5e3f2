import type { RequestHandler } from 'express';
import type { FieldError } from '../../lib/errors.ts';
import { memoryUpload } from '../../middleware/memory-upload.ts';
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
  return memoryUpload(
    { field: 'files', maxFiles: OBJECTION_MAX_FILES, maxBytes: OBJECTION_FILE_MAX_BYTES },
    (upload, _req, res) => {
      res.locals.objectionFiles = [];
      if (upload.refused) {
        res.locals.objectionFilesError =
          upload.refused === 'size'
            ? { field: 'files', key: 'fines.objection.errors.fileSize', params: { max: 10 } }
            : {
                field: 'files',
                key: 'fines.objection.errors.tooMany',
                params: { max: OBJECTION_MAX_FILES },
              };
        return;
      }
      for (const file of upload.files.filter((sent) => sent.size > 0)) {
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
    },
  );
}
