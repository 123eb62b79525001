// A shopper is a browser: a random token kept in its session, stored on every order it places
// (Order.ownerToken). Only that browser can see those orders.
import { randomBytes } from 'node:crypto';
import type { SessionData } from 'express-session';

export function ensureShopperId(session: Partial<SessionData>): string {
  session.shopperId ??= randomBytes(32).toString('base64url');
  return session.shopperId;
}
