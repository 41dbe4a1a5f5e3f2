import type { NextFunction, Response } from 'express';
import type { DocumentStore } from '../../lib/document-store.ts';
import { NotFoundError } from '../../lib/errors.ts';

/**
 * An issued certificate's PDF as a download named after its application (`CRT-2026-000123.pdf`),
 * for the citizen's page and the clerk's: personal, never cached; a file missing from the store
 * is a 404.
 */
export function sendCertificateFile(
  documents: DocumentStore,
  res: Response,
  next: NextFunction,
  reference: string,
  fileKey: string,
): void {
  res.attachment(`${reference}.pdf`);
  res.sendFile(
    documents.pathOf(fileKey),
    {
      dotfiles: 'allow',
      headers: {
        'Content-Type': 'application/pdf',
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'private, no-store',
      },
    },
    (err?: Error & { status?: number; code?: string }) => {
      if (!err || res.headersSent) return;
      next(err.status === 404 || err.code === 'ENOENT' ? new NotFoundError() : err);
    },
  );
}
