// The gate in front of every back-office page: without a current sign-in, the answer is the login
// page and nothing else, whatever was asked (even a path that does not exist).
import type { RequestHandler } from 'express';
import { signedInAdmin, takeNotice } from './admin-session';

export const ADMIN_LOGIN_PATH = '/admin/login';

export function requireAdmin(clock: () => Date): RequestHandler {
  return (req, res, next) => {
    const admin = signedInAdmin(req.session, clock());
    if (!admin) {
      // Only a page someone was looking at is worth returning to; a form post is not repeated.
      const target = req.method === 'GET' ? `${ADMIN_LOGIN_PATH}?next=${encodeURIComponent(req.originalUrl)}` : ADMIN_LOGIN_PATH;
      res.redirect(303, target);
      return;
    }
    // Customer data and bank records: never kept by the browser's or a proxy's cache.
    res.set('Cache-Control', 'no-store');
    res.locals.admin = admin;
    res.locals.notice = takeNotice(req.session);
    next();
  };
}

/** Where to go after signing in: only a back-office path of this site, never another origin. */
export function afterLoginPath(next: unknown): string {
  if (typeof next !== 'string' || !/^\/admin(\/[\w\-./?=&%]*)?$/.test(next) || next.includes('//')) return '/admin/orders';
  return next.startsWith(ADMIN_LOGIN_PATH) ? '/admin/orders' : next;
}
