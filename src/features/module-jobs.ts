import type { Deps } from '../deps.ts';
import type { Services } from '../services.ts';
import { ensureQueue } from './queues.ts';
import { jobsOf } from './registry.ts';

/**
 * Starts every module's jobs in this process (the worker): each gets its queue, a scheduled one
 * its schedule (pg-boss runs it once for all processes), then a handler per job, or the module's
 * own worker for the queue.
 */
export async function startModuleJobs(deps: Deps, services: Services): Promise<void> {
  for (const job of jobsOf(deps.modules)) {
    await ensureQueue(deps.boss, job.name, job.queue);
    if (job.schedule)
      await deps.boss.schedule(job.name, job.schedule, undefined, { tz: 'Europe/Athens' });
    if (job.start) await job.start(deps, services);
    else if (job.run) {
      const run = job.run;
      await deps.boss.work(job.name, async (jobs) => {
        for (const one of jobs) await run(deps, one.data);
      });
    }
  }
}

/** Runs every module's scheduled housekeeping once, now (as the worker's schedules would; tests call it). */
export async function runMaintenance(deps: Deps): Promise<void> {
  for (const job of jobsOf(deps.modules))
    if (job.schedule && job.run) await job.run(deps, undefined);
}
