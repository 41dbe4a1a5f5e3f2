import type { Knex } from 'knex';
import type { ImportKind } from './import-formats.ts';

/** What a merge did: rows new, changed and already as the file says; payments by outcome. */
export interface MergeCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  matched?: number;
  unknown?: number;
  duplicate?: number;
}

const rfGiven = `nullif(upper(regexp_replace(coalesce(s.rf, ''), '[[:space:]]', '', 'g')), '')`;
/** An RF made from the creditor prefix, a letter for the kind and the row's id (at least 10 digits). */
const rfMade = (letter: string, id: string) =>
  `rf_make(:prefix || '${letter}' || lpad(${id}::text, greatest(10, length(${id}::text)), '0'))`;

/** Counts of an INSERT … ON CONFLICT DO UPDATE … WHERE changed RETURNING (xmax = 0) AS inserted. */
const COUNT_MERGED = `SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
  count(*) FILTER (WHERE NOT inserted)::int AS updated FROM merged`;

async function merged(
  trx: Knex.Transaction,
  sql: string,
  bindings: Record<string, unknown>,
  total: number,
): Promise<MergeCounts> {
  const { rows } = await trx.raw<{ rows: { inserted: number; updated: number }[] }>(sql, bindings);
  const { inserted, updated } = rows[0]!;
  return { inserted, updated, unchanged: total - inserted - updated };
}

const mergeDebts = (trx: Knex.Transaction, b: Record<string, unknown>, total: number) =>
  merged(
    trx,
    `WITH prepared AS (
       SELECT s.source_id, s.afm, upper(s.type) AS type_code, s.period, nullif(s.property, '') AS property,
         s.amount_cents::bigint AS amount_cents, import_date(s.due_date) AS due_date,
         ${rfGiven} AS given_rf, d.id AS existing_id, d.rf AS existing_rf
       FROM finance_staging_debts s LEFT JOIN debts d ON d.source_id = s.source_id
       WHERE s.import_id = :importId
     ), numbered AS (
       SELECT p.*, coalesce(p.existing_id, nextval('debts_id_seq')) AS id FROM prepared p
     ), merged AS (
       INSERT INTO debts AS d (id, source_id, afm, type_code, period, property, amount_cents, due_date, rf, import_id)
       SELECT id, source_id, afm, type_code, period, property, amount_cents, due_date,
         coalesce(given_rf, existing_rf, ${rfMade('D', 'id')}), :importId
       FROM numbered
       ON CONFLICT (source_id) DO UPDATE SET afm = EXCLUDED.afm, type_code = EXCLUDED.type_code,
         period = EXCLUDED.period, property = EXCLUDED.property, amount_cents = EXCLUDED.amount_cents,
         due_date = EXCLUDED.due_date, rf = EXCLUDED.rf, import_id = EXCLUDED.import_id, updated_at = now()
       WHERE (d.afm, d.type_code, d.period, d.property, d.amount_cents, d.due_date, d.rf)
         IS DISTINCT FROM (EXCLUDED.afm, EXCLUDED.type_code, EXCLUDED.period, EXCLUDED.property,
           EXCLUDED.amount_cents, EXCLUDED.due_date, EXCLUDED.rf)
       RETURNING (xmax = 0) AS inserted
     ) ${COUNT_MERGED}`,
    b,
    total,
  );

/**
 * Fines. A fine the portal marked paid (its payments matched) stays paid while the financial
 * system, not yet caught up, still sends it as unpaid: its next export would otherwise undo it.
 */
