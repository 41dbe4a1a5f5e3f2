import type { Db } from '../../db/knex.ts';
import type { OverdueItem } from './debt-status.ts';

/**
 * A debt's standing on a day, worked out in SQL so the page, the statement and the totals agree:
 * paid in full; settled by an arrangement's instalments; past its due date with something left;
 * partly paid; or due.
 */
const DEBT_STATUS = `CASE
    WHEN d.paid_cents >= d.amount_cents THEN 'paid'
    WHEN d.arrangement_id IS NOT NULL THEN 'arranged'
    WHEN d.due_date < :today::date THEN 'overdue'
    WHEN d.paid_cents > 0 THEN 'part_paid'
    ELSE 'due' END`;

export type DebtStatusCode = 'paid' | 'arranged' | 'overdue' | 'part_paid' | 'due';

export interface DebtRow {
  id: number;
  type_code: string;
  name_el: string;
  name_en: string;
  period: string;
  property: string | null;
  amount_cents: number;
  paid_cents: number;
  remaining_cents: number;
  due_date: string;
  rf: string;
  arrangement_id: number | null;
  status: DebtStatusCode;
}

const DEBT_COLUMNS = `d.id, d.type_code, t.name_el, t.name_en, d.period, d.property, d.amount_cents,
  d.paid_cents, GREATEST(d.amount_cents - d.paid_cents, 0) AS remaining_cents, d.due_date, d.rf,
  d.arrangement_id, ${DEBT_STATUS} AS status`;

const DEBTS_SQL = `SELECT ${DEBT_COLUMNS}
  FROM debts d JOIN debt_types t ON t.code = d.type_code
  WHERE d.afm = :afm`;
/** The open ones by due date, then the paid ones, newest first. */
const DEBTS_ORDER = `paid_cents >= amount_cents,
  CASE WHEN paid_cents < amount_cents THEN due_date END, due_date DESC, id`;

/** One debt, only if it is this AFM's: anyone else's is as if it did not exist. */
export async function findDebt(
  db: Db,
  afm: string,
  id: number,
  today: string,
): Promise<DebtRow | undefined> {
  const { rows } = await db.raw<{ rows: DebtRow[] }>(
    `SELECT ${DEBT_COLUMNS}
     FROM debts d JOIN debt_types t ON t.code = d.type_code
     WHERE d.id = :id AND d.afm = :afm`,
    { afm, id, today },
  );
  return rows[0];
}

export interface DebtTotals {
  open_count: number;
  amount_cents: number;
  paid_cents: number;
  remaining_cents: number;
  overdue_count: number;
  overdue_cents: number;
}

/**
 * The sums of the AFM's debts not yet paid in full and not in an arrangement (an arranged debt
 * is paid through its instalments: the arrangement shows what is left of it).
 */
const TOTALS_SQL = `SELECT count(*)::int AS open_count,
    COALESCE(sum(d.amount_cents), 0)::bigint AS amount_cents,
    COALESCE(sum(d.paid_cents), 0)::bigint AS paid_cents,
    COALESCE(sum(d.amount_cents - d.paid_cents), 0)::bigint AS remaining_cents,
    (count(*) FILTER (WHERE ${DEBT_STATUS} = 'overdue'))::int AS overdue_count,
    COALESCE(sum(d.amount_cents - d.paid_cents) FILTER (WHERE ${DEBT_STATUS} = 'overdue'), 0)::bigint
      AS overdue_cents
  FROM debts d
  WHERE d.afm = :afm AND d.paid_cents < d.amount_cents AND d.arrangement_id IS NULL`;

export type InstalmentStatusCode = 'paid' | 'overdue' | 'part_paid' | 'due';

export interface InstalmentRow {
  id: number;
  number: number;
  due_date: string;
  amount_cents: number;
  paid_cents: number;
  remaining_cents: number;
  rf: string;
  status: InstalmentStatusCode;
}

export interface ArrangementRow {
  id: number;
  decided_on: string;
  instalment_count: number;
  paid_count: number;
  amount_cents: number;
  paid_cents: number;
  remaining_cents: number;
  overdue_cents: number;
  instalments: InstalmentRow[];
}

