import type { RequestHandler, Response } from 'express';
import type { Lang } from '../lib/localized.ts';
import type { TFunction } from '../lib/i18n.ts';

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

const isLang = (value: unknown): value is Lang => value === 'el' || value === 'en';

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/**
 * The URL of this page in a language: same path and query, `lang` replaced; without a language,
 * the URL that lets the visitor's cookie (or Greek) decide.
 */
export function languageUrl(originalUrl: string, lang: Lang | undefined): string {
  const url = new URL(originalUrl, 'http://localhost');
  if (lang) url.searchParams.set('lang', lang);
  else url.searchParams.delete('lang');
  return url.pathname + url.search;
}

/** The page's language: `?lang=` (to be remembered when the cookie says otherwise), the cookie, or Greek. */
export function chooseLanguage(
  fromQuery: unknown,
  cookieHeader: string | undefined,
): { lang: Lang; remember: boolean } {
  const fromCookie = readCookie(cookieHeader, 'lang');
  if (isLang(fromQuery)) return { lang: fromQuery, remember: fromCookie !== fromQuery };
  return { lang: isLang(fromCookie) ? fromCookie : 'el', remember: false };
}

/**
 * Names the page a form lives on, for the language switch of a page shown after the form was
 * sent: a form answered with its errors is the POST address (`/account/phone`), which has no
 * page to switch to. Routes call this when they render a form page; the switch then leads to
 * the form's own page in the other language. (The Referer cannot say it: the portal sends
 * `Referrer-Policy: no-referrer`.)
 */
export function languageSwitchFrom(res: Response, formPage: string): void {
  // A page fetched with GET has an address of its own: the switch keeps it, query and all.
  if (res.req.method === 'GET' || res.req.method === 'HEAD') return;
  res.locals.langSwitchUrl = languageUrl(formPage, res.locals.otherLang as Lang);
}

/** Greek by default; `?lang=` switches and is remembered in a cookie. */
export function language(options: {
  t: (lang: Lang) => TFunction;
  secureCookie: boolean;
}): RequestHandler {
  return (req, res, next) => {
    const { lang, remember } = chooseLanguage(req.query.lang, req.headers.cookie);
    if (remember) {
      res.cookie('lang', lang, {
        maxAge: ONE_YEAR_MS,
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookie,
      });
    }
    const other: Lang = lang === 'el' ? 'en' : 'el';
    req.lang = lang;
    req.t = options.t(lang);
    res.locals.lang = lang;
    res.locals.t = req.t;
    res.locals.otherLang = other;
    res.locals.langSwitchUrl = languageUrl(req.originalUrl, other);
    next();
  };
}
