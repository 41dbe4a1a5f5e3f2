import type { Deps } from '../../../deps.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { formatDate, formatMoney } from '../../../lib/format.ts';
import { formatRf } from '../../../lib/rf.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import { findFine } from '../fines.repository.ts';
import { decideObjection, findObjection } from '../objections.repository.ts';

export type DecisionDeps = Pick<Deps, 'db' | 'mailer' | 'clock'>;

export interface Decision {
  outcome: 'accepted' | 'rejected';
  reason: string;
}

/**
 * The finance office accepts or rejects a submitted objection with its reason: audited, and
 * emailed to the citizen who filed it (in their language) when the decision commits. A decision
 * taken meanwhile by a colleague wins; this one is refused.
 */
export async function decide(
  deps: DecisionDeps,
  staffId: number,
  objectionId: number,
  decision: Decision,
  context: AuditContext,
): Promise<FieldError[] | 'not-found'> {
  return deps.db.transaction(async (trx) => {
    const objection = await findObjection(trx, objectionId);
    if (!objection) return 'not-found' as const;
    const decided = await decideObjection(trx, objectionId, {
      status: decision.outcome,
      reason: decision.reason,
      by: staffId,
      at: deps.clock.now(),
    });
    if (!decided) return [{ field: 'outcome', key: 'fines.staff.errors.decided' }];
    await recordAudit(
      trx,
      {
        action: 'fine.objection_decided',
        userId: objection.user_id,
        actorId: staffId,
        entity: { type: 'fine_objection', id: objectionId },
        details: { fineId: objection.fine_id, outcome: decision.outcome },
      },
      context,
    );
    const fine = await findFine(trx, objection.fine_id);
    const citizen = objection.user_id
      ? ((await trx('users').where('id', objection.user_id).first('email', 'full_name', 'lang')) as
          { email: string; full_name: string; lang: string } | undefined)
      : undefined;
    if (citizen && fine) {
      const lang = citizen.lang === 'en' ? 'en' : 'el';
      await deps.mailer.send(
        'fine-objection-decided',
        { email: citizen.email, lang },
        {
          fullName: citizen.full_name,
          noticeNumber: fine.notice_number,
          outcome: decision.outcome,
          reason: decision.reason,
          // What to do next: a rejected objection leaves the fine to pay, by its RF code.
          amount: formatMoney(Math.max(0, fine.amount_cents - fine.paid_cents), lang),
          dueDate: formatDate(fine.due_date, lang),
          rf: formatRf(fine.rf),
          path: `/fines/${fine.id}`,
        },
        trx,
      );
    }
    return [];
  });
}