/** The AFM's arrangements, each with its schedule and sums. */
const ARRANGEMENTS_SQL = `SELECT a.id, a.decided_on, s.instalment_count, s.paid_count, s.amount_cents, s.paid_cents,
       s.remaining_cents, s.overdue_cents, s.instalments
     FROM arrangements a
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS instalment_count,
         (count(*) FILTER (WHERE i.paid_cents >= i.amount_cents))::int AS paid_count,
         COALESCE(sum(i.amount_cents), 0)::bigint AS amount_cents,
         COALESCE(sum(LEAST(i.paid_cents, i.amount_cents)), 0)::bigint AS paid_cents,
         COALESCE(sum(GREATEST(i.amount_cents - i.paid_cents, 0)), 0)::bigint AS remaining_cents,
         COALESCE(sum(i.amount_cents - i.paid_cents)
           FILTER (WHERE i.paid_cents < i.amount_cents AND i.due_date < :today::date), 0)::bigint
           AS overdue_cents,
         COALESCE(json_agg(json_build_object(
           'id', i.id, 'number', i.number, 'due_date', i.due_date, 'amount_cents', i.amount_cents,
           'paid_cents', i.paid_cents,
           'remaining_cents', GREATEST(i.amount_cents - i.paid_cents, 0), 'rf', i.rf,
           'status', CASE WHEN i.paid_cents >= i.amount_cents THEN 'paid'
             WHEN i.due_date < :today::date THEN 'overdue'
             WHEN i.paid_cents > 0 THEN 'part_paid' ELSE 'due' END
         ) ORDER BY i.number), '[]') AS instalments
       FROM arrangement_instalments i WHERE i.arrangement_id = a.id
     ) s
     WHERE a.afm = :afm`;

export interface PaymentRow {
  id: number;
  rf: string;
  amount_cents: number;
  paid_at: Date;
  debt_id: number | null;
  name_el: string | null;
  name_en: string | null;
  period: string | null;
  arrangement_id: number | null;
  instalment_number: number | null;
}

/** Payments shown at most; a longer history is in the finance office's records. */
export const PAYMENTS_SHOWN = 100;

/**
 * Payments matched to the AFM's debts and instalments, newest first: two index walks (through
 * debts_afm_idx and arrangements_afm_idx), not a scan of every payment. One more than shown, to
 * know there are more.
 */
const PAYMENTS_SQL = `SELECT * FROM (
       SELECT p.id, p.rf, p.amount_cents, p.paid_at, d.id AS debt_id, t.name_el, t.name_en,
         d.period, NULL::int AS arrangement_id, NULL::int AS instalment_number
       FROM debts d
       JOIN payments p ON p.debt_id = d.id AND p.outcome = 'matched'
       JOIN debt_types t ON t.code = d.type_code
       WHERE d.afm = :afm
       UNION ALL
       SELECT p.id, p.rf, p.amount_cents, p.paid_at, NULL, NULL, NULL, NULL, a.id, i.number
       FROM arrangements a
       JOIN arrangement_instalments i ON i.arrangement_id = a.id
       JOIN payments p ON p.instalment_id = i.id AND p.outcome = 'matched'
       WHERE a.afm = :afm
     ) history
     ORDER BY paid_at DESC, id DESC
     LIMIT :limit`;

