// The numbers in the back office's navbar: orders waiting to be shipped and things needing a person,
// counted on every back-office page so the merchant sees them wherever they are.
import type { RequestHandler } from 'express';
import type { Database } from '../db/prisma';
import { INVOICE_STEP_NEEDING_ATTENTION, PAID_ON_CANCELLED_ORDER, REFUND_IN_REVIEW, STUCK_ATTEMPT } from './attention';
import { TO_SHIP } from './orders';

export function navCounts(db: Database): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'GET') return next();
    const [toShip, stuck, review, paidOnCancelled, invoiceSteps] = await db.$transaction([
      db.order.count({ where: TO_SHIP }),
      db.payment.count({ where: STUCK_ATTEMPT }),
      db.refund.count({ where: REFUND_IN_REVIEW }),
      db.payment.count({ where: PAID_ON_CANCELLED_ORDER }),
      db.invoiceStep.count({ where: INVOICE_STEP_NEEDING_ATTENTION }),
    ]);
    res.locals.navCounts = { toShip, attention: stuck + review + paidOnCancelled + invoiceSteps };
    next();
  };
}
