import QRCode from 'qrcode';
import type { Config } from '../../config.ts';
import type { TFunction } from '../../lib/i18n.ts';
import { formatDate } from '../../lib/format.ts';
import { letterheadOf, renderDocumentPdf, type PdfBlock } from '../../lib/pdf.ts';
import { formatVerificationCode } from './verification-code.ts';

export type Template = 'registration' | 'family_status' | 'next_of_kin' | 'residence' | 'no_debt';

/** A family member as a certificate lists them. */
export interface MemberLine {
  name: string;
  relation: string;
  fatherName: string;
  birthDate: string;
  birthPlace: string;
  /** "deceased 03/04/2024", or ''. */
  note: string;
}

/**
 * What a certificate prints about its holder, as text (dates already written out). Filled from
 * the roll (or, for no-debt, the identity check and debtStatus); the fields a clerk may correct
 * are the scalar ones, each correction with a reason.
 */
export interface CertificateFields {
  fullName: string;
  fatherName: string;
  motherName: string;
  birthDate: string;
  birthPlace: string;
  afm: string;
  recordNumber: string;
  municipalUnit: string;
  address: string;
  maritalStatus: string;
  /** '' unless the holder has died (next of kin). */
  deceasedOn: string;
  members: MemberLine[];
}

export const CORRECTABLE_FIELDS = [
  'fullName',
  'fatherName',
  'motherName',
  'birthDate',
  'birthPlace',
  'recordNumber',
  'municipalUnit',
  'address',
  'maritalStatus',
] as const satisfies readonly (keyof CertificateFields)[];
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

/** The fields each template prints (the clerk's form shows these). */
export const TEMPLATE_FIELDS: Record<Template, readonly CorrectableField[]> = {
  registration: [
    'fullName',
    'fatherName',
    'motherName',
    'birthDate',
    'birthPlace',
    'recordNumber',
    'municipalUnit',
  ],
  family_status: [
    'fullName',
    'fatherName',
    'motherName',
    'birthDate',
    'birthPlace',
    'recordNumber',
    'municipalUnit',
    'maritalStatus',
  ],
  next_of_kin: [
    'fullName',
    'fatherName',
    'motherName',
    'birthDate',
    'recordNumber',
    'municipalUnit',
  ],
  residence: ['fullName', 'fatherName', 'birthDate', 'recordNumber', 'municipalUnit', 'address'],
  no_debt: ['fullName', 'fatherName'],
};

export interface CertificateDocument {
  template: Template;
  /** The type's Greek name, the document's title. */
  title: string;
  number: string;
  issuedAt: Date;
  /** 'YYYY-MM-DD', or null: no expiry. */
  validUntil: string | null;
  verificationCode: string;
  purpose: string | null;
  fields: CertificateFields;
}

/**
 * The certificate as an A4 PDF on the municipality's letterhead, in Greek: the type's text filled
 * from the fields, the issue number and date, its validity, the verification code and a QR code
 * for <BASE_URL>/verify/<code>. Sealed afterwards (signing/signer.ts).
 */
