import type { RequestHandler } from 'express';
import { decodeFileName, memoryUpload } from '../../../middleware/memory-upload.ts';

export const MAX_ROLL_BYTES = 50 * 1024 * 1024;

export interface RollUploadResult {
  /** The file's bytes, when one was sent and it is text (a CSV), not a spreadsheet or a picture. */
  content?: Buffer;
  fileName?: string;
  /** An i18n key when the file was refused. */
  errorKey?: string;
}

/** A CSV is text: no NUL bytes, and not an .xlsx (a ZIP) or a PDF sent by mistake. */
function checkText(content: Buffer): string | undefined {
  if (content.length === 0) return 'roll.upload.errors.empty';
  const head = content.subarray(0, 64 * 1024);
  if (head.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004')
    return 'roll.upload.errors.spreadsheet';
  if (head.includes(0)) return 'roll.upload.errors.notText';
  return undefined;
}

/**
 * Parses the import form (a `file`) into memory and checks the file is a text file of at most
 * 50 MB. Refusals land in res.locals.upload so the form shows them by the field.
 */
export function rollUpload(): RequestHandler {
  return memoryUpload(
    { field: 'file', maxFiles: 1, maxBytes: MAX_ROLL_BYTES, fields: 20, fieldSize: 10 * 1024 },
    (upload, _req, res) => {
      const result: RollUploadResult = {};
      const file = upload.files[0];
      if (upload.refused)
        result.errorKey =
          upload.refused === 'size' ? 'roll.upload.errors.tooLarge' : 'roll.upload.errors.invalid';
      else if (file) {
        result.errorKey = checkText(file.buffer);
        if (!result.errorKey) {
          result.content = file.buffer;
          result.fileName =
            decodeFileName(file.originalname).replace(/[\\/]/g, '_').slice(0, 200) || 'roll.csv';
        }
      }
      res.locals.upload = result;
    },
  );
}
