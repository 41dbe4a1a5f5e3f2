import { isUniqueViolation } from '../../db/constraints.ts';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Conn } from '../../db/knex.ts';
import type { Deps } from '../../deps.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type FieldError,
} from '../../lib/errors.ts';
import { athensDate } from '../../lib/format.ts';
import { dueDate } from '../../lib/working-days.ts';
import { moduleConfig } from '../../config.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import type { UserRow } from '../accounts/users.repository.ts';
import type { DebtStatus } from '../dues/debt-status.ts';
import {
  fullNameOf,
  personByAfm,
  personById,
  recordWithMembers,
  type Relation,
  type RollPerson,
} from '../roll/roll.repository.ts';
import { localFeast } from '../site/local-feast.ts';
import { certificatesConfig } from './certificates.config.ts';
import {
  addEvent,
  applicationById,
  certificateOfApplication,
  nextNumber,
  typeByCode,
  type ApplicationRow,
  type CertificateRow,
  type CertificateTypeRow,
  type Correction,
  type DeliveryMethod,
  type DeliveryState,
} from './certificates.repository.ts';
import {
  CORRECTABLE_FIELDS,
  renderCertificate,
  TEMPLATE_FIELDS,
  type CertificateFields,
  type CorrectableField,
} from './document.ts';
import {
  loadSealIdentity,
  p12DocumentSigner,
  SealUnavailableError,
  type DocumentSigner,
} from './signing/signer.ts';
import { newVerificationCode } from './verification-code.ts';
import { certifiableAbout, onTheRoll, phoneTypes, subjectsOf } from './subjects.ts';

export const PURPOSE_MAX = 200;
export const POST_ADDRESS_MAX = 300;
export const REASON_MAX = 500;

export interface ApplyInput {
  user: UserRow;
  typeCode: string;
  /** The holder: the applicant's own person, or a member of their family record (a roll id). */
  subject: 'self' | number;
  purpose?: string | null;
  delivery: string;
  postAddress?: string | null;
  channel: 'web' | 'phone';
  /** The phone call step it is made at (`<CallSid>/<step>`): the same step applies once. */
  phoneStep?: string;
}

export type ApplyResult =
  | { ok: true; application: ApplicationRow; issued: boolean }
  /** A no-debt certificate asked for while something is overdue: nothing was recorded. */
  | { ok: false; owes: DebtStatus };

export interface CorrectionInput {
  field: string;
  value: string;
  reason: string;
}

export interface Verification {
  status: 'valid' | 'revoked' | 'expired';
  certificate: CertificateRow;
  type: CertificateTypeRow;
  holderMasked: string;
}

/** Who acts: the citizen (null for an instant issue) or a clerk, and where from. */
export interface Actor {
  userId: number | null;
  context?: AuditContext;
}

/** "Γιώργος Μανωλάκης" → "Γι***** Μα*******": enough for the holder to recognise, not to read. */
export function maskName(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => {
      const letters = [...word];
      return letters.slice(0, 2).join('') + '*'.repeat(Math.max(1, letters.length - 2));
    })
    .join(' ');
}

