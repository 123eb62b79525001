// The shop's cookies: their names, their attributes, and reading them from a request.
//
// In production every cookie of the shop is a `__Host-` one (`__Host-fengshou.sid`, …): the browser
// takes it only over HTTPS, for this host alone and path /, so a sibling subdomain can neither plant
// nor overwrite it (a session id or CSRF value of its choosing). The prefix needs the Secure
// attribute, which plain-HTTP development cannot have: Chromium and Firefox accept Secure cookies
// from http://localhost, but not from http://127.0.0.1 in every browser, nor do HTTP clients' cookie
// jars (the tests') over http. So outside production the same names go without it, `fengshou.sid`,
// and the difference is this one prefix, never a second spelling.
//
// Cookies are read as plain strings (the `cookie` package), never as JSON: cookie-parser turned a
// value starting "j:" into whatever JSON it held, an object where every reader expects a string.
import type { CookieOptions, RequestHandler } from 'express';
import { parse } from 'cookie';

export type ShopCookie = 'sid' | 'csrf' | 'cart' | 'lang';

export interface ShopCookies {
  name(cookie: ShopCookie): string;
  /** HttpOnly, SameSite=Lax, path /, no Domain; Secure in production. */
  options: CookieOptions;
}

export function shopCookies(options: { production: boolean }): ShopCookies {
  const prefix = options.production ? '__Host-' : '';
  return {
    name: (cookie) => `${prefix}fengshou.${cookie}`,
    options: { httpOnly: true, sameSite: 'lax', secure: options.production, path: '/' },
  };
}

/** req.cookies: every cookie of the request as the string it was sent as, percent-decoded where it decodes. */
export const readCookies: RequestHandler = (req, _res, next) => {
  req.cookies = parse(req.headers.cookie ?? '');
  next();
};

