import type { RequestHandler } from 'express';

/**
 * For pages that change as soon as the shopper pays or orders: the cart, checkout, results and
 * orders. Without it Chrome's Back button from the bank's card page shows a stored copy of the
 * cart that the order already emptied, and shoppers order twice.
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
