import type { Db } from '../../db/knex.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import { createApiKey, revokeApiKey, type ApiKeyRow } from './api-keys.repository.ts';

/** A new key for an application, with its audit entry; the key itself is returned only here. */
export async function issueApiKey(
  db: Db,
  input: { appName: string; scopes: readonly string[] },
  actorId: number,
  context: AuditContext,
): Promise<{ row: ApiKeyRow; key: string }> {
  return db.transaction(async (trx) => {
    const created = await createApiKey(trx, { ...input, createdBy: actorId });
    await recordAudit(
      trx,
      {
        action: 'api_key.created',
        actorId,
        entity: { type: 'api_key', id: created.row.id },
        details: { appName: input.appName, scopes: input.scopes, prefix: created.row.key_prefix },
      },
      context,
    );
    return created;
  });
}

/** Revokes the key, audited; revoking one already revoked changes nothing and records nothing. */
export async function revokeApiKeyAudited(
  db: Db,
  key: ApiKeyRow,
  now: Date,
  actorId: number,
  context: AuditContext,
): Promise<void> {
  await db.transaction(async (trx) => {
    if (await revokeApiKey(trx, key.id, now))
      await recordAudit(
        trx,
        {
          action: 'api_key.revoked',
          actorId,
          entity: { type: 'api_key', id: key.id },
          details: { appName: key.app_name, prefix: key.key_prefix },
        },
        context,
      );
  });
}
