// The double-click guard. Each checkout form carries a one-time token that is also kept in the
// session. Placing the order removes it from the stored session row with one conditional UPDATE,
// inside the statement that writes the order: of two identical submits, the second waits on the
// row lock and then finds the token gone, and an order that fails to be written gives the token back.
// express-session's in-memory copy cannot do this: concurrent requests each hold their own copy.
import { randomBytes } from 'node:crypto';
import type { SessionData } from 'express-session';
import type { Database } from '../db/prisma';
import { Prisma } from '../generated/prisma/client';

export function checkoutTokenFor(session: Partial<SessionData>): string {
  session.checkoutToken ??= randomBytes(24).toString('base64url');
  return session.checkoutToken;
}

/**
 * The statement part that takes the token: a row for exactly one caller per token. The session
 * table is connect-pg-simple's (see prisma/schema.prisma).
 */
export function takeCheckoutToken(sessionId: string, token: string): Prisma.Sql {
  return Prisma.sql`
    UPDATE "session" SET sess = (sess::jsonb - 'checkoutToken')::json
    WHERE sid = ${sessionId} AND sess::jsonb ->> 'checkoutToken' = ${token} AND ${token} <> ''
    RETURNING sid`;
}

/** Whether the form's token is still in the session: false once its order was placed. */
export async function checkoutTokenIsLive(db: Database, sessionId: string, token: string): Promise<boolean> {
  if (token === '') return false;
  const rows = await db.$queryRaw<unknown[]>`SELECT 1 FROM "session" WHERE sid = ${sessionId} AND sess::jsonb ->> 'checkoutToken' = ${token}`;
  return rows.length > 0;
}
