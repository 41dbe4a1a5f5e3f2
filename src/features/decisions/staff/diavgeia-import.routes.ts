import type { Request, Response, Router } from 'express';
import {
  datePartsToIso,
  dateProblemKey,
  readDateParts,
  type DateParts,
} from '../../../lib/dates.ts';
import { formFields } from '../../../lib/form.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import type { FormError } from './decision-form.ts';
import type { DecisionsEditor } from './decisions-editor.service.ts';
import { DiavgeiaError } from './diavgeia.client.ts';

interface ImportValues {
  org: string;
  from: DateParts;
  to: DateParts;
}

const noDate: DateParts = { day: '', month: '', year: '' };

function renderImport(
  req: Request,
  res: Response,
  values: ImportValues,
  errors: FormError[],
  result?: { created: number; skipped: number },
): void {
  res.status(errors.length ? 400 : 200).render('decisions/staff/views/import', {
    pageTitle: req.t('staff.import.title'),
    values,
    result,
    ...presentFormErrors(req, errors, ['from', 'to']),
  });
}

/** The import form: an organisation's id and a date range, in order. */
function readImportForm(req: Request) {
  const values: ImportValues = {
    org: formFields(req.body, ['org']).org.trim(),
    from: readDateParts(req.body, 'from'),
    to: readDateParts(req.body, 'to'),
  };
  const errors: FormError[] = [];
  if (!/^[0-9A-Za-z_-]{1,40}$/.test(values.org))
    errors.push({ field: 'org', key: 'staff.import.errors.org' });
  const from = datePartsToIso(values.from);
  const to = datePartsToIso(values.to);
  for (const [field, date] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (date.problem)
      errors.push({
        field,
        key: dateProblemKey(date.problem),
        params: { field: req.t(`staff.import.${field}`) },
      });
  if (from.iso && to.iso && from.iso > to.iso)
    errors.push({ field: 'to', key: 'staff.import.errors.order' });
  return { values, errors, from: from.iso, to: to.iso };
}

async function runImport(editor: DecisionsEditor, req: Request, res: Response): Promise<void> {
  const { values, errors, from, to } = readImportForm(req);
  if (errors.length || !from || !to) return renderImport(req, res, values, errors);
  try {
    const result = await editor.importFromDiavgeia(
      { org: values.org, from, to },
      req.user!.id,
      auditContext(req),
    );
    renderImport(req, res, values, [], result);
  } catch (error) {
    if (!(error instanceof DiavgeiaError)) throw error;
    req.log.warn({ err: error.message }, 'Diavgeia import failed');
    renderImport(req, res, values, [{ field: 'org', key: 'staff.import.errors.unreachable' }]);
  }
}

/**
 * /staff/decisions/import: drafts from Diavgeia. Added to the section's own router (not a nested
 * one), so the routes stay in the list the back office's guard test walks.
 */
export function addDiavgeiaImportRoutes(
  router: Router,
  defaultOrg: string,
  editor: DecisionsEditor,
): void {
  router.get('/import', (req, res) =>
    renderImport(req, res, { org: defaultOrg, from: noDate, to: noDate }, []),
  );
  router.post('/import', (req, res) => runImport(editor, req, res));
}
