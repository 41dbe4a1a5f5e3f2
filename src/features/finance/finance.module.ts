import { localesBeside, type Module } from '../module.ts';
import { DEMO_FINANCE } from './finance.demo.ts';
import { financeConfig } from './finance.config.ts';
import { seedFinanceReferenceData } from './finance.reference.ts';
import * as roleFinance from './migrations/20261220090000_role_finance.ts';
import * as rfFunctions from './migrations/20261220090100_rf_functions.ts';
import * as imports from './migrations/20261220090200_finance_imports.ts';
import * as debts from './migrations/20261220090300_debts.ts';
import * as fines from './migrations/20261220090400_fines.ts';
import * as payments from './migrations/20261220090500_payments.ts';

/**
 * The finance office's side of fines and dues: imports from the municipality's financial system
 * (debts, fines, instalment arrangements, payments), reconciliation by RF, the tables the fines
 * and dues modules show. The financial system stays the source of truth for every amount.
 */
export const financeModule: Module = {
  name: 'finance',
  roles: [{ name: 'finance', labelKey: 'staff.roles.finance' }],
  config: financeConfig,
  referenceData: seedFinanceReferenceData,
  demo: { accounts: [DEMO_FINANCE] },
  migrations: {
    '20261220090000_role_finance': roleFinance,
    '20261220090100_rf_functions': rfFunctions,
    '20261220090200_finance_imports': imports,
    '20261220090300_debts': debts,
    '20261220090400_fines': fines,
    '20261220090500_payments': payments,
  },
  locales: localesBeside(import.meta.url),
};