const mergeFines = (trx: Knex.Transaction, b: Record<string, unknown>, total: number) =>
  merged(
    trx,
    `WITH prepared AS (
       SELECT s.source_id, s.notice_number, s.plate, plate_key(s.plate) AS plate_key,
         nullif(s.owner_afm, '') AS owner_afm,
         (import_date(s.offence_date) + import_time(s.offence_time)) AT TIME ZONE 'Europe/Athens' AS offence_at,
         s.place, s.article, s.description, s.amount_cents::bigint AS amount_cents,
         nullif(s.reduced_amount_cents, '')::bigint AS reduced_amount_cents,
         import_date(nullif(s.reduction_deadline, '')) AS reduction_deadline,
         import_date(s.due_date) AS due_date, lower(s.status) AS status,
         ${rfGiven} AS given_rf, f.id AS existing_id, f.rf AS existing_rf
       FROM finance_staging_fines s LEFT JOIN fines f ON f.source_id = s.source_id
       WHERE s.import_id = :importId
     ), numbered AS (
       SELECT p.*, coalesce(p.existing_id, nextval('fines_id_seq')) AS id FROM prepared p
     ), merged AS (
       INSERT INTO fines AS f (id, source_id, notice_number, plate, plate_key, owner_afm, offence_at, place,
         article, description, amount_cents, reduced_amount_cents, reduction_deadline, due_date, status, rf, import_id)
       SELECT id, source_id, notice_number, plate, plate_key, owner_afm, offence_at, place, article, description,
         amount_cents, reduced_amount_cents, reduction_deadline, due_date, status,
         coalesce(given_rf, existing_rf, ${rfMade('F', 'id')}), :importId
       FROM numbered
       ON CONFLICT (source_id) DO UPDATE SET notice_number = EXCLUDED.notice_number, plate = EXCLUDED.plate,
         plate_key = EXCLUDED.plate_key, owner_afm = EXCLUDED.owner_afm, offence_at = EXCLUDED.offence_at,
         place = EXCLUDED.place, article = EXCLUDED.article, description = EXCLUDED.description,
         amount_cents = EXCLUDED.amount_cents, reduced_amount_cents = EXCLUDED.reduced_amount_cents,
         reduction_deadline = EXCLUDED.reduction_deadline, due_date = EXCLUDED.due_date,
         status = CASE WHEN f.status = 'paid' AND EXCLUDED.status = 'unpaid' THEN 'paid' ELSE EXCLUDED.status END,
         rf = EXCLUDED.rf, import_id = EXCLUDED.import_id, updated_at = now()
       WHERE (f.notice_number, f.plate, f.owner_afm, f.offence_at, f.place, f.article, f.description,
           f.amount_cents, f.reduced_amount_cents, f.reduction_deadline, f.due_date, f.status, f.rf)
         IS DISTINCT FROM (EXCLUDED.notice_number, EXCLUDED.plate, EXCLUDED.owner_afm, EXCLUDED.offence_at,
           EXCLUDED.place, EXCLUDED.article, EXCLUDED.description, EXCLUDED.amount_cents,
           EXCLUDED.reduced_amount_cents, EXCLUDED.reduction_deadline, EXCLUDED.due_date,
           CASE WHEN f.status = 'paid' AND EXCLUDED.status = 'unpaid' THEN 'paid' ELSE EXCLUDED.status END, EXCLUDED.rf)
       RETURNING (xmax = 0) AS inserted
     ) ${COUNT_MERGED}`,
    b,
    total,
  );

/**
 * Arrangements: one row per instalment, the arrangement's own fields repeated on each. The
 * arrangement, its schedule (instalments the file no longer lists are dropped, unless paid), and
 * the debts it settles. Counted by instalment.
 */
