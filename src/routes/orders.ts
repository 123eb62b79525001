import { Router } from 'express';
import { findShopperOrder, listShopperOrders } from '../orders/my-orders';
import { orderDetail } from '../orders/order-detail';
import { newAttemptForm, payOptions } from '../orders/pay-options';
import { confirmingPayment } from '../orders/payment-return';
import { statusState } from '../orders/status-state';
import { shopperOutcome } from '../payments/payment-outcome';
import { startPaymentAttempt, type PaymentAttemptDependencies } from '../payments/start-attempt';
import { ConflictError, OrderNotFoundError } from '../web/errors';
import { cancelUnpaidOrder } from '../orders/cancel-order';
import { cancellationOf } from '../fulfilment/fulfilment-states';

import { readInput } from './form-input';
import { noStore } from './no-store';

export function orderRoutes(deps: PaymentAttemptDependencies): Router {
  const router = Router();
  router.get(['/orders', '/orders/:id', '/orders/:id/status'], noStore);

  router.get('/orders', async (req, res) => {
    res.render('orders/list.njk', { orders: await listShopperOrders(deps.db, req.session.shopperId) });
  });

  router.get('/orders/:id', async (req, res) => {
    const order = await findShopperOrder(deps.db, req.session.shopperId, req.params.id);
    if (!order) throw new OrderNotFoundError(`no order ${req.params.id} for this shopper`);
    const detail = orderDetail(order);
    // Back from the card page with the result not known yet: no way to pay a second time.
    const confirming = confirmingPayment(req.session, order, deps.clock());
    res.render('orders/detail.njk', {
      ...detail,
      ...(confirming && { cardPayUrl: undefined, canPayAgain: false }),
      confirming,
      payOptions: payOptions(order),
      statusState: statusState(order),
      canCancel: cancellationOf(order) === 'cancel',
    });
  });

  // The shopper's own unpaid order, under the order page's access rules (and CSRF, as every form).
  router.post('/orders/:id/cancel', async (req, res) => {
    const order = await findShopperOrder(deps.db, req.session.shopperId, req.params.id);
    if (!order) throw new OrderNotFoundError(`no order ${req.params.id} for this shopper`);
    const result = await cancelUnpaidOrder(deps.db, order.id, { shopper: true }, deps.clock());
    if (result.kind === 'refused') throw new ConflictError('orders.cancel.refused', `order cannot be cancelled: ${result.reason}`);
    res.redirect(303, `/orders/${order.id}`);
  });

  // What the order and result pages poll to update themselves (public/js/order-status.js).
  router.get('/orders/:id/status', async (req, res) => {
    const order = await findShopperOrder(deps.db, req.session.shopperId, req.params.id);
    if (!order) throw new OrderNotFoundError(`no order ${req.params.id} for this shopper`);
    res.json({ state: statusState(order), outcome: shopperOutcome(order, order.payments) });
  });

  // Another attempt, in the pay type the shopper picked (the order's own by default); the order page then shows how it went.
  router.post('/orders/:id/payments', async (req, res) => {
    const orderPage = `/orders/${req.params.id}`;
    const { payType } = readInput(newAttemptForm, req.body);
    const order = await findShopperOrder(deps.db, req.session.shopperId, req.params.id);
    if (!order) throw new OrderNotFoundError(`no order ${req.params.id} for this shopper`);
    const result = await startPaymentAttempt({ ...deps, logger: req.log }, { orderId: order.id, payType: payType ?? order.payType });
    switch (result.kind) {
      case 'started':
        return res.redirect(303, result.payment.cardPayUrl ?? orderPage);
      case 'start_failed':
        // The attempt is recorded as create_failed, which the order page explains.
        req.log.warn({ reason: result.reason, bankCode: result.bankCode }, 'payment attempt could not start');
        return res.redirect(303, orderPage);
      case 'not_payable': {
        if (result.reason !== 'sold_out') return res.redirect(303, orderPage);
        // Read again: the order as it is now, not as it was before the attempt was refused.
        const current = await findShopperOrder(deps.db, req.session.shopperId, req.params.id);
        if (!current) throw new OrderNotFoundError(`no order ${req.params.id} for this shopper`);
        return res.status(409).render('orders/detail.njk', { ...orderDetail(current), soldOut: true, canPayAgain: false, statusState: statusState(current) });
      }
    }
  });

  return router;
}

