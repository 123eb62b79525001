// The page the shopper lands on after the bank's card page, its "pay again" buttons, and where a
// return whose result the bank could not tell yet is sent (/payments/confirming).
import { Router, type Request, type Response } from 'express';
import { findShopperOrder, viewerOf } from '../orders/my-orders';
import { refundsOf } from '../orders/order-refunds';
import { newAttemptForm, payOptions } from '../orders/pay-options';
import { awaitingCardResult, confirmingPayment, noteReturn } from '../orders/payment-return';
import { statusState } from '../orders/status-state';
import { unpaidOrders } from '../orders/unpaid-order';
import { canStartNewAttempt } from '../payments/payable-order';
import { shopperOutcome } from '../payments/payment-outcome';
import { startPaymentAttempt, type PaymentAttemptDependencies, type PaymentStartFailure } from '../payments/start-attempt';
import { OrderNotFoundError } from '../web/errors';
import { saveSession } from '../web/session';
import { readInput } from './form-input';
import { noStore } from './no-store';

const START_FAILURE_STATUS: Record<PaymentStartFailure, number> = { bank_refused: 502, bank_unavailable: 503 };

export function paymentResultRoutes(deps: PaymentAttemptDependencies): Router {
  const router = Router();
  router.get(['/orders/:id/result', '/payments/confirming'], noStore);

  async function renderResult(
    req: Request,
    res: Response,
    input: { orderId: string; startFailure?: PaymentStartFailure; soldOut?: boolean },
  ): Promise<void> {
    const order = await findShopperOrder(deps.db, viewerOf(req), input.orderId);
    if (!order) throw new OrderNotFoundError(`no order ${input.orderId} for this shopper`);
    // Only the card page sends shoppers here: an undecided attempt is one they may have paid.
    noteReturn(req.session, order, deps.clock());
    const outcome = shopperOutcome(order, order.payments);
    const status = input.startFailure ? START_FAILURE_STATUS[input.startFailure] : input.soldOut ? 409 : 200;
    res.status(status).render('orders/result.njk', {
      order,
      latest: order.payments.at(-1),
      outcome,
      refunds: await refundsOf(deps.db, order.id),
      confirming: outcome === 'pending' ? confirmingPayment(req.session, order, deps.clock()) : undefined,
      canPayAgain: outcome === 'failure' && !input.soldOut && canStartNewAttempt(order, order.payments),
      payOptions: payOptions(order),
      statusState: statusState(order),
      startFailure: input.startFailure,
      soldOut: input.soldOut,
    });
  }

  router.get('/orders/:id/result', async (req, res) => {
    await renderResult(req, res, { orderId: req.params.id });
  });

  // The return from the card page came back but the bank could not say yet how it went; the
  // return carries no order of ours, so the browser's own order that waits on a card is the one.
  router.get('/payments/confirming', async (req, res) => {
    const order = awaitingCardResult(await unpaidOrders(deps.db, req.session.shopperId));
    if (!order) return res.status(503).render('payments/return-problem.njk', { messageKey: 'payments.return.unavailable', tone: 'info' });
    noteReturn(req.session, order, deps.clock());
    await saveSession(req);
    res.redirect(303, `/orders/${order.id}/result`);
  });

  router.post('/orders/:id/pay-again', async (req, res) => {
    const input = { orderId: req.params.id };
    const { payType = 'C' } = readInput(newAttemptForm, req.body);
    const order = await findShopperOrder(deps.db, viewerOf(req), input.orderId);
    if (!order) throw new OrderNotFoundError(`no order ${input.orderId} for this shopper`);
    const result = await startPaymentAttempt({ ...deps, logger: req.log }, { orderId: order.id, payType });
    switch (result.kind) {
      case 'not_payable':
        if (result.reason === 'sold_out') return renderResult(req, res, { ...input, soldOut: true });
        return res.redirect(303, `/orders/${input.orderId}/result`);
      case 'started':
        // A card attempt goes to the bank's card page; an ATM one to the order page with its account.
        return res.redirect(303, result.payment.cardPayUrl ?? `/orders/${input.orderId}`);
      case 'start_failed':
        return renderResult(req, res, { ...input, startFailure: result.reason });
    }
  });

  return router;
}
