import { isExclusionViolation } from '../../../db/constraints.ts';
import type { Conn } from '../../../db/knex.ts';
import { addDays, datePartsToIso, readDateParts, type DateParts } from '../../../lib/dates.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { changes, recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import type { WeeklyHours } from '../slots.ts';
import {
  applyChanges,
  type AppliedChanges,
  type ReassignDeps,
  type Takes,
} from './reassign.service.ts';

/**
 * What ΚΕΠ managers set on /staff/kep/settings: the areas, which clerks serve them and when,
 * leave and closures. Each change is checked here (field messages), written in a transaction and
 * audited; leave and closures over booked appointments move or cancel them (reassign.service.ts).
 */

const ERR = 'kep.staffSettings.errors';
const HOURS_NO_OVERLAP = 'kep_clerk_hours_no_overlap';
/** Leave and closures longer than a year are a typing mistake. */
const LONGEST_RANGE_DAYS = 366;
/** The most rows of weekly hours one clerk's form holds. */
export const MOST_HOUR_ROWS = 40;

export interface AreaRow {
  id: number;
  slug: string;
  name_el: string;
  name_en: string;
  minutes: number;
  active: boolean;
}

export const listAreas = (conn: Conn): Promise<AreaRow[]> =>
  conn('kep_areas')
    .orderBy([{ column: 'position' }, { column: 'id' }])
    .select('id', 'slug', 'name_el', 'name_en', 'minutes', 'active');

export const findArea = async (conn: Conn, id: number): Promise<AreaRow | undefined> =>
  (await conn('kep_areas')
    .where({ id })
    .first('id', 'slug', 'name_el', 'name_en', 'minutes', 'active')) as AreaRow | undefined;

export interface AreaInput {
  name_el: string;
  name_en: string;
  minutes: number;
  active: boolean;
}

export type AreaForm = { nameEl: string; nameEn: string; minutes: string; active: string };

/** The area's form checked: the input, or a message per field. */
export function checkAreaForm(form: AreaForm): { input?: AreaInput; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const nameEl = form.nameEl.trim();
  const nameEn = form.nameEn.trim();
  const minutesText = form.minutes.trim();
  if (!nameEl || nameEl.length > 200) errors.push({ field: 'nameEl', key: `${ERR}.nameEl` });
  if (!nameEn || nameEn.length > 200) errors.push({ field: 'nameEn', key: `${ERR}.nameEn` });
  const minutes = /^\d{1,3}$/.test(minutesText) ? Number(minutesText) : NaN;
  if (!(minutes >= 10 && minutes <= 180))
    errors.push({ field: 'minutes', key: `${ERR}.minutes`, params: { min: 10, max: 180 } });
  if (errors.length) return { errors };
  return {
    input: { name_el: nameEl, name_en: nameEn, minutes, active: form.active === 'yes' },
    errors,
  };
}

/** Saves an area's names, length and whether it is offered; false when there is no such area. */
export async function saveArea(
  deps: Pick<ReassignDeps, 'db'>,
  id: number,
  input: AreaInput,
  actorId: number,
  context: AuditContext,
): Promise<boolean> {
  return deps.db.transaction(async (trx) => {
    const before = (await trx('kep_areas')
      .where({ id })
      .forUpdate()
      .first('name_el', 'name_en', 'minutes', 'active')) as AreaInput | undefined;
    if (!before) return false;
    const changed = changes({ ...before }, { ...input });
    if (!Object.keys(changed).length) return true;
    await trx('kep_areas').where({ id }).update(input);
    await recordAudit(
      trx,
      {
        action: 'kep.area_changed',
        actorId,
        entity: { type: 'kep_area', id },
        details: { changes: changed },
      },
      context,
    );
    return true;
  });
}

export interface ClerkRow {
  id: number;
  full_name: string;
  username: string;
  area_ids: number[];
  hours: WeeklyHours[];
}

