import ejs from 'ejs';
import path from 'node:path';
import type { TFunction } from '../../lib/i18n.ts';
import type { Lang } from '../../lib/localized.ts';
import type { OutgoingMail } from './mail-queue.ts';

/** The HTML frame every mail is written in. */
const LAYOUT = path.resolve('views', 'emails', 'layout.html.ejs');

export interface EmailContext {
  lang: Lang;
  t: TFunction;
  municipality: string;
  baseUrl: string;
  contactPhone: string;
}

/**
 * Renders one email in the recipient's language: <folder>/<name>.html.ejs inside the HTML
 * layout, and <name>.txt.ejs as the plain-text part.
 */
export async function renderEmail(
  folder: string,
  name: string,
  to: string,
  context: EmailContext,
  data: Record<string, unknown>,
): Promise<OutgoingMail> {
  const locals = {
    ...data,
    t: context.t,
    lang: context.lang,
    municipality: context.municipality,
    baseUrl: context.baseUrl,
    contactPhone: context.contactPhone,
  };
  const subject = context.t(`emails.${name}.subject`, {
    ...data,
    municipality: context.municipality,
  });
  const body = await ejs.renderFile(path.join(folder, `${name}.html.ejs`), locals, {
    cache: true,
  });
  const html = await ejs.renderFile(LAYOUT, { ...locals, subject, body }, { cache: true });
  const text = await ejs.renderFile(path.join(folder, `${name}.txt.ejs`), locals, {
    cache: true,
    escape: (s: unknown) => String(s),
  });
  return {
    to,
    subject,
    html,
    text: `${text.trim()}\n\n-- \n${context.municipality}\n${context.baseUrl}\n`,
  };
}