async function mergeArrangements(
  trx: Knex.Transaction,
  b: Record<string, unknown>,
  total: number,
): Promise<MergeCounts> {
  await trx.raw(
    `INSERT INTO arrangements AS a (source_id, afm, decided_on, import_id)
     SELECT DISTINCT ON (s.arrangement_id) s.arrangement_id, s.afm, import_date(s.decided_on), :importId
     FROM finance_staging_arrangements s WHERE s.import_id = :importId ORDER BY s.arrangement_id, s.line
     ON CONFLICT (source_id) DO UPDATE SET afm = EXCLUDED.afm, decided_on = EXCLUDED.decided_on,
       import_id = EXCLUDED.import_id, updated_at = now()
     WHERE (a.afm, a.decided_on) IS DISTINCT FROM (EXCLUDED.afm, EXCLUDED.decided_on)`,
    b,
  );
  const counts = await merged(
    trx,
    `WITH prepared AS (
       SELECT a.id AS arrangement_id, s.instalment::int AS number, import_date(s.due_date) AS due_date,
         s.amount_cents::bigint AS amount_cents, ${rfGiven} AS given_rf, i.id AS existing_id, i.rf AS existing_rf
       FROM finance_staging_arrangements s
       JOIN arrangements a ON a.source_id = s.arrangement_id
       LEFT JOIN arrangement_instalments i ON i.arrangement_id = a.id AND i.number = s.instalment::int
       WHERE s.import_id = :importId
     ), numbered AS (
       SELECT p.*, coalesce(p.existing_id, nextval('arrangement_instalments_id_seq')) AS id FROM prepared p
     ), merged AS (
       INSERT INTO arrangement_instalments AS i (id, arrangement_id, number, due_date, amount_cents, rf)
       SELECT id, arrangement_id, number, due_date, amount_cents, coalesce(given_rf, existing_rf, ${rfMade('I', 'id')})
       FROM numbered
       ON CONFLICT (arrangement_id, number) DO UPDATE SET due_date = EXCLUDED.due_date,
         amount_cents = EXCLUDED.amount_cents, rf = EXCLUDED.rf
       WHERE (i.due_date, i.amount_cents, i.rf) IS DISTINCT FROM (EXCLUDED.due_date, EXCLUDED.amount_cents, EXCLUDED.rf)
       RETURNING (xmax = 0) AS inserted
     ) ${COUNT_MERGED}`,
    b,
    total,
  );
  await trx.raw(
    `DELETE FROM arrangement_instalments i USING arrangements a
     WHERE i.arrangement_id = a.id AND i.paid_cents = 0
       AND a.source_id IN (SELECT arrangement_id FROM finance_staging_arrangements WHERE import_id = :importId)
       AND NOT EXISTS (SELECT 1 FROM finance_staging_arrangements s WHERE s.import_id = :importId
         AND s.arrangement_id = a.source_id AND s.instalment::int = i.number)`,
    b,
  );
  // Debts a re-imported arrangement no longer lists are no longer settled by it.
  await trx.raw(
    `UPDATE debts d SET arrangement_id = NULL, updated_at = now()
     FROM arrangements a
     WHERE d.arrangement_id = a.id
       AND a.source_id IN (SELECT arrangement_id FROM finance_staging_arrangements WHERE import_id = :importId)
       AND NOT EXISTS (SELECT 1 FROM finance_staging_arrangements s
         WHERE s.import_id = :importId AND s.arrangement_id = a.source_id
           AND d.source_id = ANY (regexp_split_to_array(trim(s.debt_source_ids), '[[:space:]|]+')))`,
    b,
  );
  await trx.raw(
    `UPDATE debts d SET arrangement_id = listed.arrangement_id, updated_at = now()
     FROM (SELECT DISTINCT a.id AS arrangement_id, unnest(regexp_split_to_array(trim(s.debt_source_ids), '[[:space:]|]+')) AS source_id
           FROM finance_staging_arrangements s JOIN arrangements a ON a.source_id = s.arrangement_id
           WHERE s.import_id = :importId) AS listed
     WHERE d.source_id = listed.source_id AND d.arrangement_id IS DISTINCT FROM listed.arrangement_id`,
    b,
  );
  return counts;
}

/**
 * A fine's reduction as its page shows it (fines.terms.ts): the financial system's own, else the
 * rule in effect on the offence's day in Athens (amount × (100 − percent) / 100, half a cent up).
 * Joined as `ft` (reduced, deadline) beside `f`.
 */
const FINE_TERMS = `LEFT JOIN LATERAL (
    SELECT r.reduction_percent, r.reduction_days FROM fine_rules r
    WHERE r.effective_from <= (f.offence_at AT TIME ZONE 'Europe/Athens')::date
    ORDER BY r.effective_from DESC LIMIT 1
  ) rule ON f.id IS NOT NULL
  LEFT JOIN LATERAL (
    SELECT
      CASE WHEN f.reduction_deadline IS NOT NULL THEN f.reduced_amount_cents
        WHEN rule.reduction_percent > 0 AND rule.reduction_days > 0
          THEN (f.amount_cents * (100 - rule.reduction_percent) + 50) / 100 END AS reduced,
      CASE WHEN f.reduction_deadline IS NOT NULL THEN f.reduction_deadline
        WHEN rule.reduction_percent > 0 AND rule.reduction_days > 0
          THEN (f.offence_at AT TIME ZONE 'Europe/Athens')::date + rule.reduction_days END AS deadline
  ) ft ON true`;

