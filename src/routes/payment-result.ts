// The page the shopper lands on after the bank's card page, where a return whose result the bank
// could not tell yet is sent (/payments/confirming), and the one endpoint that starts a new attempt
// of an order (the order and result pages' pay buttons).
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { shopperOrderOr404, unpaidOrders, viewerOf } from '../orders/my-orders';
import { newAttemptForm, orderDetail, payOptions, shopperOutcome, statusState } from '../orders/order-detail';
import { refundsOf } from '../orders/order-refunds';
import { awaitingCardResult, confirmingPayment, noteReturn } from '../orders/payment-return';
import { canStartNewAttempt } from '../payments/payable-order';
import { startPaymentAttempt, type PaymentAttemptDependencies, type PaymentStartFailure } from '../payments/start-attempt';
import { saveSession } from '../web/session';
import { cardPageRedirect } from './card-page-redirect';
import { readInput } from './form-input';
import { noStore } from './no-store';

/** The result page's buttons say so (?from=result): a failure is shown there instead of on the order page. */
const newAttemptFrom = z.object({ from: z.literal('result').optional() });

const START_FAILURE_STATUS: Record<PaymentStartFailure, number> = { bank_refused: 502, bank_unavailable: 503 };

export function paymentResultRoutes(deps: PaymentAttemptDependencies): Router {
  const router = Router();
  router.get(['/orders/:id/result', '/payments/confirming'], noStore);

  async function renderResult(
    req: Request,
    res: Response,
    input: { orderId: string; startFailure?: PaymentStartFailure; soldOut?: boolean },
  ): Promise<void> {
    const order = await shopperOrderOr404(deps.db, viewerOf(req), input.orderId);
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

  // A new attempt, in the pay type the shopper picked (the order's own by default): "pay again" and
  // "pay by ATM instead" alike. It and checkout's first attempt reach the bank through the same
  // createAtBank (payments/start-attempt.ts).
  router.post('/orders/:id/payments', async (req, res) => {
    const { payType } = readInput(newAttemptForm, req.body);
    const { from } = readInput(newAttemptFrom, req.query);
    const order = await shopperOrderOr404(deps.db, viewerOf(req), req.params.id);
    const input = { orderId: order.id };
    const orderPage = `/orders/${order.id}`;
    const redirect = cardPageRedirect(req, res);
    const result = await redirect.settle(
      startPaymentAttempt({ ...deps, logger: req.log }, { orderId: order.id, payType: payType ?? order.payType }, { toCardPage: redirect.send }),
    );
    if (!result) return;
    switch (result.kind) {
      case 'started':
        // An ATM attempt goes to the order page with its account (a card attempt's redirect to the
        // bank's card page went as soon as the bank gave it).
        return res.redirect(303, result.payment.cardPayUrl ?? orderPage);
      case 'start_failed':
        // The attempt is recorded as create_failed, which the order page explains.
        req.log.warn({ reason: result.reason, bankCode: result.bankCode }, 'payment attempt could not start');
        if (from === 'result') return renderResult(req, res, { ...input, startFailure: result.reason });
        return res.redirect(303, orderPage);
      case 'not_payable': {
        if (result.reason !== 'sold_out') return res.redirect(303, from === 'result' ? `${orderPage}/result` : orderPage);
        if (from === 'result') return renderResult(req, res, { ...input, soldOut: true });
        // Read again: the order as it is now, not as it was before the attempt was refused.
        const current = await shopperOrderOr404(deps.db, viewerOf(req), order.id);
        return res.status(409).render('orders/detail.njk', { ...orderDetail(current), soldOut: true, canPayAgain: false, statusState: statusState(current) });
      }
    }
  });

  // The result page's buttons posted here before there was one endpoint: a page still open from
  // then keeps working (308 keeps the method and the form).
  router.post('/orders/:id/pay-again', async (req, res) => {
    const order = await shopperOrderOr404(deps.db, viewerOf(req), req.params.id);
    res.redirect(308, `/orders/${order.id}/payments?from=result`);
  });

  return router;
}
