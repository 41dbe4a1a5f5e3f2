import { Router } from 'express';
import { localesBeside, type Module } from '../module.ts';
import { failInterruptedRollImports } from './imports/interrupted.job.ts';
import { runRollImport } from './imports/roll-run.ts';
import { ROLL_IMPORT_QUEUE } from './imports/roll-imports.service.ts';
import { seedDemoRoll } from './roll.demo.ts';
import { exportRollEntry } from './roll.personal.ts';
import { rollServices } from './roll.services.ts';
import { createRollImportsRouter } from './staff/roll-imports.routes.ts';
import { createRollLookupRouter } from './staff/roll-lookup.routes.ts';
import * as roll from './migrations/20261222090000_roll.ts';
import * as rollImports from './migrations/20261222090010_roll_imports.ts';
import * as rollStaging from './migrations/20261222090020_roll_staging.ts';

/**
 * The municipal roll (δημοτολόγιο): family records and persons as the municipality's registry
 * system exports them, imported by an admin (checked whole, merged in one transaction, a
 * report), looked up read-only in the back office, and read by the certificates module. A
 * verified citizen is linked to their person by the AFM the counter recorded.
 */
export const rollModule: Module = {
  name: 'roll',
  services: rollServices,
  staff: [
    {
      prefix: '/roll',
      role: 'admin',
      navKey: 'staff.nav.roll',
      router: (ctx) =>
        Router().use(createRollImportsRouter(ctx)).use(createRollLookupRouter(ctx.deps)),
    },
  ],
  uploadPaths: [/^\/staff\/roll\/imports$/],
  jobs: [
    {
      name: 'roll.interrupted-imports',
      schedule: '*/10 * * * *',
      run: async (deps) => {
        await failInterruptedRollImports(deps);
      },
    },
    {
      name: ROLL_IMPORT_QUEUE,
      run: async (deps, data) => {
        const importId = Number((data as { importId?: unknown } | undefined)?.importId);
        if (Number.isSafeInteger(importId)) await runRollImport(deps, importId);
      },
    },
  ],
  auditActions: [
    'roll.import_created',
    'roll.import_merged',
    'roll.import_rejected',
    'roll.import_failed',
  ],
  demo: { seed: seedDemoRoll },
  // The person's own entry; a register kept by law, with nothing linked to the account: no eraseFor.
  exportFor: exportRollEntry,
  migrations: {
    '20261222090000_roll': roll,
    '20261222090010_roll_imports': rollImports,
    '20261222090020_roll_staging': rollStaging,
  },
  locales: localesBeside(import.meta.url),
};