/**
 * Matches the unknown payments `which` selects (SQL over `p`) by RF, in the order they were
 * paid, to a debt, a fine or an instalment, and adds the matched ones to what was paid, in one
 * statement. What is left to pay counts the earlier payments of the same batch: a payment to
 * something already paid in full is a 'duplicate'; one whose RF nobody has stays 'unknown'. A
 * fine is paid once its amount is, or its reduced amount by the reduction's deadline.
 */
async function matchPayments(
  trx: Knex.Transaction,
  which: string,
  b: Record<string, unknown>,
): Promise<void> {
  await trx.raw(
    `WITH targets AS (
       SELECT p.id, p.amount_cents, p.paid_at, d.id AS debt_id, f.id AS fine_id, i.id AS instalment_id,
         ft.reduced, ft.deadline,
         coalesce(d.amount_cents - d.paid_cents,
           CASE WHEN ft.deadline IS NOT NULL AND (p.paid_at AT TIME ZONE 'Europe/Athens')::date <= ft.deadline
             THEN ft.reduced ELSE f.amount_cents END - f.paid_cents,
           i.amount_cents - i.paid_cents) AS remaining,
         -- One RF, one thing: a code found in two tables is matched to neither (left unknown).
         CASE WHEN (d.id IS NOT NULL)::int + (f.id IS NOT NULL)::int + (i.id IS NOT NULL)::int = 1
           THEN coalesce('d' || d.id, 'f' || f.id, 'i' || i.id) END AS target
       FROM payments p
       LEFT JOIN debts d ON d.rf = p.rf
       LEFT JOIN fines f ON f.rf = p.rf AND f.status NOT IN ('cancelled')
       LEFT JOIN arrangement_instalments i ON i.rf = p.rf
       ${FINE_TERMS}
       WHERE p.outcome = 'unknown' AND p.resolved_at IS NULL AND (${which})
     ), ordered AS (
       SELECT t.*, coalesce(sum(t.amount_cents) OVER (PARTITION BY t.target ORDER BY t.paid_at, t.id
         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS earlier
       FROM targets t WHERE t.target IS NOT NULL
     ), matched AS (
       UPDATE payments p SET
         outcome = CASE WHEN o.remaining - o.earlier <= 0 THEN 'duplicate' ELSE 'matched' END,
         debt_id = o.debt_id, fine_id = o.fine_id, instalment_id = o.instalment_id
       FROM ordered o WHERE p.id = o.id
       RETURNING p.outcome, p.amount_cents, p.paid_at, p.debt_id, p.fine_id, p.instalment_id,
         o.reduced, o.deadline
     ), to_debts AS (
       UPDATE debts d SET paid_cents = d.paid_cents + m.total, updated_at = now()
       FROM (SELECT debt_id, sum(amount_cents) AS total FROM matched
             WHERE outcome = 'matched' AND debt_id IS NOT NULL GROUP BY debt_id) m
       WHERE d.id = m.debt_id RETURNING d.id
     ), to_instalments AS (
       UPDATE arrangement_instalments i SET paid_cents = i.paid_cents + m.total
       FROM (SELECT instalment_id, sum(amount_cents) AS total FROM matched
             WHERE outcome = 'matched' AND instalment_id IS NOT NULL GROUP BY instalment_id) m
       WHERE i.id = m.instalment_id RETURNING i.id
     ), to_fines AS (
       UPDATE fines f SET paid_cents = f.paid_cents + m.total, updated_at = now(),
         status = CASE WHEN f.paid_cents + m.total >= f.amount_cents
             OR (m.deadline IS NOT NULL AND m.last_day <= m.deadline
               AND f.paid_cents + m.total >= m.reduced)
           THEN 'paid' ELSE f.status END
       FROM (SELECT fine_id, sum(amount_cents) AS total, max(reduced) AS reduced, max(deadline) AS deadline,
               max((paid_at AT TIME ZONE 'Europe/Athens')::date) AS last_day FROM matched
             WHERE outcome = 'matched' AND fine_id IS NOT NULL GROUP BY fine_id) m
       WHERE f.id = m.fine_id RETURNING f.id
     )
     SELECT (SELECT count(*) FROM to_debts) + (SELECT count(*) FROM to_instalments)
       + (SELECT count(*) FROM to_fines) AS applied`,
    b,
  );
}

