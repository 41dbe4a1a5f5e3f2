import { Router, type Request, type Response } from 'express';
import type { Services } from '../../services.ts';
import { formatDate } from '../../lib/format.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import { serviceStates } from '../hub/service-states.ts';

const LATEST_DECISIONS = 5;

/** The home page is the e-services hub: every feature's card, from the features themselves. */
export function createHomeRouter(
  hubEntries: readonly HubEntry[],
  decisions: Services['decisions'],
): Router {
  const router = Router();
  router.get('/', async (req: Request, res: Response) => {
    const latest = await decisions.current().latest(LATEST_DECISIONS);
    res.render('home/views/index', {
      pageTitle: req.t('home.title'),
      services: serviceStates(req, hubEntries, req.user),
      latest: latest.map((row) => ({
        href: `/decisions/${row.id}`,
        numberText: `${row.number}/${row.year}`,
        subject: row.subject,
        meetingDate: formatDate(row.meeting_date, req.lang),
      })),
    });
  });
  return router;
}
