import type { TFunction } from '../../../lib/i18n.ts';

/** The screenshots the manual shows, as `npm run manual:screenshots` names them (`<shot>-<lang>.png`). */
export const MANUAL_SHOTS = [
  'kep',
  'book-time',
  'book-check',
  'appointments',
  'appointment',
  'call',
  'call-phone',
] as const;
export type ManualShot = (typeof MANUAL_SHOTS)[number];

/**
 * What a section is made of; keys are under `kep.manual.sections.<section id>.`. A list's key names
 * an object of strings in the locale files, shown in their order.
 */
type Block =
  | { kind: 'paragraph'; key: string }
  | { kind: 'subheading'; key: string }
  | { kind: 'bullets' | 'steps'; key: string }
  | { kind: 'link'; key: string; href: string }
  | { kind: 'figure'; shot: ManualShot };

interface Section {
  id: string;
  blocks: readonly Block[];
}

const p = (key: string): Block => ({ kind: 'paragraph', key });
const h3 = (key: string): Block => ({ kind: 'subheading', key });
const bullets = (key: string): Block => ({ kind: 'bullets', key });
const steps = (key: string): Block => ({ kind: 'steps', key });
const figure = (shot: ManualShot): Block => ({ kind: 'figure', shot });

/** The manual, one section per topic, in reading order. */
export const MANUAL_SECTIONS: readonly Section[] = [
  { id: 'what-you-need', blocks: [p('intro'), bullets('items'), p('noApp')] },
  { id: 'taxisnet', blocks: [p('intro'), steps('steps'), p('password'), p('codes')] },
  {
    id: 'booking',
    blocks: [
      p('intro'),
      figure('kep'),
      steps('steps'),
      figure('book-time'),
      figure('book-check'),
      p('taken'),
      p('limit'),
    ],
  },
  { id: 'emails', blocks: [p('intro'), bullets('items'), p('personal')] },
  {
    id: 'joining',
    blocks: [
      p('when'),
      steps('steps'),
      figure('call'),
      h3('phoneHeading'),
      bullets('phone'),
      figure('call-phone'),
      h3('computerHeading'),
      bullets('computer'),
      h3('permissionsHeading'),
      p('permissionsIntro'),
      bullets('permissions'),
      p('noScript'),
    ],
  },
  { id: 'identity', blocks: [p('show'), p('kept'), p('account'), p('failed')] },
  { id: 'sound-only', blocks: [p('consent'), p('clerk'), p('camera')] },
  { id: 'helper', blocks: [p('intro'), steps('steps'), p('seen')] },
  {
    id: 'changing',
    blocks: [
      p('intro'),
      bullets('ways'),
      figure('appointments'),
      figure('appointment'),
      p('reschedule'),
      p('cancel'),
      p('again'),
      p('late'),
    ],
  },
  {
    id: 'privacy',
    blocks: [
      p('nothing'),
      p('keptIntro'),
      bullets('kept'),
      p('who'),
      { kind: 'link', key: 'notice', href: '/privacy' },
    ],
  },
  { id: 'help', blocks: [p('call'), p('callBack'), p('taxisnet')] },
];

/** Text with its links: the phone number (tel:) and the email (mailto:) in the help section. */
export interface TextPart {
  text: string;
  href?: string;
}

export type ManualBlock =
  | { kind: 'paragraph'; parts: TextPart[] }
  | { kind: 'subheading'; text: string }
  | { kind: 'bullets' | 'steps'; items: TextPart[][] }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'figure'; shot: ManualShot; alt: string; caption: string };

export interface ManualSection {
  id: string;
  heading: string;
  blocks: ManualBlock[];
}

/** The values the manual's text names: the ΚΕΠ's settings and the municipality's contacts. */
export interface ManualFacts {
  phone: string;
  email: string;
  hours: string;
  retentionDays: number;
  firstReminderMinutes: number;
  secondReminderMinutes: number;
  maxFiles: number;
  maxActive: number;
  /** A confirmed identity check on camera marks the account identity-verified. */
  verifiesIdentity: boolean;
}

/** How long, in words: "1 day", "2 hours", "30 minutes". */
function duration(t: TFunction, minutes: number): string {
  if (minutes % 1440 === 0) return t('kep.manual.duration.days', { count: minutes / 1440 });
  if (minutes % 60 === 0) return t('kep.manual.duration.hours', { count: minutes / 60 });
  return t('kep.manual.duration.minutes', { count: minutes });
}

/** A character no translation has: it marks where a link goes in a sentence. */
const MARK = '\u0001';

/** The manual in the language of `t`: every heading, sentence and screenshot's alt text. */
export function manualSections(t: TFunction, facts: ManualFacts): ManualSection[] {
  const values = {
    phone: facts.phone,
    email: facts.email,
    hours: facts.hours,
    days: facts.retentionDays,
    firstReminder: duration(t, facts.firstReminderMinutes),
    secondReminder: duration(t, facts.secondReminderMinutes),
    maxFiles: facts.maxFiles,
    maxActive: facts.maxActive,
  };
  const links: Record<string, string> = {
    phone: `tel:${facts.phone.replace(/[^+\d]/g, '')}`,
    email: `mailto:${facts.email}`,
  };
  // A phone number is not broken across lines.
  const phoneText = facts.phone.replace(/ /g, '\u00a0');
  /** A sentence, split where the phone number or the email goes, each of them a link. */
  const parts = (key: string): TextPart[] => {
    const marked = t(key, {
      ...values,
      phone: `${MARK}phone${MARK}`,
      email: `${MARK}email${MARK}`,
    });
    return marked
      .split(MARK)
      .map((text, i) =>
        i % 2 === 1 && links[text]
          ? { text: text === 'phone' ? phoneText : facts.email, href: links[text] }
          : { text },
      )
      .filter((part) => part.text !== '');
  };
  return MANUAL_SECTIONS.map((section) => {
    const base = `kep.manual.sections.${section.id}`;
    const blocks = section.blocks.map((block): ManualBlock => {
      switch (block.kind) {
        case 'paragraph': {
          // The identity check's paragraph on the account follows the server's setting.
          const key =
            section.id === 'identity' && block.key === 'account'
              ? `account${facts.verifiesIdentity ? 'Verified' : 'NotVerified'}`
              : block.key;
          return { kind: 'paragraph', parts: parts(`${base}.${key}`) };
        }
        case 'subheading':
          return { kind: 'subheading', text: t(`${base}.${block.key}`, values) };
        case 'bullets':
        case 'steps': {
          const list = t(`${base}.${block.key}`, { returnObjects: true }) as unknown as Record<
            string,
            string
          >;
          const items = Object.keys(list).map((item) => parts(`${base}.${block.key}.${item}`));
          return { kind: block.kind, items };
        }
        case 'link':
          return { kind: 'link', text: t(`${base}.${block.key}`, values), href: block.href };
        case 'figure':
          return {
            kind: 'figure',
            shot: block.shot,
            alt: t(`kep.manual.figures.${block.shot}.alt`),
            caption: t(`kep.manual.figures.${block.shot}.caption`),
          };
      }
    });
    return { id: section.id, heading: t(`${base}.heading`), blocks };
  });
}

/** A sentence's text without its links (for the PDF). */
export const plainText = (parts: readonly TextPart[]): string =>
  parts.map((part) => part.text).join('');
