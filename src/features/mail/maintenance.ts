import type { Deps } from '../../deps.ts';
import { jobsOf } from '../registry.ts';

/** Runs every module's scheduled housekeeping once, now (as the worker's schedules would; tests call it). */
export async function runMaintenance(deps: Deps): Promise<void> {
  for (const job of jobsOf(deps.modules))
    if (job.schedule && job.run) await job.run(deps, undefined);
}
