import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import type { FieldError } from '../../lib/errors.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import { parseForm } from '../../lib/forms.ts';
import { formatPhone, toE164 } from '../../lib/phone.ts';
import {
  backLinks,
  discardFiles,
  draftOf,
  missingStep,
  type DraftDetails,
  type DraftFile,
  type KepBookingDraft,
} from './book-draft.ts';
import { FILE_FIELD, KEP_FILE_MAX_BYTES, KEP_MAX_FILES } from './book-upload.ts';
import type { Delivery } from './booking.service.ts';
import { readKepSettings } from './kep.settings.ts';

// The details step: the person's details, their needs and their documents

const DELIVERIES: readonly Delivery[] = ['email', 'post', 'pickup'];

const DETAIL_FIELDS = [
  'fullName',
  'email',
  'phone',
  'postalAddress',
  'delivery',
  'signLanguage',
  'lipReading',
  'needsOther',
  'otherText',
  'dropFiles',
] as const;

const detailsSchema = z
  .object({
    fullName: z
      .string()
      .trim()
      .min(1, 'kep.book.errors.fullNameRequired')
      .max(200, 'kep.book.errors.fullNameTooLong')
      .refine((v) => /\p{L}/u.test(v), 'kep.book.errors.fullNameRequired'),
    email: z
      .string()
      .trim()
      .min(1, 'kep.book.errors.emailRequired')
      .max(254, 'kep.book.errors.emailFormat')
      .pipe(z.email('kep.book.errors.emailFormat')),
    phone: z
      .string()
      .trim()
      .min(1, 'kep.book.errors.phoneRequired')
      .max(40, 'kep.book.errors.phoneFormat')
      .refine((v) => toE164(v) !== undefined, 'kep.book.errors.phoneFormat'),
    postalAddress: z.string().trim().max(300, 'kep.book.errors.postalAddressTooLong'),
    delivery: z.enum(DELIVERIES as [Delivery, ...Delivery[]], 'kep.book.errors.deliveryRequired'),
    signLanguage: z.string(),
    lipReading: z.string(),
    needsOther: z.string(),
    otherText: z.string().trim().max(1000, 'kep.book.errors.otherTextTooLong'),
  })
  .superRefine((form, ctx) => {
    if (form.delivery === 'post' && !form.postalAddress)
      ctx.addIssue({
        code: 'custom',
        path: ['postalAddress'],
        message: 'kep.book.errors.postalAddressRequired',
      });
    if (form.needsOther === 'yes' && !form.otherText)
      ctx.addIssue({
        code: 'custom',
        path: ['otherText'],
        message: 'kep.book.errors.otherTextRequired',
      });
  });

type DetailsForm = Record<(typeof DETAIL_FIELDS)[number], string>;

function formOfDetails(details: DraftDetails): DetailsForm {
  return {
    fullName: details.fullName,
    email: details.email,
    phone: details.phone,
    postalAddress: details.postalAddress,
    delivery: details.delivery,
    signLanguage: details.signLanguage ? 'yes' : '',
    lipReading: details.lipReading ? 'yes' : '',
    needsOther: details.needsOther ? 'yes' : '',
    otherText: details.otherText,
    dropFiles: '',
  };
}

/** What the details form starts with: the draft's, else the account's (the name from TaxisNet). */
function initialDetails(req: Request, draft: KepBookingDraft): DetailsForm {
  if (draft.details) return formOfDetails(draft.details);
  const user = req.user!;
  const address = [
    [user.address_street, user.address_number].filter(Boolean).join(' '),
    [user.address_postcode, user.address_city].filter(Boolean).join(' '),
  ]
    .filter(Boolean)
    .join(', ');
  return formOfDetails({
    fullName: user.full_name,
    email: user.email,
    phone: user.phone_e164 ? formatPhone(user.phone_e164) : '',
    postalAddress: address,
    delivery: 'email',
    signLanguage: false,
    lipReading: false,
    needsOther: false,
    otherText: '',
  });
}

export async function renderDetails(
  deps: Deps,
  req: Request,
  res: Response,
  form: { values?: DetailsForm; errors?: FieldError[] } = {},
): Promise<void> {
  const draft = draftOf(req);
  const missing = missingStep(draft, 'details');
  if (missing) {
    res.redirect(303, missing);
    return;
  }
  const errors = form.errors ?? [];
  // The form's privacy notice says when the needs and documents are erased.
  const { retentionDays } = await readKepSettings(deps);
  res.status(errors.length ? 400 : 200).render('kep/views/book-details', {
    pageTitle: req.t('kep.book.details.title'),
    values: form.values ?? initialDetails(req, draft),
    files: (draft.files ?? []).map((file) => ({
      name: file.fileName,
      kb: Math.max(1, Math.round(file.size / 1024)),
    })),
    maxFiles: KEP_MAX_FILES,
    maxMegabytes: KEP_FILE_MAX_BYTES / (1024 * 1024),
    retentionDays,
    ...backLinks(req, '/kep/book/time'),
    ...presentErrors(req, errors),
  });
}

export function saveDetails(deps: Deps): RequestHandler {
  return async (req, res) => {
    const draft = draftOf(req);
    const missing = missingStep(draft, 'details');
    if (missing) {
      res.redirect(303, missing);
      return;
    }
    const values = formFields(req.body, DETAIL_FIELDS);
    const parsed = parseForm(detailsSchema, values);
    const uploaded = res.locals.kepFiles ?? [];
    const kept = values.dropFiles === 'yes' ? [] : (draft.files ?? []);
    const errors: FieldError[] = parsed.ok ? [] : [...parsed.errors];
    if (res.locals.kepFilesError) errors.push(res.locals.kepFilesError);
    else if (kept.length + uploaded.length > KEP_MAX_FILES)
      errors.push({
        field: FILE_FIELD,
        key: 'kep.book.errors.tooManyFiles',
        params: { max: KEP_MAX_FILES },
      });
    // A browser never sends a chosen file again: say so when the form comes back with files lost.
    if (errors.length && uploaded.length && !errors.some((e) => e.field === FILE_FIELD))
      errors.push({ field: FILE_FIELD, key: 'kep.book.errors.filesAgain' });
    if (errors.length || !parsed.ok) return renderDetails(deps, req, res, { values, errors });
    const form = parsed.data;
    if (values.dropFiles === 'yes') await discardFiles(deps, draft);
    const stored: DraftFile[] = [];
    for (const file of uploaded)
      stored.push({
        key: await deps.documents.save(file.content, file.extension),
        fileName: file.fileName,
        contentType: file.contentType,
        size: file.content.length,
      });
    draft.files = [...kept, ...stored];
    draft.details = {
      fullName: form.fullName,
      email: form.email,
      phone: form.phone,
      postalAddress: form.postalAddress,
      delivery: form.delivery,
      signLanguage: form.signLanguage === 'yes',
      lipReading: form.lipReading === 'yes',
      needsOther: form.needsOther === 'yes',
      otherText: form.needsOther === 'yes' ? form.otherText : '',
    };
    res.redirect(303, '/kep/book/check');
  };
}
