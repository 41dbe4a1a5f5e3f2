import { Router, type Request } from 'express';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { athensDate, formatDate, formatDateTime } from '../../lib/format.ts';
import { pick } from '../../lib/localized.ts';
import { formatReference } from '../requests/reference.ts';
import { listPublicEvents, type EventRow } from '../requests/requests.repository.ts';
import { isClosed } from './open311.present.ts';
import { findRequestByStatusLink } from './open311.repository.ts';
import { hashToken } from './reporter-mail.ts';

/**
 * /requests/status/<token>: the read-only page an Open311 reporter's mails link to. Whoever has
 * the link sees the request's public facts, its status and the department's public notes;
 * never the reporter's words or contact details, and no form.
 */
export function createStatusPageRouter(deps: Pick<Deps, 'db'>): Router {
  const router = Router();
  router.get('/requests/status/:token', async (req, res) => {
    const token = req.params.token;
    const request = /^[A-Za-z0-9_-]{43}$/.test(token)
      ? await findRequestByStatusLink(deps.db, hashToken(token))
      : undefined;
    if (!request) throw new NotFoundError();
    const events = await listPublicEvents(deps.db, request.id);
    const reference = formatReference(request);
    const closed = isClosed(request.status);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Robots-Tag', 'noindex');
    res.render('open311/views/status', {
      pageTitle: req.t('open311.status.title', { reference: reference.display }),
      request: {
        reference: reference.display,
        title: request.title ?? req.t('requests.untitled'),
        category: pick(request.category, req.lang),
        department: pick(request.department, req.lang),
        status: req.t(`requests.status.${request.status}`),
        closed,
        address: request.address ?? '',
        filedOn: formatDate(athensDate(request.created_at), req.lang),
        dueDate: formatDate(request.due_date, req.lang),
        closedAt: request.closed_at ? formatDate(athensDate(request.closed_at), req.lang) : '',
        mergedInto:
          request.merged_year !== null && request.merged_number !== null
            ? formatReference({ year: request.merged_year, number: request.merged_number }).display
            : '',
      },
      events: events
        .filter((event) => !event.by_citizen || event.kind === 'submitted')
        .map((event) => ({
          what: eventLabel(req, event),
          note: event.by_citizen ? '' : (event.public_note ?? ''),
          when: formatDateTime(event.created_at, req.lang),
        })),
    });
  });
  return router;
}

function eventLabel(req: Request, event: EventRow): string {
  if (event.kind === 'status' && event.status)
    return req.t('requests.events.statusTo', { status: req.t(`requests.status.${event.status}`) });
  return req.t(`requests.events.${event.kind}`);
}
