import type { Request } from 'express';
import type { Conn } from '../../db/knex.ts';

/**
 * An action written to the audit log: each module declares its own (`auditActions` in its
 * manifest); the log's filter offers those, and a test checks that every action the code writes
 * is declared there and named in both languages.
 */
export type AuditAction = string;

/**
 * An address as people read it: Node reports IPv4 clients of a dual-stack socket as
 * `::ffff:127.0.0.1`; that is 127.0.0.1.
 */
export function plainAddress(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

export interface AuditEntry {
  action: AuditAction;
  userId?: number | null;
  actorId?: number | null;
  /** The item a content change concerns (e.g. 'decision', 42). */
  entity?: { type: string; id: number };
  details?: Record<string, unknown>;
}

export interface AuditContext {
  ip?: string | null;
  requestId?: string | null;
}

/** Where a request came from, for the audit log. */
export function auditContext(req: Request): AuditContext {
  return { ip: plainAddress(req.ip), requestId: req.id ?? null };
}

/** One row per security event or staff action. Never pass secrets (passwords, PINs, tokens) in details. */
export async function recordAudit(
  conn: Conn,
  entry: AuditEntry,
  context: AuditContext = {},
): Promise<void> {
  await conn('audit_log').insert({
    action: entry.action,
    user_id: entry.userId ?? null,
    actor_id: entry.actorId === undefined ? (entry.userId ?? null) : entry.actorId,
    ip: plainAddress(context.ip),
    request_id: context.requestId ?? null,
    entity_type: entry.entity?.type ?? null,
    entity_id: entry.entity?.id ?? null,
    details: JSON.stringify(entry.details ?? {}),
  });
}

/** Before/after of the fields that changed, for the item's history. */
export function changes(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, { before: unknown; after: unknown }> {
  const result: Record<string, { before: unknown; after: unknown }> = {};
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(value ?? null))
      result[key] = { before: before[key] ?? null, after: value ?? null };
  }
  return result;
}

export interface AuditRow {
  id: number;
  at: Date;
  action: string;
  actor_id: number | null;
  actor_username: string | null;
  user_id: number | null;
  user_username: string | null;
  entity_type: string | null;
  entity_id: number | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export function auditQuery(conn: Conn) {
  return conn('audit_log as a')
    .leftJoin('users as actor', 'actor.id', 'a.actor_id')
    .leftJoin('users as subject', 'subject.id', 'a.user_id')
    .select(
      'a.id',
      'a.at',
      'a.action',
      'a.actor_id',
      'actor.username as actor_username',
      'a.user_id',
      'subject.username as user_username',
      'a.entity_type',
      'a.entity_id',
      'a.ip',
      'a.details',
    );
}

export async function historyOf(
  conn: Conn,
  entity: { type: string; id: number },
): Promise<AuditRow[]> {
  return (await auditQuery(conn)
    .where({ 'a.entity_type': entity.type, 'a.entity_id': entity.id })
    .orderBy('a.id', 'desc')
    .limit(200)) as AuditRow[];
}
