import type { NextFunction, Response } from 'express';
import type { DocumentStore } from './document-store.ts';
import { NotFoundError } from './errors.ts';

/**
 * A stored file as a personal download (a certificate, an objection's attachment, a request's
 * document): named for the person, of its checked type, never sniffed, never cached; a file
 * missing from the store is a 404. The store may sit under a dot-folder (the default
 * `.data/uploads`); its names are generated, never typed, so allowing dot-folders exposes nothing.
 */
export function sendStoredDownload(
  documents: DocumentStore,
  res: Response,
  next: NextFunction,
  file: { key: string; fileName: string; contentType: string },
): void {
  res.attachment(file.fileName);
  res.sendFile(
    documents.pathOf(file.key),
    {
      dotfiles: 'allow',
      headers: {
        'Content-Type': file.contentType,
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
