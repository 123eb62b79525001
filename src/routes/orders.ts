import { Router } from 'express';
import { z } from 'zod';
import { accessGrants, endAccessGrant } from '../orders/order-access';
import { findShopperOrder, listShopperOrders, myOrdersCursor, shopperOrderOr404, viewerOf } from '../orders/my-orders';
import { orderDetail, payOptions, shopperOutcome, statusState } from '../orders/order-detail';
import { refundsOf } from '../orders/order-refunds';
import { confirmingPayment } from '../orders/payment-return';
import type { PaymentAttemptDependencies } from '../payments/start-attempt';
import { ConflictError, OrderNotFoundError } from '../web/errors';
import { cancelUnpaidOrder } from '../orders/cancel-order';
import { cancellationOf } from '../fulfilment/fulfilment-states';

import { readInput } from './form-input';
import { invoiceForOrder, invoicesForOrders } from '../einvoice/invoice-records';
import { noStore } from './no-store';

const accessGrantParams = z.object({ grantId: z.uuid() });
const myOrdersPage = z.object({ before: myOrdersCursor.optional() });

export function orderRoutes(deps: PaymentAttemptDependencies): Router {
  const router = Router();
  router.get(['/orders', '/orders/:id', '/orders/:id/status'], noStore);

  router.get('/orders', async (req, res) => {
    const { before } = readInput(myOrdersPage, req.query);
    const page = await listShopperOrders(deps.db, viewerOf(req), before);
    // An invoice exists only for an order paid with an invoice choice.
    const invoiced = page.orders.filter((order) => order.invoiceRecipient && order.paidAt);
    const invoices = await invoicesForOrders(deps.db, invoiced.map((order) => order.id));
    res.render('orders/list.njk', { ...page, before, invoices });
  });

  router.get('/orders/:id', async (req, res) => {
    const order = await shopperOrderOr404(deps.db, viewerOf(req), req.params.id);
    const detail = orderDetail(order);
    // Back from the card page with the result not known yet: no way to pay a second time.
    const confirming = confirmingPayment(req.session, order, deps.clock());
    // Asked together: one round trip's wait instead of two.
    const [grants, refunds, invoice] = await Promise.all([
      accessGrants(deps.db, order.id, req.sessionID), refundsOf(deps.db, order.id), invoiceForOrder(deps.db, order.id),
    ]);
    res.render('orders/detail.njk', {
      ...detail,
      accessGrants: grants,
      accessEnded: req.query.accessEnded === '1',
      refunds,
      invoice,
      ...(confirming && { cardPayUrl: undefined, canPayAgain: false, canSwitchToAtm: false }),
      confirming,
      payOptions: payOptions(order),
      statusState: statusState(order),
      canCancel: cancellationOf(order) === 'cancel',
    });
  });

  // The shopper's own unpaid order, under the order page's access rules (and CSRF, as every form).
  router.post('/orders/:id/cancel', async (req, res) => {
    const order = await shopperOrderOr404(deps.db, viewerOf(req), req.params.id);
    const result = await cancelUnpaidOrder(deps.db, order.id, { shopper: true }, deps.clock());
    if (result.kind === 'refused') throw new ConflictError('orders.cancel.refused', `order cannot be cancelled: ${result.reason}`);
    res.redirect(303, `/orders/${order.id}`);
  });

  // What the order and result pages poll to update themselves (public/js/order-status.js).
  router.get('/orders/:id/status', async (req, res) => {
    const order = await shopperOrderOr404(deps.db, viewerOf(req), req.params.id);
    res.json({ state: statusState(order), outcome: shopperOutcome(order, order.payments) });
  });

  // Any browser that can see the order may end another's (or its own) access to it.
  router.post('/orders/:id/access/:grantId/end', async (req, res) => {
    const order = await findShopperOrder(deps.db, viewerOf(req), req.params.id);
    const { grantId } = readInput(accessGrantParams, req.params);
    if (!order || !(await endAccessGrant(deps.db, order.id, grantId))) throw new OrderNotFoundError(`no order ${req.params.id} or access ${req.params.grantId} for this shopper`);
    req.log.info({ orderId: order.id }, 'order access ended');
    // The browser may just have ended its own access: then the list of its orders is what is left.
    const stillVisible = await findShopperOrder(deps.db, viewerOf(req), order.id);
    res.redirect(303, stillVisible ? `/orders/${order.id}?accessEnded=1` : '/orders');
  });

  return router;
}