export async function renderCertificate(
  config: Readonly<Config>,
  t: TFunction,
  document: CertificateDocument,
): Promise<Buffer> {
  const code = formatVerificationCode(document.verificationCode);
  const verifyUrl = `${config.baseUrl}/verify/${code}`;
  const qr = qrCells(verifyUrl);
  const f = document.fields;
  const k = (key: string, params?: Record<string, unknown>) =>
    t(`certificates.document.${key}`, params);
  const municipality = config.MUNICIPALITY_NAME_EL;
  const blocks: PdfBlock[] = [
    { kind: 'heading', text: document.title },
    {
      kind: 'facts',
      rows: [
        [k('number'), document.number],
        [k('issuedAt'), formatDate(isoDay(document.issuedAt), 'el')],
        [
          k('validUntil'),
          document.validUntil ? formatDate(document.validUntil, 'el') : k('noExpiry'),
        ],
      ],
    },
  ];
  const person = (): [string, string][] => [
    [k('fullName'), f.fullName],
    [k('fatherName'), f.fatherName || '—'],
    [k('motherName'), f.motherName || '—'],
    [k('birth'), [f.birthDate, f.birthPlace].filter(Boolean).join(', ') || '—'],
  ];
  const membersTable = (): PdfBlock => ({
    kind: 'table',
    columns: [
      { header: k('members.name'), width: 3 },
      {
        header: k(
          document.template === 'next_of_kin' ? 'members.relationToHolder' : 'members.relation',
        ),
        width: 1.6,
      },
      { header: k('members.fatherName'), width: 1.6 },
      { header: k('members.birth'), width: 2.4 },
      { header: k('members.note'), width: 1.6 },
    ],
    rows: f.members.map((m) => [
      m.name,
      m.relation,
      m.fatherName || '—',
      [m.birthDate, m.birthPlace].filter(Boolean).join(', '),
      m.note,
    ]),
  });
  switch (document.template) {
    case 'registration':
      blocks.push({
        kind: 'paragraph',
        text: k('registration.body', {
          municipality,
          unit: f.municipalUnit,
          record: f.recordNumber,
        }),
      });
      blocks.push({
        kind: 'facts',
        rows: [
          ...person(),
          [k('recordNumber'), f.recordNumber],
          [k('municipalUnit'), f.municipalUnit],
        ],
      });
      break;
    case 'family_status':
      blocks.push({
        kind: 'paragraph',
        text: k('familyStatus.body', {
          municipality,
          unit: f.municipalUnit,
          record: f.recordNumber,
        }),
      });
      blocks.push({
        kind: 'facts',
        rows: [
          ...person(),
          [k('maritalStatus'), f.maritalStatus || '—'],
          [k('recordNumber'), f.recordNumber],
        ],
      });
      blocks.push({ kind: 'heading', level: 2, text: k('familyStatus.members') });
      blocks.push(membersTable());
      break;
    case 'next_of_kin':
      blocks.push({
        kind: 'paragraph',
        text: k(f.deceasedOn ? 'nextOfKin.bodyDeceased' : 'nextOfKin.body', {
          municipality,
          record: f.recordNumber,
          deceasedOn: f.deceasedOn,
        }),
      });
      blocks.push({ kind: 'facts', rows: person() });
      blocks.push({ kind: 'heading', level: 2, text: k('nextOfKin.relatives') });
      blocks.push(
        f.members.length ? membersTable() : { kind: 'paragraph', text: k('nextOfKin.none') },
      );
      break;
    case 'residence':
      blocks.push({
        kind: 'paragraph',
        text: k('residence.body', { municipality, unit: f.municipalUnit, address: f.address }),
      });
      blocks.push({
        kind: 'facts',
        rows: [...person(), [k('address'), f.address || '—'], [k('recordNumber'), f.recordNumber]],
      });
      break;
    case 'no_debt':
      blocks.push({
        kind: 'facts',
        rows: [
          [k('fullName'), f.fullName],
          [k('fatherName'), f.fatherName || '—'],
          [k('afm'), f.afm],
        ],
      });
      blocks.push({
        kind: 'paragraph',
        bold: true,
        text: k('noDebt.body', { municipality, date: formatDate(isoDay(document.issuedAt), 'el') }),
      });
      break;
  }
  blocks.push({
    kind: 'paragraph',
    text: document.purpose ? k('purpose', { purpose: document.purpose }) : k('anyLawfulUse'),
  });
  blocks.push({
    kind: 'figure',
    image: { cells: qr },
    size: 92,
    alt: k('qrAlt', { url: verifyUrl }),
    lines: [
      k('verificationCode', { code }),
      k('verifyAt', { url: `${config.baseUrl}/verify` }),
      k('sealed', { municipality }),
    ],
  });
  return renderDocumentPdf({
    lang: 'el',
    title: `${document.title} ${document.number}`,
    author: municipality,
    subject: document.title,
    letterhead: letterheadOf(config, 'el', k('country')),
    blocks,
    pageLabel: (page, pages) => k('page', { page, pages }),
  });
}

/** The QR code's modules, with a quiet zone of two cells around them. */
function qrCells(text: string): boolean[][] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const margin = 2;
  const size = modules.size + 2 * margin;
  return Array.from({ length: size }, (_row, y) =>
    Array.from({ length: size }, (_column, x) => {
      const [mx, my] = [x - margin, y - margin];
      return mx >= 0 && my >= 0 && mx < modules.size && my < modules.size
        ? Boolean(modules.get(my, mx))
        : false;
    }),
  );
}

/** The Athens calendar day of an instant. */
function isoDay(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Athens' }).format(instant);
}
