// Opening an order in another browser: "find my order" (number + e-mail or phone) and the signed
// link of the shop's e-mails. Either grants this browser's session the order and shows it.
// The link's GET only shows a page with a button: opening is a POST (with CSRF, like every write),
// so a mail scanner or a link preview that fetches the link grants nothing to anyone.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Database } from '../db/prisma';
import { grantOrderAccess, renewSessionKeepingAccess, type AccessVia } from '../orders/order-access';
import type { OrderLinks } from '../orders/order-link';
import { findOrderByContact, readLookupForm, type LookupForm, type LookupFormErrors } from '../orders/order-lookup';
import { orderLookupThrottle } from '../web/order-lookup-throttle';
import { noStore } from './no-store';

const LOOKUP_PATH = '/orders/lookup';

export function orderLookupRoutes(deps: { db: Database; orderLinks: OrderLinks }): Router {
  const router = Router();
  router.get(['/orders/:id/open'], noStore);

  function showForm(res: Response, status: number, values: Record<string, unknown>, extra: { errors?: LookupFormErrors; problem?: string } = {}) {
    res.status(status).render('orders/lookup.njk', { values, errors: extra.errors ?? {}, problem: extra.problem });
  }

  // A new session id first (a planted one stops here), then the grant, on the new session's row.
  async function openOrder(req: Request, res: Response, orderId: string, via: AccessVia) {
    await renewSessionKeepingAccess(deps.db, req);
    await grantOrderAccess(deps.db, { orderId, sessionId: req.sessionID, via });
    req.log.info({ orderId, via }, 'order opened in another browser');
    res.redirect(303, `/orders/${orderId}`);
  }

  // The form is checked before the throttles, whose keys are built from it.
  const readForm: RequestHandler = (req, res, next) => {
    const read = readLookupForm(req.body);
    if ('errors' in read) return showForm(res, 422, req.body ?? {}, { errors: read.errors });
    res.locals.lookupForm = read.form;
    next();
  };

  router.get(LOOKUP_PATH, (_req, res) => showForm(res, 200, {}));

  router.post(LOOKUP_PATH, readForm, ...orderLookupThrottle(deps.db), async (req, res) => {
    const form = res.locals.lookupForm as LookupForm;
    const orderId = await findOrderByContact(deps.db, form);
    // One answer for an unknown number and a wrong contact; the throttle counts it as a failure.
    if (!orderId) return showForm(res, 404, { ...form }, { problem: 'lookup.notFound' });
    return openOrder(req, res, orderId, 'lookup');
  });

  async function linkedOrder(req: Request, res: Response, until: unknown, sig: unknown): Promise<string | undefined> {
    const id = String(req.params.id);
    const check = deps.orderLinks.check(id, until, sig);
    const order = check === 'valid' ? await deps.db.order.findUnique({ where: { id }, select: { id: true } }) : null;
    if (order) return order.id;
    const expired = check === 'expired';
    showForm(res, expired ? 410 : 404, {}, { problem: expired ? 'lookup.linkExpired' : 'lookup.linkInvalid' });
    return undefined;
  }

  router.get('/orders/:id/open', async (req, res) => {
    const orderId = await linkedOrder(req, res, req.query.until, req.query.sig);
    if (orderId) res.render('orders/open.njk', { orderId, until: req.query.until, sig: req.query.sig });
  });

  router.post('/orders/:id/open', async (req, res) => {
    const body = (req.body ?? {}) as { until?: unknown; sig?: unknown };
    const orderId = await linkedOrder(req, res, body.until, body.sig);
    if (orderId) await openOrder(req, res, orderId, 'link');
  });

  return router;
}