/** '1979-02-03' → '03/02/1979', as Greek certificates print dates. */
export function dmy(iso: string | null | undefined): string {
  if (!iso) return '';
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

type Kin = Relation | 'grandparent' | 'grandchild' | 'parentInLaw' | 'childInLaw' | 'relative';

/**
 * How a member of a family record is related to another member (the record says how each is
 * related to its head): the head's spouse's children are hers, the head's parent is a child's
 * grandparent; what the record cannot tell is a "relative".
 */
export function relationTo(holder: Relation, member: Relation): Kin {
  const table: Record<Relation, Partial<Record<Relation, Kin>>> = {
    head: { spouse: 'spouse', child: 'child', parent: 'parent', sibling: 'sibling' },
    spouse: { head: 'spouse', child: 'child', parent: 'parentInLaw' },
    child: { head: 'parent', spouse: 'parent', child: 'sibling', parent: 'grandparent' },
    parent: { head: 'child', spouse: 'childInLaw', child: 'grandchild', sibling: 'child' },
    sibling: { head: 'sibling', sibling: 'sibling', parent: 'parent' },
    other: {},
  };
  return table[holder][member] ?? 'relative';
}

/** An audit entry about an application: who, the applicant, its reference and what else. */
function auditApplication(
  trx: Conn,
  action: string,
  application: ApplicationRow,
  actor: Actor,
  details: Record<string, unknown> = {},
): Promise<void> {
  return recordAudit(
    trx,
    {
      action,
      actorId: actor.userId,
      userId: application.user_id,
      entity: { type: 'certificate_application', id: application.id },
      details: { reference: application.reference, ...details },
    },
    actor.context,
  );
}

/** A rejection's or revocation's reason, trimmed; empty or too long: the field's message. */
function requiredReason(reason: string): string {
  const text = reason.trim();
  if (!text)
    throw new ValidationError([{ field: 'reason', key: 'certificates.errors.reasonRequired' }]);
  if (text.length > REASON_MAX)
    throw new ValidationError([
      { field: 'reason', key: 'certificates.errors.reasonTooLong', params: { max: REASON_MAX } },
    ]);
  return text;
}

/** '03/02/1979': a real day written as certificates print dates. */
export function isRealDmy(text: string): boolean {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!match) return false;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1850 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}

/** Adds whole months to a day, clamped to the month's end ('2026-08-31' + 6 → '2027-02-28'). */
export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export type CertificateService = ReturnType<typeof createCertificateService>;

/**
 * Runs a transaction that stores files (the issued PDF) and removes them again when it does not
 * commit, so a failed issue leaves no document behind.
 */
async function withStoredFiles<T>(
  deps: Pick<Deps, 'documents'>,
  work: (saved: string[]) => Promise<T>,
): Promise<T> {
  const saved: string[] = [];
  try {
    return await work(saved);
  } catch (error) {
    await Promise.all(saved.map((key) => deps.documents.remove(key).catch(() => undefined)));
    throw error;
  }
}

/**
 * Applications, issue, delivery and revocation of certificates. Every change writes the
 * application's timeline, an audit entry and the applicant's email in one transaction.
 */
