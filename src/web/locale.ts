// Chooses the interface language: ?lang= (remembered in a cookie), then the cookie, then the
// browser's Accept-Language, then zh-TW.
import type { Express } from 'express';
import type { ShopCookies } from './cookies';
import { DEFAULT_LOCALE, isLocale, LOCALES, localeFromAcceptLanguage, type Catalog, type Locale } from '../i18n/locales';
import { translator } from '../i18n/translate';

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

export function setUpLocale(app: Express, catalog: Catalog, cookies: ShopCookies): void {
  const cookieName = cookies.name('lang');
  // One translator per language, made once rather than on every request.
  const translators = Object.fromEntries(LOCALES.map((locale) => [locale, translator(catalog, locale)])) as Record<Locale, ReturnType<typeof translator>>;
  app.use((req, res, next) => {
    const requested = req.query.lang;
    let locale: Locale;
    if (isLocale(requested)) {
      locale = requested;
      res.cookie(cookieName, locale, { ...cookies.options, maxAge: ONE_YEAR_MS });
    } else {
      const remembered: unknown = req.cookies[cookieName];
      locale = isLocale(remembered) ? remembered : (localeFromAcceptLanguage(req.headers['accept-language']) ?? DEFAULT_LOCALE);
    }
    req.locale = locale;
    res.locals.locale = locale;
    res.locals.t = translators[locale];
    res.locals.languageUrl = (target: Locale) => {
      // The request's path is anything a client sent ("//", "/\\evil.com"): collapsed to one leading
      // slash before it is parsed, since "//x" would parse as a host (or fail to), and again after,
      // since "/.//evil.com" normalises to "//evil.com", another site. The URL parser drops tabs and
      // line breaks anywhere, so they go first.
      const path = req.originalUrl.replace(/[\t\n\r]/g, '').replace(/^[/\\]+/, '');
      const url = new URL(`/${path}`, 'http://local');
      url.searchParams.set('lang', target);
      return `/${url.pathname.replace(/^[/\\]+/, '')}${url.search}`;
    };
    next();
  });
}
