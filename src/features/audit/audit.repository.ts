import type { Request } from 'express';
import type { Conn } from '../../db/knex.ts';

export type AuditAction =
  | 'account.registered'
  | 'account.activated'
  | 'account.activation_resent'
  | 'auth.signed_in'
  | 'auth.signed_out'
  | 'auth.failed'
  | 'auth.locked'
  | 'account.password_changed'
  | 'account.password_reset_requested'
  | 'account.password_reset'
  | 'account.pin_changed'
  | 'account.phone_changed'
  | 'account.email_change_requested'
  | 'account.email_changed'
  | 'staff.created';

export interface AuditEntry {
  action: AuditAction;
  userId?: number | null;
  actorId?: number | null;
  details?: Record<string, unknown>;
}

export interface AuditContext {
  ip?: string | null;
  requestId?: string | null;
}

/** Where a request came from, for the audit log. */
export function auditContext(req: Request): AuditContext {
  return { ip: req.ip ?? null, requestId: req.id ?? null };
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
    actor_id: entry.actorId ?? entry.userId ?? null,
    ip: context.ip ?? null,
    request_id: context.requestId ?? null,
    details: JSON.stringify(entry.details ?? {}),
  });
}
