// Opening an order in another browser: "find my order" (number + e-mail or phone) and the signed
// link of the shop's e-mails. Either grants this browser the order and shows it.
import { Router, type Request, type Response } from 'express';
import type { Database } from '../db/prisma';
import { grantOrderAccess, type AccessVia } from '../orders/order-access';
import type { OrderLinks } from '../orders/order-link';
import { findOrderByContact, readLookupForm, type LookupFormErrors } from '../orders/order-lookup';
import { ensureShopperId } from '../orders/shopper';
import { orderLookupThrottle } from '../web/order-lookup-throttle';
import { saveSession } from '../web/session';

export const LOOKUP_PATH = '/orders/lookup';

export function orderLookupRoutes(deps: { db: Database; orderLinks: OrderLinks }): Router {
  const router = Router();

  function showForm(res: Response, status: number, values: Record<string, unknown>, extra: { errors?: LookupFormErrors; problem?: string } = {}) {
    res.status(status).render('orders/lookup.njk', { values, errors: extra.errors ?? {}, problem: extra.problem });
  }

  async function openOrder(req: Request, res: Response, orderId: string, via: AccessVia) {
    await grantOrderAccess(deps.db, { orderId, shopperId: ensureShopperId(req.session), via });
    await saveSession(req);
    req.log.info({ orderId, via }, 'order opened in another browser');
    res.redirect(303, `/orders/${orderId}`);
  }

  router.get(LOOKUP_PATH, (_req, res) => showForm(res, 200, {}));

  router.post(LOOKUP_PATH, ...orderLookupThrottle(deps.db), async (req, res) => {
    const read = readLookupForm(req.body);
    if ('errors' in read) return showForm(res, 422, req.body ?? {}, { errors: read.errors });
    const orderId = await findOrderByContact(deps.db, read.form);
    // One answer for an unknown number and a wrong contact; the throttle counts it as a failure.
    if (!orderId) return showForm(res, 404, { ...read.form }, { problem: 'lookup.notFound' });
    return openOrder(req, res, orderId, 'lookup');
  });

  router.get('/orders/:id/open', async (req, res) => {
    const check = deps.orderLinks.check(req.params.id, req.query.until, req.query.sig);
    const order = check === 'valid' ? await deps.db.order.findUnique({ where: { id: req.params.id }, select: { id: true } }) : null;
    if (!order) {
      const expired = check === 'expired';
      return showForm(res, expired ? 410 : 404, {}, { problem: expired ? 'lookup.linkExpired' : 'lookup.linkInvalid' });
    }
    return openOrder(req, res, order.id, 'link');
  });

  return router;
}
