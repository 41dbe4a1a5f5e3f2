import i18next, { type TFunction } from 'i18next';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Lang } from './localized.ts';

export type { TFunction };

const load = (lang: Lang) =>
  JSON.parse(readFileSync(path.resolve('locales', `${lang}.json`), 'utf8')) as Record<
    string,
    unknown
  >;

/** One i18next instance for the process; every visible string comes from locales/<lang>.json. */
export function createI18n(): { t: (lang: Lang) => TFunction } {
  const instance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    lng: 'el',
    fallbackLng: 'el',
    supportedLngs: ['el', 'en'],
    resources: { el: { translation: load('el') }, en: { translation: load('en') } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const fixed = { el: instance.getFixedT('el'), en: instance.getFixedT('en') };
  return { t: (lang) => fixed[lang] };
}