const CLERKS_SQL = `SELECT u.id, u.full_name, u.username,
    COALESCE((SELECT array_agg(ca.area_id ORDER BY ca.area_id) FROM kep_clerk_areas ca
      WHERE ca.clerk_id = u.id), '{}') AS area_ids,
    COALESCE((SELECT json_agg(json_build_object('weekday', h.weekday,
        'starts', to_char(h.starts, 'HH24:MI'), 'ends', to_char(h.ends, 'HH24:MI'))
        ORDER BY h.weekday, h.starts)
      FROM kep_clerk_hours h WHERE h.clerk_id = u.id), '[]') AS hours
  FROM users u
  WHERE u.status = 'active' AND 'clerk' = ANY (u.roles)`;

/** The active accounts with the clerk role, with their areas and weekly hours. */
export async function listClerks(conn: Conn): Promise<ClerkRow[]> {
  const { rows } = (await conn.raw(`${CLERKS_SQL} ORDER BY u.full_name, u.id`)) as {
    rows: ClerkRow[];
  };
  return rows;
}

export async function findClerk(conn: Conn, id: number): Promise<ClerkRow | undefined> {
  const { rows } = (await conn.raw(`${CLERKS_SQL} AND u.id = ?`, [id])) as { rows: ClerkRow[] };
  return rows[0];
}

/** The areas a clerk serves, as ticked; a value that is no area is refused at the field. */
export async function saveClerkAreas(
  deps: Pick<ReassignDeps, 'db'>,
  clerkId: number,
  ticked: readonly string[],
  actorId: number,
  context: AuditContext,
): Promise<FieldError[]> {
  const known = new Set((await listAreas(deps.db)).map((area) => area.id));
  const areaIds = [...new Set(ticked.map(Number))].sort((a, b) => a - b);
  if (ticked.some((value) => !/^\d{1,9}$/.test(value)) || areaIds.some((id) => !known.has(id)))
    return [{ field: 'areas', key: `${ERR}.areas` }];
  await deps.db.transaction(async (trx) => {
    const before = (
      (await trx('kep_clerk_areas')
        .where({ clerk_id: clerkId })
        .orderBy('area_id')
        .forUpdate()
        .select('area_id')) as { area_id: number }[]
    ).map((row) => row.area_id);
    if (JSON.stringify(before) === JSON.stringify(areaIds)) return;
    await trx('kep_clerk_areas').where({ clerk_id: clerkId }).delete();
    if (areaIds.length)
      await trx('kep_clerk_areas').insert(
        areaIds.map((areaId) => ({ clerk_id: clerkId, area_id: areaId })),
      );
    await recordAudit(
      trx,
      {
        action: 'kep.clerk_areas_changed',
        actorId,
        userId: clerkId,
        details: { before, after: areaIds },
      },
      context,
    );
  });
  return [];
}

/** One row of the hours form as typed. */
export interface HoursFormRow {
  weekday: string;
  starts: string;
  ends: string;
}

/** The hours form's rows (`weekday-N`, `starts-N`, `ends-N`), as many as it says it has. */
export function readHoursForm(body: unknown): HoursFormRow[] {
  const source = (body ?? {}) as Record<string, unknown>;
  const text = (name: string) => {
    const value = source[name];
    return typeof value === 'string' ? value.trim().slice(0, 10) : '';
  };
  const count = /^\d{1,2}$/.test(text('rows')) ? Math.min(Number(text('rows')), MOST_HOUR_ROWS) : 0;
  return Array.from({ length: count }, (_v, i) => ({
    weekday: text(`weekday-${i}`),
    starts: text(`starts-${i}`),
    ends: text(`ends-${i}`),
  }));
}

/** 'H:MM', 'HH:MM' or 'HH.MM' on a 24-hour clock, as 'HH:MM'. */
function wallTime(value: string): string | undefined {
  const match = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/.exec(value);
  return match ? `${match[1]!.padStart(2, '0')}:${match[2]!}` : undefined;
}

/**
 * The weekly hours checked: empty rows are dropped (that is how a row is removed); each other row
 * needs a weekday and two times, the first before the second, and rows of one weekday may touch
 * but not overlap.
 */