/**
 * Payments that waited as unknown because their RF came before its debt, fine or instalment: an
 * import that brings RF codes matches them now, as if they had just been paid.
 */
function matchWaitingPayments(
  trx: Knex.Transaction,
  table: 'debts' | 'fines' | 'arrangement_instalments',
  b: Record<string, unknown>,
): Promise<void> {
  const merged =
    table === 'arrangement_instalments'
      ? `SELECT i.rf FROM arrangement_instalments i JOIN arrangements a ON a.id = i.arrangement_id
         WHERE a.source_id IN (SELECT arrangement_id FROM finance_staging_arrangements WHERE import_id = :importId)`
      : `SELECT rf FROM ${table} WHERE import_id = :importId`;
  return matchPayments(trx, `p.rf IN (${merged})`, b);
}

/**
 * Payments: new bank references are kept (known ones change nothing), then matched by RF to a
 * debt, a fine or an instalment in the order they were paid. A payment to an RF nobody has is
 * 'unknown'; one to something already paid in full (counting earlier payments in the same file)
 * is a 'duplicate'. Both wait on the finance office's list; matched ones add to what was paid.
 */
async function mergePayments(
  trx: Knex.Transaction,
  b: Record<string, unknown>,
  total: number,
): Promise<MergeCounts> {
  const { rows: fresh } = await trx.raw<{ rows: { count: number }[] }>(
    `WITH inserted AS (
       INSERT INTO payments (bank_reference, rf, amount_cents, paid_at, import_id, outcome)
       SELECT s.bank_reference, upper(regexp_replace(s.rf, '[[:space:]]', '', 'g')), s.amount_cents::bigint,
         import_timestamp(s.paid_at), :importId, 'unknown'
       FROM finance_staging_payments s WHERE s.import_id = :importId
       ON CONFLICT (bank_reference) DO NOTHING
       RETURNING id
     ) SELECT count(*)::int AS count FROM inserted`,
    b,
  );
  await matchPayments(trx, 'p.import_id = :importId', b);
  const { rows } = await trx.raw<{ rows: { outcome: string; count: number }[] }>(
    'SELECT outcome, count(*)::int AS count FROM payments WHERE import_id = :importId GROUP BY outcome',
    b,
  );
  const by = (outcome: string) => rows.find((row) => row.outcome === outcome)?.count ?? 0;
  const inserted = fresh[0]!.count;
  return {
    inserted,
    updated: 0,
    unchanged: total - inserted,
    matched: by('matched'),
    unknown: by('unknown'),
    duplicate: by('duplicate'),
  };
}

type Merge = (
  trx: Knex.Transaction,
  b: Record<string, unknown>,
  total: number,
) => Promise<MergeCounts>;

/** A merge that brings RF codes, then the payments that were waiting for them. */
const thenMatchWaiting =
  (merge: Merge, table: 'debts' | 'fines' | 'arrangement_instalments'): Merge =>
  async (trx, b, total) => {
    const counts = await merge(trx, b, total);
    await matchWaitingPayments(trx, table, b);
    return counts;
  };

const MERGES: Record<ImportKind, Merge> = {
  debts: thenMatchWaiting(mergeDebts, 'debts'),
  fines: thenMatchWaiting(mergeFines, 'fines'),
  arrangements: thenMatchWaiting(mergeArrangements, 'arrangement_instalments'),
  payments: mergePayments,
};

/** Merges an import's checked rows into the live tables (in the caller's transaction). */
export function mergeStagedRows(
  trx: Knex.Transaction,
  kind: ImportKind,
  importId: number,
  rows: number,
  rfPrefix: string,
): Promise<MergeCounts> {
  return MERGES[kind](trx, { importId, prefix: rfPrefix }, rows);
}
