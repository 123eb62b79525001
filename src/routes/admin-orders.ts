// The back office's order list (search, filters, pages), its CSV export, and one order's full record.
import { Router } from 'express';
import { needsAttention } from '../admin/attention';
import { filterQuery, findOrderPage, withDefaultView, findOrderRecord, findOrdersForExport, mainAttempt, orderFiltersSchema, ordersCsv } from '../admin/orders';
import { refundActions } from '../admin/refunds';
import { CARRIERS } from '../fulfilment/carriers';
import { fulfilmentActions } from '../fulfilment/fulfilment-states';
import type { Database } from '../db/prisma';
import { taipeiDate } from '../time/taipei';
import { NotFoundError } from '../web/errors';
import { readInput } from './form-input';

export function adminOrderRoutes(deps: { db: Database; clock: () => Date }): Router {
  const router = Router();

  router.get('/orders', async (req, res) => {
    const filters = withDefaultView(readInput(orderFiltersSchema, req.query));
    const page = await findOrderPage(deps.db, filters);
    res.render('admin/orders.njk', {
      ...page,
      rows: page.orders.map((order) => ({ order, attempt: mainAttempt(order) })),
      filters,
      query: filterQuery(filters),
    });
  });

  router.get('/orders.csv', async (req, res) => {
    const filters = readInput(orderFiltersSchema, req.query);
    const orders = await findOrdersForExport(deps.db, filters);
    // Named for the day in Taipei (UTC+8), the merchant's day.
    const day = taipeiDate(deps.clock());
    res
      .type('text/csv; charset=utf-8')
      .attachment(`orders-${day}.csv`)
      .send(ordersCsv(orders, { t: res.locals.t, locale: req.locale }));
  });

  router.get('/orders/:id', async (req, res) => {
    const order = await findOrderRecord(deps.db, req.params.id);
    if (!order) throw new NotFoundError(`no order ${req.params.id}`);
    res.render('admin/order.njk', {
      order,
      fulfilment: fulfilmentActions(order),
      carriers: CARRIERS,
      attempts: order.payments.map((payment) => ({ payment, actions: refundActions(payment, payment.refunds), needsAttention: needsAttention(payment) })),
    });
  });

  return router;
}