export function checkHours(rows: readonly HoursFormRow[]): {
  hours?: WeeklyHours[];
  errors: FieldError[];
} {
  const errors: FieldError[] = [];
  const kept: (WeeklyHours & { index: number })[] = [];
  rows.forEach((row, index) => {
    if (!row.weekday && !row.starts && !row.ends) return;
    const weekday = /^[1-7]$/.test(row.weekday) ? Number(row.weekday) : undefined;
    const starts = wallTime(row.starts);
    const ends = wallTime(row.ends);
    if (!weekday) errors.push({ field: `weekday-${index}`, key: `${ERR}.weekday` });
    if (!starts) errors.push({ field: `starts-${index}`, key: `${ERR}.time` });
    if (!ends) errors.push({ field: `ends-${index}`, key: `${ERR}.time` });
    if (starts && ends && starts >= ends)
      errors.push({ field: `ends-${index}`, key: `${ERR}.order` });
    else if (weekday && starts && ends) kept.push({ weekday, starts, ends, index });
  });
  const sorted = [...kept].sort(
    (a, b) => a.weekday - b.weekday || a.starts.localeCompare(b.starts),
  );
  sorted.forEach((row, i) => {
    const before = sorted[i - 1];
    if (before && before.weekday === row.weekday && row.starts < before.ends)
      errors.push({
        field: `starts-${row.index}`,
        key: `${ERR}.overlap`,
        params: { starts: before.starts, ends: before.ends },
      });
  });
  if (errors.length) return { errors };
  return { hours: sorted.map(({ weekday, starts, ends }) => ({ weekday, starts, ends })), errors };
}

/**
 * Replaces a clerk's weekly hours. The database refuses overlapping rows too (a form sent twice
 * at once, each checked alone): that becomes a message at the hours, never an error page.
 */
export async function saveHours(
  deps: Pick<ReassignDeps, 'db'>,
  clerkId: number,
  hours: readonly WeeklyHours[],
  actorId: number,
  context: AuditContext,
): Promise<FieldError[]> {
  try {
    await deps.db.transaction(async (trx) => {
      const before = (
        (await trx.raw(
          `SELECT weekday, to_char(starts, 'HH24:MI') AS starts, to_char(ends, 'HH24:MI') AS ends
           FROM kep_clerk_hours WHERE clerk_id = ? ORDER BY weekday, starts FOR UPDATE`,
          [clerkId],
        )) as { rows: WeeklyHours[] }
      ).rows;
      if (JSON.stringify(before) === JSON.stringify(hours)) return;
      await trx('kep_clerk_hours').where({ clerk_id: clerkId }).delete();
      if (hours.length)
        await trx('kep_clerk_hours').insert(hours.map((row) => ({ clerk_id: clerkId, ...row })));
      await recordAudit(
        trx,
        {
          action: 'kep.hours_changed',
          actorId,
          userId: clerkId,
          details: { before, after: hours },
        },
        context,
      );
    });
  } catch (error) {
    if (isExclusionViolation(error, HOURS_NO_OVERLAP))
      return [{ field: 'hours', key: `${ERR}.hoursClash` }];
    throw error;
  }
  return [];
}

/** A date range form as typed: `from` and `to` (GOV.UK's three boxes each) and a reason. */
export interface RangeForm {
  from: DateParts;
  to: DateParts;
  reason: string;
}

export function readRangeForm(body: unknown): RangeForm {
  const reason = (body as Record<string, unknown> | undefined)?.reason;
  return {
    from: readDateParts(body, 'from'),
    to: readDateParts(body, 'to'),
    reason: typeof reason === 'string' ? reason.trim() : '',
  };
}

