/**
 * Every database a test run makes carries the run's process id, so two runs on one server
 * (two people, or CI beside a developer) never drop each other's databases.
 */
export const RUN_PREFIX = `eservices_r${process.env.VITEST_RUN_PID ?? process.pid}_`;
export const TEMPLATE_DB = `${RUN_PREFIX}template`;

export function testDatabaseName(suffix: string): string {
  return `${RUN_PREFIX}${suffix}`;
}

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
