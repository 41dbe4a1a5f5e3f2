import { readFile } from 'node:fs/promises';
import type { Knex } from 'knex';
import type { DemoAccount, DemoContext } from '../module.ts';
import { financeConfig } from './finance.config.ts';
import { runImport } from './imports/import-run.ts';
import type { ImportKind } from './imports/import-formats.ts';
import { createImport } from './imports/imports.service.ts';

export const DEMO_FINANCE: DemoAccount = {
  role: 'finance',
  username: 'demo.finance',
  password: 'Ledger-Receipt-Stamp-Harbour-2026',
  fullName: 'Ελένη Σηφάκη',
  email: 'demo.finance@example.gov.gr',
  phone: null,
  roles: ['finance'],
};

/** Verified citizens for dues: one paying by instalments, one who owes nothing (demo.verified owes). */
export const DEMO_DUES_CITIZENS: readonly DemoAccount[] = [
  {
    role: 'verified citizen with instalments',
    username: 'demo.instalments',
    password: 'Spinalonga-Olive-Press-26',
    fullName: 'Νίκος Βασιλάκης',
    email: 'demo.instalments@example.gr',
    phone: '+306900000103',
    pin: '314159',
    roles: [],
    identityCheck: { afm: '112233441', documentNumber: 'ΑΗ654321' },
  },
  {
    role: 'verified citizen who owes nothing',
    username: 'demo.nodebt',
    password: 'Lato-Hill-Windmill-Path-26',
    fullName: 'Κατερίνα Κουτάκη',
    email: 'demo.nodebt@example.gr',
    phone: '+306900000104',
    pin: '271828',
    roles: [],
    identityCheck: { afm: '203040507', documentNumber: 'ΑΒ246810' },
  },
];

/** The financial system's demo export, in the order its files depend on each other. */
const DEMO_FILES: readonly [ImportKind, string][] = [
  ['debts', 'debts.csv'],
  ['fines', 'fines.csv'],
  ['arrangements', 'arrangements.csv'],
  ['payments', 'payments.csv'],
];

/**
 * Loads seeds/finance/*.csv (Windows-1253, `;`, as the financial system exports them) through the
 * same import the finance office uses, so the demo shows imports in the back office too.
 */
export async function seedDemoFinance(db: Knex, context: DemoContext): Promise<boolean> {
  const existing = await db('finance_imports').count<{ count: string }[]>('* as count').first();
  if (Number(existing?.count ?? 0) > 0) return false;
  const prefix = financeConfig.parse(process.env).FINANCE_RF_PREFIX;
  for (const [kind, file] of DEMO_FILES) {
    const content = await readFile(new URL(`../../../seeds/finance/${file}`, import.meta.url));
    const id = await createImport(
      { db, documents: context.documents },
      { kind, channel: 'demo', fileName: file, content, format: 'csv' },
      {},
    );
    await runImport({ db, documents: context.documents }, id, prefix);
  }
  return true;
}
