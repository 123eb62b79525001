// Opening an order in another browser: once its shopper has proved the order is theirs (the look-up
// by number and contact, or the signed link of its e-mails), that browser's session is granted the
// order (OrderAccess), beside the browser that placed it. Only that order: the placing browser's
// other orders stay its own. A grant lives as long as its session (a foreign key to the session
// row, which expiry, sign-out or a new session id deletes) and any browser that can see the order
// can end it, so a shopper who sees a device they do not know on the order page can shut it out.
import type { Request } from 'express';
import type { Database } from '../db/prisma';
import { renewSessionId } from '../web/session';

export type AccessVia = 'lookup' | 'link';

export interface AccessGrant {
  id: string;
  via: AccessVia;
  grantedAt: Date;
  /** The browser looking at the list holds this grant. */
  thisBrowser: boolean;
}

/** The session must be stored already: the grant refers to its row. */
export async function grantOrderAccess(db: Database, input: { orderId: string; sessionId: string; via: AccessVia }): Promise<void> {
  await db.orderAccess.createMany({ data: [input], skipDuplicates: true });
}

/**
 * A new session id for this browser (web/session.ts), with the orders it was granted kept: the old
 * session row goes, and with it its grants, which are given again to the new one.
 */
export async function renewSessionKeepingAccess(db: Database, req: Request): Promise<void> {
  const grants = await db.orderAccess.findMany({ where: { sessionId: req.sessionID }, select: { orderId: true, via: true, grantedAt: true } });
  await renewSessionId(req);
  if (grants.length > 0) await db.orderAccess.createMany({ data: grants.map((grant) => ({ ...grant, sessionId: req.sessionID })), skipDuplicates: true });
}

/** The browsers other than the placing one that may open the order, oldest first. */
export async function accessGrants(db: Database, orderId: string, sessionId: string): Promise<AccessGrant[]> {
  const rows = await db.orderAccess.findMany({ where: { orderId }, orderBy: { grantedAt: 'asc' } });
  return rows.map((row) => ({ id: row.id, via: row.via as AccessVia, grantedAt: row.grantedAt, thisBrowser: row.sessionId === sessionId }));
}

/** Ends one grant of the order; false if it had none by that id. */
export async function endAccessGrant(db: Database, orderId: string, grantId: string): Promise<boolean> {
  const { count } = await db.orderAccess.deleteMany({ where: { id: grantId, orderId } });
  return count === 1;
}
