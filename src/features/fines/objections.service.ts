import { isUniqueViolation } from '../../db/constraints.ts';
import type { Deps } from '../../deps.ts';
import type { FieldError } from '../../lib/errors.ts';
import { athensDate, formatDate } from '../../lib/format.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import type { UserRow } from '../accounts/users.repository.ts';
import { findVisibleFine, isVerifiedOwner } from './fines.repository.ts';
import { objectionClosedReason, openCapacities, termsOf } from './fines.terms.ts';
import type { ObjectionFile } from './objection-upload.ts';
import { insertObjection, insertObjectionFiles } from './objections.repository.ts';

export type ObjectionDeps = Pick<Deps, 'db' | 'mailer' | 'clock' | 'documents'>;

export interface ObjectionInput {
  capacity: 'owner' | 'driver';
  driverAfm: string | null;
  text: string;
  files: readonly ObjectionFile[];
}

/** One objection at a time per fine, and one per capacity: a second one, or two sent at once. */
const PENDING_INDEX = 'fine_objections_pending_key';
const CAPACITY_INDEX = 'fine_objections_capacity_key';

/**
 * Files an objection to a fine the citizen may see, before its deadline: as its verified owner,
 * or as the driver with their AFM. The files are stored first and removed again if the objection
 * is refused; the confirmation email leaves with the transaction. Returns the refusal, if any.
 */
export async function fileObjection(
  deps: ObjectionDeps,
  citizen: UserRow,
  fineId: number,
  input: ObjectionInput,
  context: AuditContext,
): Promise<FieldError[] | 'not-found'> {
  const fine = await findVisibleFine(deps.db, citizen, fineId);
  if (!fine) return 'not-found';
  const isOwner = isVerifiedOwner(citizen, fine);
  const closed = objectionClosedReason(fine, termsOf(fine), athensDate(deps.clock.now()), isOwner);
  if (closed) return [{ field: 'text', key: `fines.objection.closed.${closed}` }];
  if (input.capacity === 'owner' && !isOwner)
    return [{ field: 'capacity', key: 'fines.objection.errors.notOwner' }];
  if (!openCapacities(fine, isOwner).includes(input.capacity))
    return [{ field: 'capacity', key: 'fines.objection.errors.capacityUsed' }];
  const stored: string[] = [];
  try {
    for (const file of input.files)
      stored.push(await deps.documents.save(file.content, file.extension));
    await deps.db.transaction(async (trx) => {
      const id = await insertObjection(trx, {
        fine_id: fine.id,
        user_id: citizen.id,
        capacity: input.capacity,
        driver_afm: input.capacity === 'driver' ? input.driverAfm : null,
        text: input.text,
        created_at: deps.clock.now(),
      });
      await insertObjectionFiles(
        trx,
        id,
        input.files.map((file, i) => ({
          storage_key: stored[i]!,
          file_name: file.fileName,
          media_type: file.mediaType,
          bytes: file.content.length,
        })),
      );
      await recordAudit(
        trx,
        {
          action: 'fine.objection_submitted',
          userId: citizen.id,
          entity: { type: 'fine_objection', id },
          details: { fineId: fine.id, capacity: input.capacity, files: input.files.length },
        },
        context,
      );
      const lang = citizen.lang === 'en' ? 'en' : 'el';
      await deps.mailer.send(
        'fine-objection-submitted',
        { email: citizen.email, lang },
        {
          fullName: citizen.full_name,
          noticeNumber: fine.notice_number,
          submittedOn: formatDate(athensDate(deps.clock.now()), lang),
          files: input.files.length,
          path: `/fines/${fine.id}`,
        },
        trx,
      );
    });
    return [];
  } catch (error) {
    await Promise.all(stored.map((key) => deps.documents.remove(key)));
    if (isUniqueViolation(error, PENDING_INDEX) || isUniqueViolation(error, CAPACITY_INDEX))
      return [{ field: 'text', key: 'fines.objection.closed.taken' }];
    throw error;
  }
}
