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
  const fixed = { el: memoize(instance.getFixedT('el')), en: memoize(instance.getFixedT('en')) };
  return { t: (lang) => fixed[lang] };
}

/** Plain look-ups (no interpolation) are most of a page's strings: answer them from a map. */
function memoize(t: TFunction): TFunction {
  const plain = new Map<string, string>();
  const memoized = (key: string | string[], options?: unknown): string => {
    if (options === undefined && typeof key === 'string') {
      let text = plain.get(key);
      if (text === undefined) {
        text = t(key);
        plain.set(key, text);
      }
      return text;
    }
    return (t as (k: string | string[], o?: unknown) => string)(key, options);
  };
  return memoized as unknown as TFunction;
}
