/**
 * The import part of `npm run bench -- dues`: a 100,000-row debts CSV (Windows-1253, `;`, as the
 * financial system exports it) sent to the running app through the API, timed from the POST until
 * the import's status says merged; the caller samples the app's RSS meanwhile. Each run's rows
 * have new source ids, so every row is a new debt (the slowest case), not an idempotent no-op.
 */
import iconv from 'iconv-lite';
import type { Db } from '../src/db/knex.ts';
import { createApiKey } from '../src/features/api/api-keys.repository.ts';
import { ok } from './report.ts';

export const IMPORT_BARS = { rows: 100_000, seconds: 60, rssMb: 300 };

export interface ImportSetup {
  key: string;
  csv: Buffer;
}

/** An AFM from 8 digits with its check digit. */
function afm(first8: number): string {
  const digits = String(first8).padStart(8, '0');
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(digits[i]) * 2 ** (8 - i);
  return `${digits}${(sum % 11) % 10}`;
}

const TYPES = ['TAP', 'CLEANING_LIGHTING', 'PAVEMENT', 'WATER'];

export async function prepareImport(db: Db): Promise<ImportSetup> {
  const admin = await db('users').whereRaw("'admin' = ANY(roles)").first('id');
  const createdBy = (admin as { id: number } | undefined)?.id;
  const { key } = await createApiKey(db, {
    appName: 'Bench financial system',
    scopes: ['finance:write'],
    createdBy: createdBy ?? (await anyUserId(db)),
  });
  const run = Date.now().toString(36).toUpperCase();
  const lines = ['source_id;afm;type;period;property;amount_cents;due_date;rf'];
  for (let i = 0; i < IMPORT_BARS.rows; i += 1)
    lines.push(
      [
        `ΙΜΠ-${run}-${i}`,
        afm(30_000_000 + (i % 50_000)),
        TYPES[i % TYPES.length],
        `2026 Β΄ εξάμηνο`,
        `Οδός Κουντούρου ${(i % 300) + 1}, Άγιος Νικόλαος`,
        String(1000 + (i % 90_000)),
        `${String((i % 28) + 1).padStart(2, '0')}/12/2026`,
        '',
      ].join(';'),
    );
  return { key, csv: iconv.encode(`${lines.join('\r\n')}\r\n`, 'windows-1253') };
}

async function anyUserId(db: Db): Promise<number> {
  return ((await db('users').orderBy('id').first('id')) as { id: number }).id;
}

export interface ImportResult {
  seconds: number;
  status: string;
  rows: number;
  inserted: number;
  bytes: number;
}

/** Sends the file and waits for the import to finish (polling its status every 250 ms). */
export async function importRun(baseUrl: string, setup: ImportSetup): Promise<ImportResult> {
  const headers = { Authorization: `Bearer ${setup.key}` };
  const started = performance.now();
  const posted = await fetch(`${baseUrl}/api/v1/finance/imports?kind=debts&file_name=bench.csv`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'text/csv' },
    body: new Uint8Array(setup.csv),
  });
  if (posted.status !== 202) throw new Error(`import refused: ${posted.status} ${await posted.text()}`);
  const { status_url: statusUrl } = (await posted.json()) as { status_url: string };
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const answer = (await (await fetch(`${baseUrl}${statusUrl}`, { headers })).json()) as {
      status: string;
      rows: number;
      inserted: number;
    };
    if (!['queued', 'running'].includes(answer.status))
      return {
        seconds: (performance.now() - started) / 1000,
        status: answer.status,
        rows: answer.rows,
        inserted: answer.inserted,
        bytes: setup.csv.length,
      };
    if (performance.now() - started > 10 * 60_000) throw new Error('import did not finish in 10 minutes');
  }
}

/** Its paragraph of the dues section. */
export function importParagraph(result: ImportResult, peakMb: number): string {
  const met =
    result.status === 'merged' &&
    result.inserted === IMPORT_BARS.rows &&
    result.seconds < IMPORT_BARS.seconds &&
    peakMb < IMPORT_BARS.rssMb;
  return `### Importing ${IMPORT_BARS.rows.toLocaleString('en')} debts (bars: under ${IMPORT_BARS.seconds} s, app RSS under ${IMPORT_BARS.rssMb} MB)

A ${(result.bytes / 1024 / 1024).toFixed(1)} MB CSV in Windows-1253 with \`;\` (as the financial system exports it), every row a new
debt, sent to \`POST /api/v1/finance/imports\` and timed until its status said ${result.status}: streamed into the staging
table, checked in SQL, merged in one transaction, with the worker inside the app process as \`npm start\` runs it.
**${result.seconds.toFixed(1)} s** for ${result.rows.toLocaleString('en')} rows (${result.inserted.toLocaleString('en')} new debts),
peak RSS of the app **${peakMb.toFixed(0)} MB**: ${ok(met)}.`;
}
