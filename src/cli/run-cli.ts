import { ConfigError, loadConfig, type Config } from '../config.ts';
import { resolveDatabase } from '../db/connect.ts';
import { EmbeddedDatabaseError } from '../db/embedded.ts';
import { createDb, type Db } from '../db/knex.ts';

/** A failure the person at the terminal can act on: its message is the whole report. */
export class CliError extends Error {}

export interface CliContext {
  config: Readonly<Config>;
  db: Db;
}

/** One line that says what went wrong: never "undefined", never a stack trace. */
export function failureLine(command: string, error: unknown): string {
  if (error instanceof AggregateError && error.errors.length)
    return failureLine(command, error.errors[0]);
  const message = error instanceof Error ? error.message.split('\n')[0]?.trim() : '';
  const code = (error as { code?: unknown } | undefined)?.code;
  if (message) return `${command}: ${message}`;
  if (typeof code === 'string') return `${command}: failed (${code})`;
  return `${command}: failed for an unknown reason`;
}

/**
 * Runs one command-line task against the database the portal uses (resolved the same way:
 * DATABASE_URL, or the embedded server, which is used as it is when the portal already runs it).
 * The task returns the line to print. Any failure prints one line to stderr and exits with code 1.
 */
export async function runCli(
  command: string,
  task: (context: CliContext) => Promise<string>,
): Promise<void> {
  let exitCode = 0;
  try {
    const config = loadConfig();
    const database = await resolveDatabase(config);
    const db = createDb(database.url, 2);
    try {
      console.log(await task({ config, db }));
    } finally {
      await db.destroy();
      await database.stop();
    }
  } catch (error) {
    exitCode = 1;
    const expected =
      error instanceof CliError ||
      error instanceof ConfigError ||
      error instanceof EmbeddedDatabaseError;
    console.error(failureLine(command, error));
    if (!expected && process.env.DEBUG) console.error(error);
  }
  // Exit now: a password prompt or a pool's timers must not keep a finished command waiting.
  process.exit(exitCode);
}
