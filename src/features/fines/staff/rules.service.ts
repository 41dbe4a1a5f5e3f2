import { isUniqueViolation } from '../../../db/constraints.ts';
import type { Conn } from '../../../db/knex.ts';
import type { Deps } from '../../../deps.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { athensDate } from '../../../lib/format.ts';
import { changes, recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import type { RuleInput } from '../fines.schemas.ts';

export interface RuleRow {
  id: number;
  effective_from: string;
  reduction_percent: number;
  reduction_days: number;
  objection_days: number;
  note: string;
}

export async function listRules(conn: Conn): Promise<RuleRow[]> {
  return (await conn('fine_rules').orderBy('effective_from', 'desc')) as RuleRow[];
}

export async function findRule(conn: Conn, id: number): Promise<RuleRow | undefined> {
  return (await conn('fine_rules').where({ id }).first()) as RuleRow | undefined;
}

const columnsOf = (input: RuleInput) => ({
  effective_from: input.effectiveFrom,
  reduction_percent: input.reductionPercent,
  reduction_days: input.reductionDays,
  objection_days: input.objectionDays,
  note: input.note,
});

/**
 * Adds a rule (id undefined) or changes one not yet in effect, audited with what changed. Two
 * rules cannot start on one day (a unique column): the form says so at the date.
 */
export async function saveRule(
  deps: Pick<Deps, 'db' | 'clock'>,
  id: number | undefined,
  input: RuleInput,
  staffId: number,
  context: AuditContext,
): Promise<{ id?: number; errors: FieldError[] } | 'not-found'> {
  try {
    return await deps.db.transaction(async (trx) => {
      const after = columnsOf(input);
      // Fines issued under a rule keep it: a new rule starts on a day still to come.
      const today = athensDate(deps.clock.now());
      if (id === undefined && after.effective_from <= today)
        return { errors: [{ field: 'effectiveFrom', key: 'fines.rules.errors.past' }] };
      if (id === undefined) {
        const [row] = (await trx('fine_rules')
          .insert({ ...after, created_by: staffId })
          .returning('id')) as { id: number }[];
        await recordAudit(
          trx,
          {
            action: 'fine_rule.created',
            actorId: staffId,
            entity: { type: 'fine_rule', id: row!.id },
            details: after,
          },
          context,
        );
        return { id: row!.id, errors: [] };
      }
      const before = (await trx('fine_rules').where({ id }).forUpdate().first()) as
        RuleRow | undefined;
      if (!before) return 'not-found' as const;
      // Nor is a rule in effect changed, or one moved to a day that has passed.
      if (before.effective_from <= today || after.effective_from <= today)
        return { errors: [{ field: 'effectiveFrom', key: 'fines.rules.errors.inEffect' }] };
      await trx('fine_rules')
        .where({ id })
        .update({ ...after, updated_at: deps.clock.now() });
      await recordAudit(
        trx,
        {
          action: 'fine_rule.updated',
          actorId: staffId,
          entity: { type: 'fine_rule', id },
          details: { changes: changes({ ...before }, after) },
        },
        context,
      );
      return { id, errors: [] };
    });
  } catch (error) {
    if (isUniqueViolation(error))
      return { errors: [{ field: 'effectiveFrom', key: 'fines.rules.errors.taken' }] };
    throw error;
  }
}
