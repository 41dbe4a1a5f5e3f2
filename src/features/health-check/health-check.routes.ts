import { Router } from 'express';
import type { Db } from '../../db/knex.ts';
import { pingDatabase } from './health-check.repository.ts';

/** /healthz: the process answers. /readyz: and it can reach the database (for load balancers). */
export function createHealthCheckRouter(db: Db): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await pingDatabase(db);
      res.set('Cache-Control', 'no-store').json({ status: 'ok', database: 'ok' });
    } catch {
      res
        .status(503)
        .set('Cache-Control', 'no-store')
        .json({ status: 'unavailable', database: 'unreachable' });
    }
  });
  return router;
}
