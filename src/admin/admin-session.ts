// What the back office keeps in the shop's session: who is signed in and since when, and the one
// message to show after a redirect.
import type { Request } from 'express';
import type { Session, SessionData } from 'express-session';

export interface AdminSignIn {
  username: string;
  /** Epoch milliseconds. */
  signedInAt: number;
}

export type NoticeTone = 'success' | 'warning' | 'danger';

export interface AdminNotice {
  tone: NoticeTone;
  messageKey: string;
  params?: Record<string, string | number>;
}

declare module 'express-session' {
  interface SessionData {
    admin?: AdminSignIn;
    adminNotice?: AdminNotice;
  }
}

/** A sign-in lasts a working day, however active the shop's 30-day session cookie is. */
export const ADMIN_SIGN_IN_MS = 12 * 3_600_000;

export function signedInAdmin(session: Partial<SessionData>, now: Date): AdminSignIn | undefined {
  const admin = session.admin;
  if (!admin) return undefined;
  return now.getTime() - admin.signedInAt < ADMIN_SIGN_IN_MS ? admin : undefined;
}

/** A new session id on every sign-in, so a session id planted before signing in is worth nothing. */
export function startAdminSession(req: Request, admin: AdminSignIn): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((regenerateError) => {
      if (regenerateError) return reject(regenerateError);
      req.session.admin = admin;
      req.session.save((saveError) => (saveError ? reject(saveError) : resolve()));
    });
  });
}

export function endAdminSession(session: Session): Promise<void> {
  return new Promise((resolve, reject) => session.destroy((error) => (error ? reject(error) : resolve())));
}

export function setNotice(session: Partial<SessionData>, notice: AdminNotice): void {
  session.adminNotice = notice;
}

export function takeNotice(session: Partial<SessionData>): AdminNotice | undefined {
  const notice = session.adminNotice;
  delete session.adminNotice;
  return notice;
}
