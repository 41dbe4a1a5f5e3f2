import express, { Router, type Request } from 'express';
import type { Deps } from '../../deps.ts';
import { ApiError, requireApiKey } from '../api/api-area.ts';
import { auditContext } from '../audit/audit.repository.ts';
import { isImportKind, type ImportKind } from './imports/import-formats.ts';
import { findImport, importErrors, type ImportListRow } from './imports/imports.repository.ts';
import { createImport } from './imports/imports.service.ts';
import { MAX_IMPORT_BYTES } from './staff/csv-upload.ts';

export const FINANCE_SCOPE = 'finance:write';
/** Rows of a JSON import: the API area reads at most 100 kB of JSON (a day's payments); bigger files go as CSV. */
const MAX_JSON_ROWS = 5000;
const ERRORS_LISTED = 1000;

/**
 * /api/v1/finance/imports (scope finance:write): the financial system sends a file as it would be
 * uploaded (`Content-Type: text/csv`, `?kind=payments`), or rows as JSON
 * (`{ "kind": "payments", "rows": [{ "rf": …, … }] }`); the answer is 202 with the import's address,
 * where its status and report are read (only by the key that sent it).
 */
export function createFinanceApi(deps: Deps): Router {
  const router = Router();
  const withKey = requireApiKey(deps, FINANCE_SCOPE);
  router.post(
    '/finance/imports',
    withKey,
    express.raw({ type: ['text/csv', 'text/plain', 'application/csv'], limit: MAX_IMPORT_BYTES }),
    async (req, res) => {
      const { kind, content, format, fileName } = importOf(req);
      const id = await createImport(
        deps,
        { kind, channel: 'api', fileName, content, format, apiKeyId: req.apiKey!.id },
        auditContext(req),
      );
      res
        .status(202)
        .location(`/api/v1/finance/imports/${id}`)
        .json({ id, kind, status: 'queued', status_url: `/api/v1/finance/imports/${id}` });
    },
  );
  router.get('/finance/imports/:id', withKey, async (req, res) => {
    // Ids are int: anything else is no such import (not a database error).
    const id = /^[1-9]\d{0,8}$/.test(String(req.params.id)) ? Number(req.params.id) : 0;
    const row = id ? await findImport(deps.db, id) : undefined;
    if (!row || row.api_key_id !== req.apiKey!.id)
      throw new ApiError(404, 'not_found', 'No such import for this key.');
    res.json(await describe(deps, row));
  });
  return router;
}

function importOf(req: Request): {
  kind: ImportKind;
  content: Buffer;
  format: 'csv' | 'json';
  fileName: string;
} {
  if (Buffer.isBuffer(req.body)) {
    const kind = req.query.kind;
    if (!isImportKind(kind))
      throw new ApiError(400, 'invalid_kind', 'Give ?kind=debts|fines|arrangements|payments.');
    if (req.body.length === 0) throw new ApiError(400, 'empty_file', 'The CSV body is empty.');
    const name = typeof req.query.file_name === 'string' ? req.query.file_name : `${kind}.csv`;
    return { kind, content: req.body, format: 'csv', fileName: name.replace(/[\\/]/g, '_') };
  }
  const body = (req.body ?? {}) as { kind?: unknown; rows?: unknown };
  if (!isImportKind(body.kind))
    throw new ApiError(400, 'invalid_kind', 'kind must be debts, fines, arrangements or payments.');
  const rows = body.rows;
  if (
    !Array.isArray(rows) ||
    rows.length === 0 ||
    rows.length > MAX_JSON_ROWS ||
    !rows.every((row) => row !== null && typeof row === 'object' && !Array.isArray(row))
  )
    throw new ApiError(
      400,
      'invalid_rows',
      `rows must be an array of 1 to ${MAX_JSON_ROWS} objects with the format's columns.`,
    );
  return {
    kind: body.kind,
    content: Buffer.from(JSON.stringify(rows)),
    format: 'json',
    fileName: `${body.kind}.json`,
  };
}

async function describe(deps: Deps, row: ImportListRow) {
  const errors =
    row.status === 'rejected' ? await importErrors(deps.db, row.id, { limit: ERRORS_LISTED }) : [];
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    created_at: row.created_at.toISOString(),
    finished_at: row.finished_at?.toISOString() ?? null,
    rows: row.rows_read,
    inserted: row.rows_inserted,
    updated: row.rows_updated,
    unchanged: row.rows_unchanged,
    rejected_rows: row.rows_rejected,
    ...(row.kind === 'payments'
      ? {
          payments: {
            matched: row.payments_matched,
            unknown: row.payments_unknown,
            duplicate: row.payments_duplicate,
          },
        }
      : {}),
    failure: row.failure,
    errors: errors.map((error) => ({
      line: error.line,
      field: error.field,
      reason: error.reason,
      value: error.value,
    })),
  };
}
