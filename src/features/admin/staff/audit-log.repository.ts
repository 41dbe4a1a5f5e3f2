import type { Conn } from '../../../db/knex.ts';
import { addDays } from '../../../lib/dates.ts';
import { MUNICIPALITY_TIME_ZONE } from '../../../lib/format.ts';
import { auditQuery, type AuditRow } from '../../audit/audit.repository.ts';

export interface AuditFilters {
  /** A username, any case. */
  actor?: string;
  action?: string;
  /** Athens days, YYYY-MM-DD, both included. */
  from?: string;
  to?: string;
}

/** One page of the log, newest first, with one row more than `pageSize` when a next page exists. */
export async function searchAuditLog(
  conn: Conn,
  filters: AuditFilters,
  page: { number: number; size: number },
): Promise<AuditRow[]> {
  const query = auditQuery(conn);
  if (filters.actor) query.whereRaw('lower(actor.username) = ?', [filters.actor.toLowerCase()]);
  if (filters.action) query.where('a.action', filters.action);
  // Days are Athens days, as the times in the list are: midnight there, summer time or not.
  const athensMidnight = `(?::date)::timestamp AT TIME ZONE '${MUNICIPALITY_TIME_ZONE}'`;
  if (filters.from) query.whereRaw(`a.at >= ${athensMidnight}`, [filters.from]);
  if (filters.to) query.whereRaw(`a.at < ${athensMidnight}`, [addDays(filters.to, 1)]);
  return (await query
    .orderBy('a.id', 'desc')
    .limit(page.size + 1)
    .offset((page.number - 1) * page.size)) as AuditRow[];
}
