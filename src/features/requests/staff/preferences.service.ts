import type { Deps } from '../../../deps.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import { setDailyDigest } from './preferences.repository.ts';

/**
 * A handler's choice per department: a mail for each new request, or one daily digest (sent at
 * 07:00 by the digest job). Only their own memberships change; the changes are audited once.
 */
export async function setNotificationChoices(
  deps: Pick<Deps, 'db'>,
  userId: number,
  choices: ReadonlyMap<number, boolean>,
  context: AuditContext,
): Promise<number> {
  return deps.db.transaction(async (trx) => {
    const changed: { departmentId: number; dailyDigest: boolean }[] = [];
    for (const [departmentId, dailyDigest] of choices)
      if (await setDailyDigest(trx, userId, departmentId, dailyDigest))
        changed.push({ departmentId, dailyDigest });
    if (changed.length)
      await recordAudit(
        trx,
        {
          action: 'request_handler.notifications_changed',
          userId,
          actorId: userId,
          details: { changed },
        },
        context,
      );
    return changed.length;
  });
}
