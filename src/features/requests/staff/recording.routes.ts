import type { NextFunction, Request, Response, Router } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { formatReference, parseReference } from '../reference.ts';
import { findRecordingOf } from '../recordings.repository.ts';
import { findForHandler } from './handling.repository.ts';

/**
 * /staff/requests/<ref>/recording: the caller's recording of a phone request, played in the
 * handler's page (inline, of its checked type, never sniffed or cached; ranges for seeking), only
 * to a handler of the request's department; anything else is 404.
 */
export function addRecordingRoute(router: Router, deps: Pick<Deps, 'db' | 'documents'>): void {
  router.get('/:ref/recording', async (req: Request, res: Response, next: NextFunction) => {
    const ref = parseReference(req.params.ref);
    const request = ref && (await findForHandler(deps.db, ref, req.user!.id));
    const recording = request && (await findRecordingOf(deps.db, request.id));
    if (!request || !recording?.stored_name || !recording.content_type) throw new NotFoundError();
    const extension = recording.content_type === 'audio/mpeg' ? 'mp3' : 'wav';
    res.sendFile(
      deps.documents.pathOf(recording.stored_name),
      {
        dotfiles: 'allow',
        headers: {
          'Content-Type': recording.content_type,
          'Content-Disposition': `inline; filename="${formatReference(request).url}.${extension}"`,
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'private, no-store',
        },
      },
      (err?: Error & { status?: number; code?: string }) => {
        if (!err || res.headersSent) return;
        next(err.status === 404 || err.code === 'ENOENT' ? new NotFoundError() : err);
      },
    );
  });
}
