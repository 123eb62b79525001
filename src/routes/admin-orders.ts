// The back office's order list (search, filters, pages), its CSV export, and one order's full record.
import type { Response } from 'express';
import { Router } from 'express';
import { needsAttention } from '../admin/attention';
import { filterQuery, findOrderPage, withDefaultView, findOrderRecord, mainAttempt, orderFiltersSchema, ordersCsvHeading, ordersCsvRows, ordersForExport } from '../admin/orders';
import { refundActions } from '../admin/refunds';
import { CARRIERS } from '../fulfilment/carriers';
import { fulfilmentActions } from '../fulfilment/fulfilment-states';
import type { Database } from '../db/prisma';
import { taipeiDate } from '../time/taipei';
import { NotFoundError } from '../web/errors';
import { readInput } from './form-input';
import { invoiceForOrder } from '../einvoice/invoice-records';

/** Until the connection has taken what was written, or is gone. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.once('drain', done).once('close', done);
  });
}

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

  // Streamed a batch at a time as the database hands them over, waiting for the merchant's
  // connection to take each: a year of orders never sits in memory, and the first rows leave at once.
  router.get('/orders.csv', async (req, res) => {
    const filters = readInput(orderFiltersSchema, req.query);
    // Named for the day in Taipei (UTC+8), the merchant's day.
    const day = taipeiDate(deps.clock());
    res.type('text/csv; charset=utf-8').attachment(`orders-${day}.csv`);
    res.write(ordersCsvHeading(res.locals.t));
    for await (const batch of ordersForExport(deps.db, filters)) {
      if (!res.write(ordersCsvRows(batch, { locale: req.locale }))) await drained(res);
      if (res.destroyed) return;
    }
    res.end();
  });

  router.get('/orders/:id', async (req, res) => {
    const order = await findOrderRecord(deps.db, req.params.id);
    if (!order) throw new NotFoundError(`no order ${req.params.id}`);
    res.render('admin/order.njk', {
      order,
      fulfilment: fulfilmentActions(order),
      carriers: CARRIERS,
      attempts: order.payments.map((payment) => ({ payment, actions: refundActions(payment, payment.refunds), needsAttention: needsAttention(payment) })),
      invoice: await invoiceForOrder(deps.db, order.id),
    });
  });

  return router;
}
