/** npm run migrate: brings the database (DATABASE_URL, or the embedded one) to the latest migration. */
import { runCli } from '../cli/run-cli.ts';
import { migrateLatest, migrationCount } from './migrate.ts';

await runCli('migrate', async ({ db }) => {
  const applied = await migrateLatest(db);
  if (!applied.length) return `Database up to date (${migrationCount()} migrations).`;
  return `Applied ${applied.length} migration(s): ${applied.join(', ')}.`;
});