/** The range checked: real days, from ≤ to, at most a year, a reason of at most 500 characters. */
export function checkRangeForm(
  form: RangeForm,
  reasonRequired: boolean,
): { range?: { from: string; to: string; reason: string | null }; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const from = datePartsToIso(form.from);
  const to = datePartsToIso(form.to);
  if (from.problem) errors.push({ field: 'from', key: `${ERR}.date.${from.problem}` });
  if (to.problem) errors.push({ field: 'to', key: `${ERR}.date.${to.problem}` });
  if (from.iso && to.iso && to.iso < from.iso)
    errors.push({ field: 'to', key: `${ERR}.rangeOrder` });
  else if (from.iso && to.iso && addDays(from.iso, LONGEST_RANGE_DAYS) < to.iso)
    errors.push({ field: 'to', key: `${ERR}.rangeLength`, params: { days: LONGEST_RANGE_DAYS } });
  if (reasonRequired && !form.reason)
    errors.push({ field: 'reason', key: `${ERR}.reasonRequired` });
  else if (form.reason.length > 500) errors.push({ field: 'reason', key: `${ERR}.reasonTooLong` });
  if (errors.length || !from.iso || !to.iso) return { errors };
  return { range: { from: from.iso, to: to.iso, reason: form.reason || null }, errors };
}

export interface RangeRow {
  id: number;
  from: string;
  to: string;
  reason: string | null;
}

/** A clerk's leave (or, with no clerk, the closures) that has not ended before `today`. */
export async function rangesFrom(
  conn: Conn,
  table: 'kep_absences' | 'kep_closures',
  today: string,
  clerkId?: number,
): Promise<RangeRow[]> {
  const { rows } = (await conn.raw(
    `SELECT id, lower(during) AS "from", upper(during) - 1 AS "to", reason FROM ${table}
     WHERE upper(during) > ?::date ${clerkId === undefined ? '' : 'AND clerk_id = ?'}
     ORDER BY lower(during), id`,
    clerkId === undefined ? [today] : [today, clerkId],
  )) as { rows: RangeRow[] };
  return rows;
}

/**
 * Adds leave or a closure and, in the same transaction, moves or cancels the booked
 * appointments it takes away; audited (the absence or closure, and each appointment).
 */
export async function addRange(
  deps: ReassignDeps,
  takes: Takes,
  actorId: number,
  context: AuditContext,
): Promise<AppliedChanges> {
  return deps.db.transaction(async (trx) => {
    const during = trx.raw("daterange(?::date, ?::date, '[]')", [takes.days.from, takes.days.to]);
    const [row] = (await (
      takes.kind === 'absence'
        ? trx('kep_absences').insert({ clerk_id: takes.clerkId, during, reason: takes.reason })
        : trx('kep_closures').insert({ during, reason: takes.reason })
    ).returning('id')) as { id: number }[];
    const done = await applyChanges(deps, trx, takes, actorId, context);
    await recordAudit(
      trx,
      {
        action: takes.kind === 'absence' ? 'kep.absence_added' : 'kep.closure_added',
        actorId,
        ...(takes.kind === 'absence' ? { userId: takes.clerkId } : {}),
        entity: { type: takes.kind === 'absence' ? 'kep_absence' : 'kep_closure', id: row!.id },
        details: { ...takes.days, reason: takes.reason, ...done },
      },
      context,
    );
    return done;
  });
}

/** Removes leave (of that clerk) or a closure; false when there was none. */
export async function removeRange(
  deps: Pick<ReassignDeps, 'db'>,
  kind: 'absence' | 'closure',
  id: number,
  clerkId: number | undefined,
  actorId: number,
  context: AuditContext,
): Promise<boolean> {
  return deps.db.transaction(async (trx) => {
    const table = kind === 'absence' ? 'kep_absences' : 'kep_closures';
    const { rows } = (await trx.raw(
      `DELETE FROM ${table} WHERE id = ? ${clerkId === undefined ? '' : 'AND clerk_id = ?'}
       RETURNING lower(during) AS "from", upper(during) - 1 AS "to", reason`,
      clerkId === undefined ? [id] : [id, clerkId],
    )) as { rows: { from: string; to: string; reason: string | null }[] };
    const row = rows[0];
    if (!row) return false;
    await recordAudit(
      trx,
      {
        action: kind === 'absence' ? 'kep.absence_removed' : 'kep.closure_removed',
        actorId,
        ...(clerkId !== undefined ? { userId: clerkId } : {}),
        entity: { type: `kep_${kind}`, id },
        details: { ...row },
      },
      context,
    );
    return true;
  });
}