/** The payments matched to one debt (already known to be the citizen's), newest first. */
export async function listDebtPayments(
  db: Db,
  debtId: number,
): Promise<Pick<PaymentRow, 'id' | 'rf' | 'amount_cents' | 'paid_at'>[]> {
  return (await db('payments')
    .where({ debt_id: debtId, outcome: 'matched' })
    .orderBy([
      { column: 'paid_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .select('id', 'rf', 'amount_cents', 'paid_at')) as Pick<
    PaymentRow,
    'id' | 'rf' | 'amount_cents' | 'paid_at'
  >[];
}

/** What a person owes on a day, and what of it is overdue (debt-status.ts says the rules). */
export const DEBT_STATUS_SQL = `WITH owed AS (
    SELECT 'debt' AS kind, d.id, d.rf, d.due_date, d.amount_cents - d.paid_cents AS remaining,
      json_build_object('el', t.name_el, 'en', t.name_en) AS type_name, d.period,
      NULL::int AS arrangement_id, NULL::int AS number, NULL::text AS notice_number
    FROM debts d JOIN debt_types t ON t.code = d.type_code
    WHERE d.afm = :afm AND d.paid_cents < d.amount_cents AND d.arrangement_id IS NULL
    UNION ALL
    SELECT 'instalment', i.id, i.rf, i.due_date, i.amount_cents - i.paid_cents, NULL, NULL,
      a.id, i.number, NULL
    FROM arrangements a JOIN arrangement_instalments i ON i.arrangement_id = a.id
    WHERE a.afm = :afm AND i.paid_cents < i.amount_cents
    UNION ALL
    SELECT 'fine', f.id, f.rf, f.due_date, GREATEST(f.amount_cents - f.paid_cents, 0), NULL,
      NULL, NULL, NULL, f.notice_number
    FROM fines f
    WHERE f.owner_afm = :afm AND f.status = 'unpaid' AND f.paid_cents < f.amount_cents
  )
  SELECT COALESCE(sum(remaining), 0)::bigint AS outstanding_cents,
    COALESCE(sum(remaining) FILTER (WHERE due_date < :today::date), 0)::bigint AS overdue_cents,
    COALESCE(json_agg(json_build_object(
      'kind', kind, 'id', id, 'rf', rf, 'dueDate', due_date, 'remainingCents', remaining,
      'typeName', type_name, 'period', period, 'arrangementId', arrangement_id,
      'number', number, 'noticeNumber', notice_number
    ) ORDER BY due_date, kind, id) FILTER (WHERE due_date < :today::date), '[]') AS overdue
  FROM owed`;

export interface FineRow {
  id: number;
  notice_number: string;
  /** The offence's day in Athens. */
  offence_date: string;
  remaining_cents: number;
  due_date: string;
  rf: string;
}

/** The unpaid traffic fines whose owner is this AFM (fines_owner_idx): they count in what is owed. */
const FINES_SQL = `SELECT f.id, f.notice_number, f.due_date, f.rf,
    to_char(f.offence_at AT TIME ZONE 'Europe/Athens', 'YYYY-MM-DD') AS offence_date,
    GREATEST(f.amount_cents - f.paid_cents, 0) AS remaining_cents
  FROM fines f WHERE f.owner_afm = :afm AND f.status = 'unpaid' AND f.paid_cents < f.amount_cents`;

export interface DuesOverview {
  debts: DebtRow[];
  fines: FineRow[];
  totals: DebtTotals;
  arrangements: ArrangementRow[];
  payments: PaymentRow[];
  status: { outstanding_cents: number; overdue_cents: number; overdue: OverdueItem[] };
}

/**
 * Everything /dues and the statement show, in one statement (one round trip, one plan): a fresh
 * page's cost is mostly its queries' planning and their trips, not their index walks.
 */
export async function loadOverview(db: Db, afm: string, today: string): Promise<DuesOverview> {
  const { rows } = await db.raw<{ rows: DuesOverview[] }>(
    `SELECT
       (SELECT COALESCE(json_agg(q ORDER BY ${DEBTS_ORDER}), '[]') FROM (${DEBTS_SQL}) q) AS debts,
       (SELECT row_to_json(q) FROM (${TOTALS_SQL}) q) AS totals,
       (SELECT COALESCE(json_agg(q ORDER BY due_date, id), '[]') FROM (${FINES_SQL}) q) AS fines,
       (SELECT COALESCE(json_agg(q ORDER BY decided_on DESC, id DESC), '[]')
         FROM (${ARRANGEMENTS_SQL}) q) AS arrangements,
       (SELECT COALESCE(json_agg(q ORDER BY paid_at DESC, id DESC), '[]')
         FROM (${PAYMENTS_SQL}) q) AS payments,
       (SELECT row_to_json(q) FROM (${DEBT_STATUS_SQL}) q) AS status`,
    { afm, today, limit: PAYMENTS_SHOWN + 1 },
  );
  const overview = rows[0]!;
  // JSON carries the payment's instant as text.
  for (const payment of overview.payments) payment.paid_at = new Date(payment.paid_at);
  return overview;
}