export function createCertificateService(
  deps: Deps,
  options: { debtStatus: (afm: string) => Promise<DebtStatus>; signer?: DocumentSigner },
) {
  const { db } = deps;
  const el = deps.i18n.t('el');
  const settings = moduleConfig(deps.config, certificatesConfig);
  let signer: Promise<DocumentSigner | undefined> | undefined = options.signer
    ? Promise.resolve(options.signer)
    : undefined;
  const load = async (): Promise<DocumentSigner | undefined> => {
    try {
      const identity = await loadSealIdentity({
        p12Path: settings.CERTIFICATES_P12_PATH,
        passphrase: settings.CERTIFICATES_P12_PASSPHRASE,
        nodeEnv: deps.config.NODE_ENV,
        devFile: path.join(path.dirname(deps.config.EMBEDDED_PG_DIR), 'development-seal.p12'),
        commonName: deps.config.MUNICIPALITY_NAME_EL,
      });
      return identity ? p12DocumentSigner(identity) : undefined;
    } catch (error) {
      // A missing file, a wrong passphrase, a broken PKCS#12: issuing is unavailable (a clear
      // page, not a 500), logged, and read again at the next issue (it may be fixed meanwhile).
      signer = undefined;
      deps.logger.error({ err: (error as Error).message }, 'the certificates seal cannot be read');
      throw new SealUnavailableError((error as Error).message);
    }
  };
  const seal = (): Promise<DocumentSigner | undefined> => (signer ??= load());

  const relationLabel = (relation: string) => el(`certificates.relations.${relation}`);
  const maritalLabel = (person: RollPerson) =>
    person.marital_status ? el(`certificates.marital.${person.marital_status}.${person.sex}`) : '';

  /** What a certificate about `subject` prints, from the roll as it is now. */
  async function rollFields(
    type: CertificateTypeRow,
    subject: RollPerson,
    conn: Conn = db,
  ): Promise<CertificateFields> {
    const family = await recordWithMembers(conn, subject.record_id);
    const members = (family?.members ?? [])
      .filter((m) => type.template === 'family_status' || m.id !== subject.id)
      .filter((m) => !m.struck_off_on)
      .map((m) => ({
        name: fullNameOf(m),
        // Next of kin: how each is related to the person the certificate is about; family status:
        // to the head of the record, as the record lists them.
        relation: relationLabel(
          type.template === 'next_of_kin' ? relationTo(subject.relation, m.relation) : m.relation,
        ),
        fatherName: m.father_name,
        birthDate: dmy(m.birth_date),
        birthPlace: m.birth_place,
        note: m.deceased_on
          ? el('certificates.document.deceasedOn', { date: dmy(m.deceased_on) })
          : '',
      }));
    return {
      fullName: fullNameOf(subject),
      fatherName: subject.father_name,
      motherName: subject.mother_name,
      birthDate: dmy(subject.birth_date),
      birthPlace: subject.birth_place,
      afm: subject.afm ?? '',
      recordNumber: family?.record.record_number ?? '',
      municipalUnit: family?.record.municipal_unit ?? '',
      address: family?.record.address ?? '',
      maritalStatus: maritalLabel(subject),
      deceasedOn: subject.deceased_on ? dmy(subject.deceased_on) : '',
      members,
    };
  }

  /** The fields of an application's certificate as the roll (or the identity check) gives them now. */
  async function draftFields(
    application: ApplicationRow,
    conn: Conn = db,
  ): Promise<CertificateFields> {
    const type = await typeByCode(conn, application.type_code);
    if (!type) throw new NotFoundError();
    const subject = application.subject_person_id
      ? await personById(conn, application.subject_person_id)
      : undefined;
    if (subject) return rollFields(type, subject, conn);
    return {
      fullName: application.subject_name,
      fatherName: '',
      motherName: '',
      birthDate: '',
      birthPlace: '',
      afm: application.subject_afm ?? '',
      recordNumber: '',
      municipalUnit: '',
      address: '',
      maritalStatus: '',
      deceasedOn: '',
      members: [],
    };
  }

  /** Renders, seals and stores the document; records it, in the caller's transaction. */
  async function issueIn(
    trx: Conn,
    application: ApplicationRow,
    type: CertificateTypeRow,
    fields: CertificateFields,
    corrections: Correction[],
    clerkId: number | null,
    saved: string[],
  ): Promise<CertificateRow> {
    const signer = await seal();
    if (!signer) throw new SealUnavailableError('no signing certificate configured');
    const now = deps.clock.now();
    const today = athensDate(now);
    const year = Number(today.slice(0, 4));
    const number = `${year}/${String(await nextNumber(trx, 'certificate', year)).padStart(6, '0')}`;
    const verificationCode = newVerificationCode();
    const validUntil = type.validity_months ? addMonths(today, type.validity_months) : null;
    const pdf = await renderCertificate(deps.config, el, {
      template: type.template,
      title: type.name_el,
      number,
      issuedAt: now,
      validUntil,
      verificationCode,
      purpose: application.purpose,
      fields,
    });
    const sealed = await signer.seal(pdf, {
      reason: el('certificates.document.sealReason', { number }),
      location: deps.config.MUNICIPALITY_NAME_EL,
      name: deps.config.MUNICIPALITY_NAME_EL,
    });
    const fileKey = await deps.documents.save(sealed, 'pdf');
    // Removed again if the transaction does not commit (withStoredFiles).
    saved.push(fileKey);
    const [certificate] = await trx('certificates')
      .insert({
        application_id: application.id,
        type_code: type.code,
        number,
        verification_code: verificationCode,
        holder_name: fields.fullName,
        sealed_by: signer.subject || deps.config.MUNICIPALITY_NAME_EL,
        file_key: fileKey,
        file_sha256: createHash('sha256').update(sealed).digest('hex'),
        file_bytes: sealed.length,
        fields: JSON.stringify(fields),
        corrections: JSON.stringify(corrections),
        issued_at: now,
        issued_by: clerkId,
        valid_until: validUntil,
      })
      .returning<CertificateRow[]>('*');
    const deliveryState: DeliveryState | null =
      application.delivery === 'email'
        ? 'emailed'
        : application.delivery === 'pickup'
          ? 'ready_for_pickup'
          : null;
    await trx('certificate_applications')
      .where({ id: application.id })
      .update({
        status: 'issued',
        delivery_state: deliveryState,
        handled_by: clerkId ?? application.handled_by,
        updated_at: now,
      });
    await addEvent(trx, application.id, 'issued', clerkId);
    if (deliveryState) await addEvent(trx, application.id, deliveryState, clerkId);
    await notify(trx, application, 'issued', {
      attachments:
        application.delivery === 'email'
          ? [
              {
                fileName: `${application.reference}.pdf`,
                documentKey: fileKey,
                contentType: 'application/pdf',
              },
            ]
          : undefined,
    });
    return certificate!;
  }

  /** The applicant's email about a change (in the transaction: it leaves only if the change commits). */
  async function notify(
    trx: Conn,
    application: ApplicationRow,
    what: string,
    extra: {
      reason?: string;
      attachments?: { fileName: string; documentKey: string; contentType: string }[];
    } = {},
  ): Promise<void> {
    if (!application.user_id) return;
    const user = await trx<UserRow>('users').where({ id: application.user_id }).first();
    if (!user?.email) return;
    const type = await typeByCode(trx, application.type_code);
    await deps.mailer.send(
      'certificate-update',
      { email: user.email, lang: user.lang },
      {
        fullName: user.full_name,
        reference: application.reference,
        typeName: user.lang === 'en' ? type?.name_en : type?.name_el,
        what,
        delivery: application.delivery,
        reason: extra.reason ?? '',
        link: `${deps.config.baseUrl}/certificates/${application.reference}`,
      },
      trx,
      extra.attachments ? { attachments: extra.attachments } : {},
    );
  }

  /** Locks an application for a change, or says why it cannot change. */
  /** What a phone step already applied for (the provider sent it again): the caller's own. */
  async function madeAtStep(step: string, userId: number): Promise<ApplyResult | undefined> {
    const row = (await db('certificate_applications')
      .where({ phone_step: step, user_id: userId })
      .first()) as ApplicationRow | undefined;
    return row && { ok: true, application: row, issued: row.status === 'issued' };
  }

  async function lockApplication(trx: Conn, id: number): Promise<ApplicationRow> {
    const application = await trx<ApplicationRow>('certificate_applications')
      .where({ id })
      .forUpdate()
      .first();
    if (!application) throw new NotFoundError();
    return application;
  }

  return {
    /** Loads the seal now (at start) rather than at the first issue. */
    seal,

    draftFields,

    /**
     * A verified citizen's application (web, or the phone portal's option 1). Instant types are
     * issued in the same transaction; a no-debt certificate is refused, with what is owed, when
     * anything is overdue.
     */
    async apply(input: ApplyInput, context: AuditContext = {}): Promise<ApplyResult> {
      const { user } = input;
      if (!user.identity_verified_at || !user.afm)
        throw new ForbiddenError('certificates.errors.notVerified');
      const made = input.phoneStep ? await madeAtStep(input.phoneStep, user.id) : undefined;
      if (made) return made;
      const errors: FieldError[] = [];
      const type = input.typeCode ? await typeByCode(db, input.typeCode) : undefined;
      if (!type || !type.active)
        errors.push({ field: 'type', key: 'certificates.errors.typeRequired' });
      else if (type.fee_cents > 0)
        errors.push({ field: 'type', key: 'certificates.errors.feeNotOnline' });
      else if (input.channel === 'phone' && !type.by_phone)
        errors.push({ field: 'type', key: 'certificates.errors.notByPhone' });
      const purpose = (input.purpose ?? '').trim();
      if (purpose.length > PURPOSE_MAX)
        errors.push({
          field: 'purpose',
          key: 'certificates.errors.purposeTooLong',
          params: { max: PURPOSE_MAX },
        });
      const delivery = input.delivery as DeliveryMethod;
      if (type && !type.delivery_methods.includes(delivery))
        errors.push({ field: 'delivery', key: 'certificates.errors.deliveryRequired' });
      const postAddress = (input.postAddress ?? '').trim();
      if (delivery === 'post' && !postAddress)
        errors.push({ field: 'postAddress', key: 'certificates.errors.postAddressRequired' });
      if (postAddress.length > POST_ADDRESS_MAX)
        errors.push({
          field: 'postAddress',
          key: 'certificates.errors.postAddressTooLong',
          params: { max: POST_ADDRESS_MAX },
        });
      const own = await personByAfm(db, user.afm);
      let subject: RollPerson | undefined;
      if (type && type.template !== 'no_debt') {
        // Struck off the roll: no longer the municipality's to certify, nor their old family's.
        if (!onTheRoll(own))
          errors.push({ field: 'subject', key: 'certificates.errors.notOnRoll' });
        else if (input.subject === 'self') subject = own;
        else {
          const other = await personById(db, input.subject);
          // Someone else only when on the applicant's own family record and the type allows it;
          // any other person is answered alike, so ids tell nothing.
          if (
            type.who !== 'family' ||
            !other ||
            other.record_id !== own.record_id ||
            other.struck_off_on
          )
            errors.push({ field: 'subject', key: 'certificates.errors.subjectNotAllowed' });
          else if (!certifiableAbout(type, other))
            errors.push({ field: 'subject', key: 'certificates.errors.subjectDeceased' });
          else subject = other;
        }
      } else if (type && input.subject !== 'self')
        errors.push({ field: 'subject', key: 'certificates.errors.subjectNotAllowed' });
      if (errors.length || !type) throw new ValidationError(errors);

      if (type.template === 'no_debt') {
        const status = await options.debtStatus(user.afm);
        if (!status.clear) return { ok: false, owes: status };
      }
      const now = deps.clock.now();
      const feast = await localFeast(deps);
      const deadline =
        type.issue_mode === 'instant' ? athensDate(now) : dueDate(now, type.deadline_days, feast);
      const applying = withStoredFiles(deps, (saved) =>
        db.transaction(async (trx) => {
          const year = Number(athensDate(now).slice(0, 4));
          const reference = `CRT-${year}-${String(await nextNumber(trx, 'application', year)).padStart(6, '0')}`;
          const [row] = await trx('certificate_applications')
            .insert({
              reference,
              user_id: user.id,
              type_code: type.code,
              // No-debt is about the applicant: their own person on the roll, when they are on it,
              // gives the father's name the certificate prints.
              subject_person_id:
                subject?.id ?? (type.template === 'no_debt' ? (own?.id ?? null) : null),
              applicant_person_id: own?.id ?? null,
              subject_afm: type.template === 'no_debt' ? user.afm : (subject?.afm ?? null),
              subject_name: subject ? fullNameOf(subject) : own ? fullNameOf(own) : user.full_name,
              purpose: purpose || null,
              delivery,
              post_address: delivery === 'post' ? postAddress : null,
              channel: input.channel,
              phone_step: input.phoneStep ?? null,
              lang: user.lang,
              deadline,
              created_at: now,
              updated_at: now,
            })
            .returning<ApplicationRow[]>('*');
          const application = row!;
          await addEvent(trx, application.id, 'submitted', user.id);
          await auditApplication(
            trx,
            'certificates.applied',
            application,
            { userId: user.id, context },
            { type: type.code, channel: input.channel, delivery },
          );
          if (type.issue_mode === 'instant') {
            const fields = await draftFields(application, trx);
            await issueIn(trx, application, type, fields, [], null, saved);
            // Issued by nobody: the portal, from the roll.
            await auditApplication(
              trx,
              'certificates.issued',
              application,
              { userId: null, context },
              { instant: true },
            );
          } else await notify(trx, application, 'submitted');
          return application;
        }),
      );
      let application: ApplicationRow;
      try {
        application = await applying;
      } catch (error) {
        // The same phone step at the same moment: the other one applied.
        const made =
          input.phoneStep && isUniqueViolation(error)
            ? await madeAtStep(input.phoneStep, user.id)
            : undefined;
        if (made) return made;
        throw error;
      }
      const fresh = (await applicationById(db, application.id))!;
      return { ok: true, application: fresh, issued: fresh.status === 'issued' };
    },

    /** A clerk takes an application on (the citizen sees "in progress"). */
    async startWork(id: number, actor: Actor): Promise<void> {
      await db.transaction(async (trx) => {
        const application = await lockApplication(trx, id);
        if (application.status !== 'submitted')
          throw new ConflictError('certificates.errors.alreadyHandled');
        await trx('certificate_applications').where({ id }).update({
          status: 'in_progress',
          handled_by: actor.userId,
          updated_at: deps.clock.now(),
        });
        await addEvent(trx, id, 'in_progress', actor.userId);
        await auditApplication(trx, 'certificates.started', application, actor);
        await notify(trx, application, 'in_progress');
      });
    },

    /**
     * A clerk issues: the fields from the roll, with the clerk's corrections (each with a reason,
     * audited). Twice at once: the second finds it issued (the row lock) and is told so.
     */
    async issue(id: number, corrections: CorrectionInput[], actor: Actor): Promise<CertificateRow> {
      const errors: FieldError[] = [];
      const accepted: Correction[] = [];
      return withStoredFiles(deps, (saved) =>
        db.transaction(async (trx) => {
          const application = await lockApplication(trx, id);
          if (application.status !== 'submitted' && application.status !== 'in_progress')
            throw new ConflictError('certificates.errors.alreadyHandled');
          const type = (await typeByCode(trx, application.type_code))!;
          const fields = await draftFields(application, trx);
          const allowed = new Set<string>(TEMPLATE_FIELDS[type.template]);
          for (const correction of corrections) {
            if (
              !(CORRECTABLE_FIELDS as readonly string[]).includes(correction.field) ||
              !allowed.has(correction.field)
            )
              continue;
            const field = correction.field as CorrectableField;
            const value = correction.value.trim();
            if (value === fields[field]) continue;
            const reason = correction.reason.trim();
            if (!value)
              errors.push({ field: `fields.${field}`, key: 'certificates.errors.valueRequired' });
            else if (field === 'birthDate' && !isRealDmy(value))
              errors.push({ field: `fields.${field}`, key: 'certificates.errors.dateInvalid' });
            else if (value.length > 200)
              errors.push({
                field: `fields.${field}`,
                key: 'certificates.errors.valueTooLong',
                params: { max: 200 },
              });
            if (!reason)
              errors.push({
                field: `reasons.${field}`,
                key: 'certificates.errors.correctionReasonRequired',
              });
            else if (reason.length > REASON_MAX)
              errors.push({
                field: `reasons.${field}`,
                key: 'certificates.errors.reasonTooLong',
                params: { max: REASON_MAX },
              });
            accepted.push({ field, from: fields[field], to: value, reason });
          }
          if (errors.length) throw new ValidationError(errors);
          // The holder's own line in the members' table says what the corrected fields say.
          const own = fields.members.find(
            (m) => m.name === fields.fullName && m.birthDate === fields.birthDate,
          );
          for (const correction of accepted)
            fields[correction.field as CorrectableField] = correction.to;
          if (own) {
            own.name = fields.fullName;
            own.fatherName = fields.fatherName;
            own.birthDate = fields.birthDate;
            own.birthPlace = fields.birthPlace;
          }
          const certificate = await issueIn(
            trx,
            application,
            type,
            fields,
            accepted,
            actor.userId,
            saved,
          );
          await auditApplication(trx, 'certificates.issued', application, actor, {
            number: certificate.number,
          });
          for (const correction of accepted)
            await auditApplication(trx, 'certificates.corrected', application, actor, {
              ...correction,
            });
          return certificate;
        }),
      );
    },

    async reject(id: number, reason: string, actor: Actor): Promise<void> {
      const text = requiredReason(reason);
      await db.transaction(async (trx) => {
        const application = await lockApplication(trx, id);
        if (application.status !== 'submitted' && application.status !== 'in_progress')
          throw new ConflictError('certificates.errors.alreadyHandled');
        await trx('certificate_applications').where({ id }).update({
          status: 'rejected',
          rejection_reason: text,
          handled_by: actor.userId,
          updated_at: deps.clock.now(),
        });
        await addEvent(trx, id, 'rejected', actor.userId, text);
        await auditApplication(trx, 'certificates.rejected', application, actor, { reason: text });
        await notify(trx, application, 'rejected', { reason: text });
      });
    },

    /** Posted (delivery by post), ready at the ΚΕΠ or handed over (pick-up). */
    async markDelivery(
      id: number,
      state: 'posted' | 'ready_for_pickup' | 'handed_over',
      actor: Actor,
    ): Promise<void> {
      await db.transaction(async (trx) => {
        const application = await lockApplication(trx, id);
        const fits =
          application.status === 'issued' &&
          ((state === 'posted' &&
            application.delivery === 'post' &&
            application.delivery_state === null) ||
            (state === 'ready_for_pickup' &&
              application.delivery === 'pickup' &&
              application.delivery_state === null) ||
            (state === 'handed_over' &&
              application.delivery === 'pickup' &&
              application.delivery_state === 'ready_for_pickup'));
        // A revoked certificate is not sent or handed over (a page open since then may still offer it).
        const certificate = fits ? await certificateOfApplication(trx, id) : undefined;
        if (!fits || !certificate || certificate.revoked_at)
          throw new ConflictError('certificates.errors.deliveryNotPossible');
        await trx('certificate_applications')
          .where({ id })
          .update({ delivery_state: state, updated_at: deps.clock.now() });
        await addEvent(trx, id, state, actor.userId);
        await auditApplication(trx, 'certificates.delivery', application, actor, { state });
        await notify(trx, application, state);
      });
    },

    /** Revokes an issued certificate: /verify says "revoked" from now on. */
    async revoke(id: number, reason: string, actor: Actor): Promise<void> {
      const text = requiredReason(reason);
      await db.transaction(async (trx) => {
        const application = await lockApplication(trx, id);
        const revoked = await trx('certificates')
          .where({ application_id: id })
          .whereNull('revoked_at')
          .update({
            revoked_at: deps.clock.now(),
            revoked_by: actor.userId,
            revocation_reason: text,
          });
        if (!revoked) throw new ConflictError('certificates.errors.notRevocable');
        await addEvent(trx, id, 'revoked', actor.userId, text);
        await auditApplication(trx, 'certificates.revoked', application, actor, { reason: text });
        await notify(trx, application, 'revoked', { reason: text });
      });
      // Its kept verification pages go at once here (other processes hear of it by NOTIFY).
      deps.workCache.invalidate();
    },

    /** What /verify/<code> shows, or undefined for a code nobody has. */
    async verify(code: string): Promise<Verification | undefined> {
      // One look-up: the certificate with its type (the page is public and busy).
      const row = await db('certificates as c')
        .join('certificate_types as t', 't.code', 'c.type_code')
        .where('c.verification_code', code)
        .first<(CertificateRow & { type: CertificateTypeRow }) | undefined>(
          'c.*',
          db.raw('to_jsonb(t) AS type'),
        );
      if (!row) return undefined;
      const { type, ...certificate } = row;
      const today = athensDate(deps.clock.now());
      const status = certificate.revoked_at
        ? 'revoked'
        : certificate.valid_until && certificate.valid_until < today
          ? 'expired'
          : 'valid';
      return { status, certificate, type, holderMasked: maskName(certificate.holder_name) };
    },

    certificateOf: (applicationId: number) => certificateOfApplication(db, applicationId),

    /** Whom a verified citizen may name as a type's subject (before a type: any it may allow). */
    subjectsOf: (afm: string, type: Pick<CertificateTypeRow, 'who' | 'template'> | undefined) =>
      subjectsOf(db, afm, type),

    /** The types that may be asked for by phone (the phone portal's option 1), in order. */
    phoneTypes: () => phoneTypes(db),
  };
}

export { SealUnavailableError };
