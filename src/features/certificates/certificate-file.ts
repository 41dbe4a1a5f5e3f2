import type { NextFunction, Response } from 'express';
import type { DocumentStore } from '../../lib/document-store.ts';
import { sendStoredDownload } from '../../lib/stored-download.ts';

/**
 * An issued certificate's PDF as a download named after its application (`CRT-2026-000123.pdf`),
 * for the citizen's page and the clerk's.
 */
export function sendCertificateFile(
  documents: DocumentStore,
  res: Response,
  next: NextFunction,
  reference: string,
  fileKey: string,
): void {
  sendStoredDownload(documents, res, next, {
    key: fileKey,
    fileName: `${reference}.pdf`,
    contentType: 'application/pdf',
  });
}
