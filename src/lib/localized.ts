export type Lang = 'el' | 'en';
export const LANGS: readonly Lang[] = ['el', 'en'];
export type Localized = Partial<Record<Lang, string>>;

/** The text in the page's language, falling back to Greek (the content's original language). */
export function pick(value: Localized | null | undefined, lang: Lang): string {
  if (!value) return '';
  return value[lang] || value.el || '';
}
