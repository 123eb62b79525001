// The double-click guard. Each checkout form carries a one-time token that is also kept in the
// session. Placing the order removes it from the stored session row with one conditional UPDATE,
// inside the order's transaction: of two identical submits, the second waits on the row lock and
// then finds the token gone, and an order that fails to be written gives the token back.
// express-session's in-memory copy cannot do this: concurrent requests each hold their own copy.
import { randomBytes } from 'node:crypto';
import type { SessionData } from 'express-session';
import type { Prisma } from '../generated/prisma/client';

export function checkoutTokenFor(session: Partial<SessionData>): string {
  session.checkoutToken ??= randomBytes(24).toString('base64url');
  return session.checkoutToken;
}

/** True for exactly one caller per token; the session table is connect-pg-simple's (see prisma/schema.prisma). */
export async function consumeCheckoutToken(tx: Prisma.TransactionClient, sessionId: string, token: string): Promise<boolean> {
  if (token === '') return false;
  const changed = await tx.$executeRaw`
    UPDATE "session" SET sess = (sess::jsonb - 'checkoutToken')::json
    WHERE sid = ${sessionId} AND sess::jsonb ->> 'checkoutToken' = ${token}`;
  return changed === 1;
}
