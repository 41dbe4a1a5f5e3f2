import { moduleConfig } from '../../config.ts';
import { localesBeside, type Module } from '../module.ts';
import { DEMO_DUES_CITIZENS, DEMO_FINANCE, seedDemoFinance } from './finance.demo.ts';
import { createFinanceApi, FINANCE_SCOPE } from './finance.api.ts';
import { financeConfig } from './finance.config.ts';
import { seedFinanceReferenceData } from './finance.reference.ts';
import { runImport } from './imports/import-run.ts';
import { failInterruptedImports } from './imports/interrupted.job.ts';
import { IMPORT_QUEUE } from './imports/imports.service.ts';
import { createImportsRouter } from './staff/imports.routes.ts';
import { createPaymentsRouter } from './staff/payments.routes.ts';
import * as roleFinance from './migrations/20261220090000_role_finance.ts';
import * as rfFunctions from './migrations/20261220090100_rf_functions.ts';
import * as imports from './migrations/20261220090200_finance_imports.ts';
import * as debts from './migrations/20261220090300_debts.ts';
import * as fines from './migrations/20261220090400_fines.ts';
import * as payments from './migrations/20261220090500_payments.ts';
import * as staging from './migrations/20261220090600_finance_staging.ts';
import * as duesNotify from './migrations/20261220090700_dues_notify.ts';

/**
 * The finance office's side of fines and dues: imports from the municipality's financial system
 * (debts, fines, instalment arrangements, payments) by upload or API, checked whole in SQL and
 * merged in one transaction; reconciliation of payments by RF, with the ones that do not match
 * kept for the office. The tables the fines and dues modules show. The financial system stays
 * the source of truth for every amount.
 */
export const financeModule: Module = {
  name: 'finance',
  staff: [
    {
      prefix: '/finance',
      role: 'finance',
      navKey: 'staff.nav.finance',
      router: (ctx) => createImportsRouter(ctx),
    },
    // Reached from the imports page (its warning and the payments import's report).
    {
      prefix: '/finance/payments',
      role: 'finance',
      router: (ctx) => createPaymentsRouter(ctx.deps),
    },
  ],
  api: (ctx) => createFinanceApi(ctx.deps),
  apiScopes: [FINANCE_SCOPE],
  uploadPaths: [/^\/staff\/finance\/imports$/],
  jobs: [
    {
      name: 'finance.interrupted-imports',
      schedule: '*/10 * * * *',
      run: async (deps) => {
        await failInterruptedImports(deps);
      },
    },
    {
      name: IMPORT_QUEUE,
      run: async (deps, data) => {
        const importId = Number((data as { importId?: unknown } | undefined)?.importId);
        if (Number.isSafeInteger(importId))
          await runImport(
            deps,
            importId,
            moduleConfig(deps.config, financeConfig).FINANCE_RF_PREFIX,
          );
      },
    },
  ],
  auditActions: [
    'finance.import_created',
    'finance.import_merged',
    'finance.import_rejected',
    'finance.import_failed',
    'finance.payment_resolved',
  ],
  roles: [{ name: 'finance', labelKey: 'staff.roles.finance' }],
  config: financeConfig,
  referenceData: seedFinanceReferenceData,
  demo: { seed: seedDemoFinance, accounts: [...DEMO_DUES_CITIZENS, DEMO_FINANCE] },
  migrations: {
    '20261220090000_role_finance': roleFinance,
    '20261220090100_rf_functions': rfFunctions,
    '20261220090200_finance_imports': imports,
    '20261220090300_debts': debts,
    '20261220090400_fines': fines,
    '20261220090500_payments': payments,
    '20261220090600_finance_staging': staging,
    '20261220090700_dues_notify': duesNotify,
  },
  locales: localesBeside(import.meta.url),
};
