import { isUniqueViolation } from '../../../db/constraints.ts';
import type { Deps } from '../../../deps.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { parseEuroCents } from '../../../lib/forms.ts';
import { changes, recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import type { CertificateTypeRow, DeliveryMethod } from '../certificates.repository.ts';
import type { Template } from '../document.ts';

export const TEMPLATES: readonly Template[] = [
  'registration',
  'family_status',
  'next_of_kin',
  'residence',
  'no_debt',
];
export const DELIVERY_METHODS: readonly DeliveryMethod[] = ['email', 'post', 'pickup'];
const CODE = /^[a-z][a-z0-9_]{1,39}$/;
/** Paths of the catalogue's own pages, not types' codes. */
const RESERVED_CODES = new Set(['new']);
const NAME_MAX = 200;
const DESCRIPTION_MAX = 1000;
const FEE_MAX_CENTS = 100_000;
const POSITION_MAX = 999;

/** The catalogue form as typed (every value kept as text, to show again with its errors). */
export interface TypeForm {
  code: string;
  template: string;
  nameEl: string;
  nameEn: string;
  descriptionEl: string;
  descriptionEn: string;
  who: string;
  issueMode: string;
  deadlineDays: string;
  fee: string;
  validityMonths: string;
  delivery: string[];
  byPhone: string;
  active: string;
  position: string;
}

type Columns = Omit<CertificateTypeRow, 'code' | 'template'>;

const text = (source: Record<string, unknown>, name: string) =>
  typeof source[name] === 'string' ? source[name] : '';

export function readTypeForm(body: unknown): TypeForm {
  const source = (body ?? {}) as Record<string, unknown>;
  const delivery = source.delivery;
  return {
    code: text(source, 'code').trim(),
    template: text(source, 'template'),
    nameEl: text(source, 'nameEl'),
    nameEn: text(source, 'nameEn'),
    descriptionEl: text(source, 'descriptionEl'),
    descriptionEn: text(source, 'descriptionEn'),
    who: text(source, 'who'),
    issueMode: text(source, 'issueMode'),
    deadlineDays: text(source, 'deadlineDays'),
    fee: text(source, 'fee'),
    validityMonths: text(source, 'validityMonths'),
    delivery: (Array.isArray(delivery) ? delivery : [delivery]).filter(
      (d): d is string => typeof d === 'string',
    ),
    byPhone: text(source, 'byPhone'),
    active: text(source, 'active'),
    position: text(source, 'position'),
  };
}

export function formOfType(type: CertificateTypeRow): TypeForm {
  return {
    code: type.code,
    template: type.template,
    nameEl: type.name_el,
    nameEn: type.name_en,
    descriptionEl: type.description_el,
    descriptionEn: type.description_en,
    who: type.who,
    issueMode: type.issue_mode,
    deadlineDays: String(type.deadline_days),
    fee: (type.fee_cents / 100).toFixed(2).replace('.', ','),
    validityMonths: type.validity_months === null ? '' : String(type.validity_months),
    delivery: [...type.delivery_methods],
    byPhone: type.by_phone ? 'yes' : '',
    active: type.active ? 'yes' : '',
    position: String(type.position),
  };
}

export const EMPTY_FORM: TypeForm = {
  code: '',
  template: '',
  nameEl: '',
  nameEn: '',
  descriptionEl: '',
  descriptionEn: '',
  who: 'holder',
  issueMode: 'clerk',
  deadlineDays: '5',
  fee: '0',
  validityMonths: '6',
  delivery: ['email', 'post', 'pickup'],
  byPhone: '',
  active: 'yes',
  position: '10',
};

/** A whole number written plainly ('12'), within the bounds; undefined otherwise. */
function wholeNumber(value: string, min: number, max: number): number | undefined {
  const trimmed = value.trim();
  if (!/^\d{1,4}$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return n >= min && n <= max ? n : undefined;
}

/** The columns the form gives, or what is wrong field by field (keys under …catalogue.errors). */
function check(form: TypeForm, template: string): { columns?: Columns; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const error = (field: string, key: string, params?: Record<string, unknown>) =>
    errors.push({ field, key: `certificates.staff.catalogue.errors.${key}`, params });
  const name = (field: 'nameEl' | 'nameEn') => {
    const value = form[field].trim();
    if (!value) error(field, 'nameRequired');
    else if (value.length > NAME_MAX) error(field, 'tooLong', { max: NAME_MAX });
    return value;
  };
  const description = (field: 'descriptionEl' | 'descriptionEn') => {
    const value = form[field].trim();
    if (value.length > DESCRIPTION_MAX) error(field, 'tooLong', { max: DESCRIPTION_MAX });
    return value;
  };
  const nameEl = name('nameEl');
  const nameEn = name('nameEn');
  const descriptionEl = description('descriptionEl');
  const descriptionEn = description('descriptionEn');
  if (form.who !== 'holder' && form.who !== 'family') error('who', 'who');
  if (form.issueMode !== 'instant' && form.issueMode !== 'clerk') error('issueMode', 'issueMode');
  // A no-debt certificate is decided by debtStatus alone: nobody is to weigh it by hand.
  else if (template === 'no_debt' && form.issueMode !== 'instant')
    error('issueMode', 'noDebtInstant');
  const deadlineDays = wholeNumber(form.deadlineDays, 0, 60);
  if (deadlineDays === undefined) error('deadlineDays', 'deadlineDays');
  const fee = form.fee.trim() === '' ? 0 : parseEuroCents(form.fee);
  if (fee === undefined || fee > FEE_MAX_CENTS) error('fee', 'fee');
  const validity =
    form.validityMonths.trim() === '' ? null : wholeNumber(form.validityMonths, 1, 120);
  if (validity === undefined) error('validityMonths', 'validityMonths');
  const delivery = DELIVERY_METHODS.filter((m) => form.delivery.includes(m));
  if (!delivery.length || delivery.length !== new Set(form.delivery).size)
    error('delivery', 'delivery');
  const position = wholeNumber(form.position, 0, POSITION_MAX);
  if (position === undefined) error('position', 'position', { max: POSITION_MAX });
  if (errors.length) return { errors };
  return {
    errors,
    columns: {
      name_el: nameEl,
      name_en: nameEn,
      description_el: descriptionEl,
      description_en: descriptionEn,
      who: form.who as Columns['who'],
      issue_mode: form.issueMode as Columns['issue_mode'],
      deadline_days: deadlineDays!,
      fee_cents: fee!,
      validity_months: validity!,
      delivery_methods: delivery,
      by_phone: form.byPhone === 'yes',
      active: form.active === 'yes',
      position: position!,
    },
  };
}

/**
 * Adds a type (code undefined: the form's code and template) or changes one (its code and
 * template stay: they name it and decide its document's text), audited with what changed.
 */
export async function saveType(
  deps: Pick<Deps, 'db' | 'clock'>,
  code: string | undefined,
  form: TypeForm,
  staffId: number,
  context: AuditContext,
): Promise<{ code?: string; errors: FieldError[] } | 'not-found'> {
  const creating = code === undefined;
  const existing = creating
    ? undefined
    : await deps.db<CertificateTypeRow>('certificate_types').where({ code }).first();
  if (!creating && !existing) return 'not-found';
  const template = creating ? form.template : existing!.template;
  const codeErrors: FieldError[] = [];
  const key = (name: string) => `certificates.staff.catalogue.errors.${name}`;
  if (creating) {
    if (!CODE.test(form.code)) codeErrors.push({ field: 'code', key: key('code') });
    else if (RESERVED_CODES.has(form.code))
      codeErrors.push({ field: 'code', key: key('codeTaken') });
    if (!(TEMPLATES as readonly string[]).includes(form.template))
      codeErrors.push({ field: 'template', key: key('template') });
  }
  const checked = check(form, template);
  const errors = [...codeErrors, ...checked.errors];
  if (errors.length || !checked.columns) return { errors };
  const after = checked.columns;
  const now = deps.clock.now();
  try {
    return await deps.db.transaction(async (trx) => {
      if (creating) {
        await trx('certificate_types').insert({
          code: form.code,
          template,
          ...after,
          updated_at: now,
          updated_by: staffId,
        });
        await recordAudit(
          trx,
          {
            action: 'certificates.type_saved',
            actorId: staffId,
            details: { code: form.code, created: true, template, ...after },
          },
          context,
        );
        return { code: form.code, errors: [] };
      }
      const before = await trx<CertificateTypeRow>('certificate_types')
        .where({ code })
        .forUpdate()
        .first();
      if (!before) return { errors: [{ field: 'nameEl', key: key('gone') }] };
      const changed = changes({ ...before }, after);
      if (Object.keys(changed).length) {
        await trx('certificate_types')
          .where({ code })
          .update({ ...after, updated_at: now, updated_by: staffId });
        await recordAudit(
          trx,
          {
            action: 'certificates.type_saved',
            actorId: staffId,
            details: { code, changes: changed },
          },
          context,
        );
      }
      return { code, errors: [] };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { errors: [{ field: 'code', key: key('codeTaken') }] };
    throw error;
  }
}
