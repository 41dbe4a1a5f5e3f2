import type { RequestHandler } from 'express';
import type { FieldError } from '../../lib/errors.ts';
import { decodeFileName, memoryUpload } from '../../middleware/memory-upload.ts';
import { sniffMediaType } from '../fines/objection-upload.ts';
import { cleanFileName } from '../requests/staff/documents.service.ts';
import type { DraftFile } from './book-draft.ts';

// The documents sent with the details step

export const KEP_FILE_MAX_BYTES = 10 * 1024 * 1024;
export const KEP_MAX_FILES = 5;
export const FILE_FIELD = 'documents';

interface UploadedFile {
  content: Buffer;
  contentType: DraftFile['contentType'];
  extension: 'pdf' | 'jpg' | 'png';
  fileName: string;
}

declare module 'express-serve-static-core' {
  interface Locals {
    /** The booking's documents, checked by content (the details step). */
    kepFiles?: UploadedFile[];
    kepFilesError?: FieldError;
  }
}

/**
 * Parses the details form (multipart) into memory: its fields, and up to five documents, each at
 * most 10 MB and a PDF, JPEG or PNG by its content. The CSRF token is checked next.
 */
export function documentsUpload(): RequestHandler {
  return memoryUpload(
    { field: FILE_FIELD, maxFiles: KEP_MAX_FILES, maxBytes: KEP_FILE_MAX_BYTES },
    (upload, _req, res) => {
      res.locals.kepFiles = [];
      if (upload.refused) {
        res.locals.kepFilesError =
          upload.refused === 'size'
            ? { field: FILE_FIELD, key: 'kep.book.errors.fileSize', params: { max: 10 } }
            : {
                field: FILE_FIELD,
                key: 'kep.book.errors.tooManyFiles',
                params: { max: KEP_MAX_FILES },
              };
        return;
      }
      for (const file of upload.files.filter((sent) => sent.size > 0)) {
        const kind = sniffMediaType(file.buffer);
        if (!kind) {
          res.locals.kepFilesError = { field: FILE_FIELD, key: 'kep.book.errors.fileType' };
          return;
        }
        // cleanFileName decodes the browser's name and gives it '.pdf': the content's own instead.
        const fileName = cleanFileName(
          decodeFileName(file.originalname).replace(/\.(pdf|jpe?g|png)$/i, ''),
        ).replace(/\.pdf$/, `.${kind.extension}`);
        res.locals.kepFiles.push({
          content: file.buffer,
          contentType: kind.mediaType,
          extension: kind.extension,
          fileName,
        });
      }
    },
  );
}
