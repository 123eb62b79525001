// The page the shopper lands on after the bank's card page, and its "pay again by card" button.
import { Router, type Response } from 'express';
import { findShopperOrder } from '../orders/my-orders';
import { startNewAttempt } from '../payments/new-attempt';
import { canStartNewAttempt } from '../payments/payable-order';
import { shopperOutcome } from '../payments/payment-outcome';
import type { PaymentAttemptDependencies, PaymentStartFailure } from '../payments/start-attempt';
import { NotFoundError } from '../web/errors';

const START_FAILURE_STATUS: Record<PaymentStartFailure, number> = { bank_refused: 502, bank_unavailable: 503 };

export function paymentResultRoutes(deps: PaymentAttemptDependencies): Router {
  const router = Router();

  async function renderResult(
    res: Response,
    input: { orderId: string; shopperId: string | undefined; startFailure?: PaymentStartFailure; soldOut?: boolean },
  ): Promise<void> {
    const order = await findShopperOrder(deps.db, input.shopperId, input.orderId);
    if (!order) throw new NotFoundError(`no order ${input.orderId} for this shopper`);
    const outcome = shopperOutcome(order, order.payments);
    const status = input.startFailure ? START_FAILURE_STATUS[input.startFailure] : input.soldOut ? 409 : 200;
    res.status(status).render('orders/result.njk', {
      order,
      latest: order.payments.at(-1),
      outcome,
      canPayAgain: outcome === 'failure' && !input.soldOut && canStartNewAttempt(order, order.payments),
      startFailure: input.startFailure,
      soldOut: input.soldOut,
    });
  }

  router.get('/orders/:id/result', async (req, res) => {
    await renderResult(res, { orderId: req.params.id, shopperId: req.session.shopperId });
  });

  router.post('/orders/:id/pay-again', async (req, res) => {
    const input = { orderId: req.params.id, shopperId: req.session.shopperId };
    const result = await startNewAttempt({ ...deps, logger: req.log }, { ...input, payType: 'C' });
    switch (result.kind) {
      case 'not_found':
        throw new NotFoundError(`no order ${input.orderId} for this shopper`);
      case 'not_payable':
        if (result.reason === 'sold_out') return renderResult(res, { ...input, soldOut: true });
        return res.redirect(303, `/orders/${input.orderId}/result`);
      case 'started':
        return res.redirect(303, result.payment.cardPayUrl ?? `/orders/${input.orderId}/result`);
      case 'start_failed':
        return renderResult(res, { ...input, startFailure: result.error.reason });
    }
  });

  return router;
}
