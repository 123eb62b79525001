// The numbers in the back office's navbar: orders waiting to be shipped and things needing a person,
// counted on every back-office page so the merchant sees them wherever they are.
import type { RequestHandler } from 'express';
import type { Database } from '../db/prisma';
import { ATTENTION_AFTER_FAILURES } from '../jobs/bank-check-schedule';
import { UNDECIDED_AT_BANK } from '../payments/payment-states';
import { TO_SHIP } from './orders';

export function navCounts(db: Database): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'GET') return next();
    const [toShip, stuck, review, paidOnCancelled] = await db.$transaction([
      db.order.count({ where: TO_SHIP }),
      db.payment.count({ where: { bankCheckFailures: { gte: ATTENTION_AFTER_FAILURES }, status: { in: [...UNDECIDED_AT_BANK] } } }),
      db.refund.count({ where: { status: 'needs_review' } }),
      db.payment.count({ where: { status: 'paid', order: { status: 'cancelled' } } }),
    ]);
    res.locals.navCounts = { toShip, attention: stuck + review + paidOnCancelled };
    next();
  };
}
