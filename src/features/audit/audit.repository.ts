import type { Request } from 'express';
import type { Conn } from '../../db/knex.ts';

/**
 * Every action the code writes to the audit log: the one list, so the log's filter offers only
 * actions that can happen and `recordAudit` accepts nothing else. A new action is added here.
 */
export const AUDIT_ACTIONS = [
  'account.registered',
  'account.registration_attempted',
  'account.registration_cancelled',
  'account.pending_deleted',
  'account.activated',
  'account.activation_resent',
  'auth.signed_in',
  'auth.signed_out',
  'auth.failed',
  'auth.locked',
  'account.password_changed',
  'account.password_reset_requested',
  'account.password_reset',
  'account.pin_changed',
  'account.phone_changed',
  'account.email_change_requested',
  'account.email_change_refused',
  'account.email_changed',
  'decision.created',
  'decision.updated',
  'decision.published',
  'decision.unpublished',
  'decision.imported',
  'benefit.created',
  'benefit.updated',
  'benefit.published',
  'benefit.unpublished',
  'benefit.reordered',
  'health_service.created',
  'health_service.updated',
  'health_service.published',
  'health_service.unpublished',
  'health_service.reordered',
  'identity.verified',
  'identity.revoked',
  'citizen.activation_resent',
  'citizen.phone_corrected',
  'citizen.email_corrected',
  'staff.created',
  'staff.invited',
  'staff.activated',
  'staff.roles_changed',
  'staff.disabled',
  'staff.enabled',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isAuditAction(value: unknown): value is AuditAction {
  return (AUDIT_ACTIONS as readonly unknown[]).includes(value);
}

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
