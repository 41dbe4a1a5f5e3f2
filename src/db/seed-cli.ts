/**
 * npm run seed: the demo data set (decisions with their PDFs, benefits, health services) and the
 * demo accounts the README lists. Development only: refused in production.
 */
import { CliError, runCli } from '../cli/run-cli.ts';
import { createDocumentStore } from '../lib/document-store.ts';
import { seedDemoAccounts } from './demo-accounts.ts';
import { migrateLatest } from './migrate.ts';
import { seedDemoData } from './seed.ts';

await runCli('seed', async ({ config, db }) => {
  if (config.isProduction)
    throw new CliError('refused: demo data and demo accounts are never loaded in production');
  await migrateLatest(db);
  const today = new Date();
  // Accounts first: a module's demo data may belong to a demo account (a citizen's requests).
  const accounts = await seedDemoAccounts(db, { production: false, now: today });
  const content = await seedDemoData(db, createDocumentStore(config.UPLOAD_DIR), {
    municipality: config.MUNICIPALITY_NAME_EL,
    today,
  });
  return [
    content.length
      ? `Demo content loaded: ${content.join(', ')}.`
      : 'Demo content left as it is: the database already has it.',
    accounts.length
      ? `Demo accounts created: ${accounts.join(', ')} (passwords in README.md).`
      : 'Demo accounts already there (passwords in README.md).',
  ].join('\n');
});
