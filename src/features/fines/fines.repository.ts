import type { Knex } from 'knex';
import type { Conn } from '../../db/knex.ts';

/** A fine with the dated rule in effect on the offence's Athens day (none before the first rule). */
export interface FineRow {
  id: number;
  notice_number: string;
  plate: string;
  owner_afm: string | null;
  offence_at: Date;
  offence_date: string;
  place: string;
  article: string;
  description: string;
  amount_cents: number;
  reduced_amount_cents: number | null;
  reduction_deadline: string | null;
  due_date: string;
  status: 'unpaid' | 'paid' | 'objection' | 'cancelled' | 'tax_office';
  paid_cents: number;
  rf: string;
  rule_from: string | null;
  reduction_percent: number | null;
  reduction_days: number | null;
  objection_days: number | null;
  pending_objection: boolean;
  /** The capacities (owner, driver) objections were filed in: one each, ever. */
  objection_capacities: string[];
}

/** Who asks: the account, and its AFM only when a clerk checked the identity. */
export interface Citizen {
  id: number;
  afm: string | null;
  identity_verified_at: Date | null;
}

/** The AFM that links a citizen to fines: only a checked identity counts. */
export const verifiedAfm = (citizen: Citizen): string | null =>
  citizen.identity_verified_at && citizen.afm ? citizen.afm : null;

function finesWithRules(conn: Conn) {
  return conn('fines as f')
    .joinRaw(
      `LEFT JOIN LATERAL (SELECT r.effective_from, r.reduction_percent, r.reduction_days, r.objection_days
         FROM fine_rules r WHERE r.effective_from <= (f.offence_at AT TIME ZONE 'Europe/Athens')::date
         ORDER BY r.effective_from DESC LIMIT 1) rule ON true`,
    )
    .select(
      'f.id',
      'f.notice_number',
      'f.plate',
      'f.owner_afm',
      'f.offence_at',
      conn.raw(`to_char(f.offence_at AT TIME ZONE 'Europe/Athens', 'YYYY-MM-DD') AS offence_date`),
      'f.place',
      'f.article',
      'f.description',
      'f.amount_cents',
      'f.reduced_amount_cents',
      'f.reduction_deadline',
      'f.due_date',
      'f.status',
      'f.paid_cents',
      'f.rf',
      'rule.effective_from as rule_from',
      'rule.reduction_percent',
      'rule.reduction_days',
      'rule.objection_days',
      conn.raw(`EXISTS (SELECT 1 FROM fine_objections o
        WHERE o.fine_id = f.id AND o.status = 'submitted') AS pending_objection`),
      conn.raw(`ARRAY(SELECT o.capacity FROM fine_objections o
        WHERE o.fine_id = f.id) AS objection_capacities`),
    );
}

/** Fines the citizen may see: looked up by them, or (verified) their AFM is the owner's. */
function visibleTo(query: Knex.QueryBuilder, citizen: Citizen): Knex.QueryBuilder {
  const afm = verifiedAfm(citizen);
  return query.where((where) => {
    where.whereExists((sub) =>
      sub
        .select(sub.client.raw('1'))
        .from('fine_access as a')
        .whereRaw('a.fine_id = f.id')
        .where('a.user_id', citizen.id),
    );
    if (afm) where.orWhere('f.owner_afm', afm);
  });
}

/** The fine with this notice number and plate (look-alike letters, spaces and dashes aside). */
/** A notice number's digits, as the look-up index has them (fines' notice_digits migration). */
const NOTICE_DIGITS = "regexp_replace(notice_number, '[^0-9]', '', 'g')";

/**
 * The fine with this notice number and plate. A notice number is compared by its digits (people
 * type ΔΑ-2026-004512 as 2026-004512, DA 2026 004512 or with Latin look-alikes), the plate by its
 * key; should two series share the digits, the one whose letters match too comes first.
 */
export async function findByNoticeAndPlate(
  conn: Conn,
  noticeNumber: string,
  plate: string,
): Promise<number | undefined> {
  const digits = noticeNumber.replace(/\D/g, '');
  if (digits.length < 4) return undefined;
  const row = (await conn('fines')
    .whereRaw(`${NOTICE_DIGITS} = ?`, [digits])
    .whereRaw('plate_key = plate_key(?)', [plate])
    .orderByRaw('(plate_key(notice_number) = plate_key(?)) DESC, id', [noticeNumber])
    .first('id')) as { id: number } | undefined;
  return row?.id;
}

export async function recordAccess(conn: Conn, userId: number, fineId: number): Promise<void> {
  await conn('fine_access')
    .insert({ user_id: userId, fine_id: fineId })
    .onConflict(['user_id', 'fine_id'])
    .ignore();
}

export async function listVisibleFines(conn: Conn, citizen: Citizen): Promise<FineRow[]> {
  return (await visibleTo(finesWithRules(conn), citizen)
    .orderBy('f.offence_at', 'desc')
    .orderBy('f.id', 'desc')) as FineRow[];
}

export async function findVisibleFine(
  conn: Conn,
  citizen: Citizen,
  id: number,
): Promise<FineRow | undefined> {
  return (await visibleTo(finesWithRules(conn), citizen).where('f.id', id).first()) as
    FineRow | undefined;
}

/** For staff: any fine. */
export async function findFine(conn: Conn, id: number): Promise<FineRow | undefined> {
  return (await finesWithRules(conn).where('f.id', id).first()) as FineRow | undefined;
}

/** Whether the citizen is the fine's owner, as a clerk checked (their verified AFM is the owner's). */
export function isVerifiedOwner(citizen: Citizen, fine: Pick<FineRow, 'owner_afm'>): boolean {
  const afm = verifiedAfm(citizen);
  return afm !== null && afm === fine.owner_afm;
}
