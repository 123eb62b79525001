// Chooses the interface language: ?lang= (remembered in a cookie), then the cookie, then the
// browser's Accept-Language, then zh-TW.
import type { Express } from 'express';
import { DEFAULT_LOCALE, isLocale, LOCALES, localeFromAcceptLanguage, type Catalog, type Locale } from '../i18n/locales';
import { translator } from '../i18n/translate';

const COOKIE = 'lang';
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

export function setUpLocale(app: Express, catalog: Catalog, options: { secureCookies: boolean }): void {
  // One translator per language, made once rather than on every request.
  const translators = Object.fromEntries(LOCALES.map((locale) => [locale, translator(catalog, locale)])) as Record<Locale, ReturnType<typeof translator>>;
  app.use((req, res, next) => {
    const requested = req.query.lang;
    let locale: Locale;
    if (isLocale(requested)) {
      locale = requested;
      res.cookie(COOKIE, locale, { maxAge: ONE_YEAR_MS, sameSite: 'lax', httpOnly: true, secure: options.secureCookies });
    } else {
      const remembered: unknown = req.cookies[COOKIE];
      locale = isLocale(remembered) ? remembered : (localeFromAcceptLanguage(req.headers['accept-language']) ?? DEFAULT_LOCALE);
    }
    req.locale = locale;
    res.locals.locale = locale;
    res.locals.t = translators[locale];
    res.locals.languageUrl = (target: Locale) => {
      const url = new URL(req.originalUrl, 'http://local');
      url.searchParams.set('lang', target);
      // One leading slash only: "//evil.com" (e.g. from a request for /.//evil.com) is another site.
      return `/${url.pathname.replace(/^[/\\]+/, '')}${url.search}`;
    };
    next();
  });
}
