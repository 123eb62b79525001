import { Router } from 'express';
import type { PaymentAttemptDependencies } from '../payments/start-attempt';
import { findShopperOrder, listShopperOrders } from '../orders/my-orders';
import { orderDetail } from '../orders/order-detail';
import { retryPayment } from '../orders/retry-payment';
import { NotFoundError } from '../web/errors';

export function orderRoutes(deps: PaymentAttemptDependencies): Router {
  const router = Router();

  router.get('/orders', async (req, res) => {
    res.render('orders/list.njk', { orders: await listShopperOrders(deps.db, req.session.shopperId) });
  });

  router.get('/orders/:id', async (req, res) => {
    const order = await findShopperOrder(deps.db, req.session.shopperId, req.params.id);
    if (!order) throw new NotFoundError(`no order ${req.params.id} for this shopper`);
    res.render('orders/detail.njk', orderDetail(order));
  });

  router.post('/orders/:id/payments', async (req, res) => {
    const next = await retryPayment(deps, { orderId: req.params.id, shopperId: req.session.shopperId });
    if (!next) throw new NotFoundError(`no order ${req.params.id} for this shopper`);
    res.redirect(303, next);
  });

  return router;
}
