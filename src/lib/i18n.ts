import i18next, { type TFunction } from 'i18next';
import type { LocaleTree } from '../features/module.ts';
import type { Lang } from './localized.ts';

export type { TFunction };

/** One i18next instance for the process, with every module's strings (merged by the registry). */
export function createI18n(resources: Record<Lang, LocaleTree>): { t: (lang: Lang) => TFunction } {
  const instance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    lng: 'el',
    fallbackLng: 'el',
    supportedLngs: ['el', 'en'],
    resources: { el: { translation: resources.el }, en: { translation: resources.en } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const fixed = { el: memoize(instance.getFixedT('el')), en: memoize(instance.getFixedT('en')) };
  return { t: (lang) => fixed[lang] };
}

/**
 * A page asks for dozens of strings, mostly the same ones with the same values: answer repeats
 * from a map (bounded: emptied when it grows past a few thousand entries).
 */
function memoize(t: TFunction): TFunction {
  const seen = new Map<string, string>();
  const call = t as (key: string | string[], options?: unknown) => string;
  const memoized = (key: string | string[], options?: unknown): string => {
    if (typeof key !== 'string') return call(key, options);
    const cacheKey = options === undefined ? key : `${key}\u0000${JSON.stringify(options)}`;
    let text = seen.get(cacheKey);
    if (text === undefined) {
      text = call(key, options);
      if (seen.size > 5000) seen.clear();
      seen.set(cacheKey, text);
    }
    return text;
  };
  return memoized as unknown as TFunction;
}
