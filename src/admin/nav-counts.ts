// The numbers in the back office's navbar: orders waiting to be shipped and things needing a person,
// counted on every back-office page so the merchant sees them wherever they are. One statement,
// each count served by its partial index (the conditions are written out for that, attention.ts).
import type { RequestHandler } from 'express';
import type { Database } from '../db/prisma';
import { Prisma } from '../generated/prisma/client';
import { INVOICE_STEP_NEEDING_ATTENTION_SQL, PAID_ON_CANCELLED_ORDER_SQL, REFUND_IN_REVIEW_SQL, STUCK_ATTEMPT_SQL } from './attention';
import { TO_SHIP_SQL } from './orders';

/** Also shown with its plan by the scale bench (scripts/bench/scale-explain.ts). */
export const NAV_COUNTS_SQL = Prisma.sql`
  SELECT (SELECT count(*) FROM "Order" o WHERE ${TO_SHIP_SQL})::int AS "toShip",
         ((SELECT count(*) FROM "Payment" WHERE ${STUCK_ATTEMPT_SQL})
          + (SELECT count(*) FROM "Refund" WHERE ${REFUND_IN_REVIEW_SQL})
          + (SELECT count(*) FROM "Payment" WHERE ${PAID_ON_CANCELLED_ORDER_SQL})
          + (SELECT count(*) FROM "InvoiceStep" WHERE ${INVOICE_STEP_NEEDING_ATTENTION_SQL}))::int AS attention`;

export function navCounts(db: Database): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'GET') return next();
    // Without parallel workers: at a million orders PostgreSQL plans the to-ship count with two,
    // and starting them took 4–12 ms of the statement's 14, where the count itself takes 1–2 ms.
    const [, [counts]] = await db.$transaction([
      db.$executeRaw`SET LOCAL max_parallel_workers_per_gather = 0`,
      db.$queryRaw<Array<{ toShip: number; attention: number }>>(NAV_COUNTS_SQL),
    ]);
    res.locals.navCounts = counts;
    next();
  };
}
