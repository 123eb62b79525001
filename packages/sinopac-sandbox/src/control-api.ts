import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { BankError } from './codes';
import { ControlError, type OrderRef, type SandboxControl } from './control';
import { faultsSchema } from './faults';
import { AmbiguousOrderError, UnknownOrderError } from './orders';

export const CONTROL_API_PREFIX = '/__sandbox';

const orderFilterSchema = z.strictObject({
  orderNo: z.string().min(1).optional().meta({ description: 'only this OrderNo' }),
  shopNo: z.string().min(1).optional().meta({ description: 'only this ShopNo (needed when several shops used the OrderNo)' }),
});
const shopFilterSchema = orderFilterSchema.pick({ shopNo: true });
const exchangeFilterSchema = orderFilterSchema.extend({
  service: z.string().min(1).optional().meta({ description: 'only this APIService (OrderCreate, OrderQuery, …); Nonce for Nonce calls, Order for Order calls refused before their APIService was read' }),
});
const payBodySchema = z.strictObject({
  outcome: z.enum(['approved', 'declined']).optional()
    .meta({ description: 'card orders only: the test card to pay with (default approved); ATM orders take no outcome' }),
});
const clockBodySchema = z.union([
  z.strictObject({ advanceMinutes: z.number().int().min(-527_040).max(527_040).meta({ description: 'minutes to move the clock by (negative moves it back)' }) }),
  z.strictObject({ set: z.iso.datetime({ offset: true }).meta({ description: 'the instant the clock is to show, e.g. 2026-12-31T23:59:00+08:00' }) }),
  z.strictObject({ reset: z.literal(true).meta({ description: 'back to the time the sandbox was started with' }) }),
]);

type Method = 'get' | 'post' | 'put';
type Handler = (control: SandboxControl, req: Request, res: Response) => void;

/** What the OpenAPI document says about a route; schemas are named components of openapi.ts. */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** Zod schema of the query string, when the route reads one. */
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Status → [description, component schema name or undefined for no body]. */
  responses: Record<number, [string, string?]>;
}

export interface ControlRoute {
  method: Method;
  /** Express path below CONTROL_API_PREFIX. */
  path: string;
  doc: RouteDoc;
  handle: Handler;
}

const ORDER_ERRORS: Record<number, [string, string?]> = {
  404: ['no such order', 'Error'],
  409: ['the OrderNo exists in several shops (give shopNo), or the order\'s state does not allow it', 'Error'],
};

function orderRef(req: Request): OrderRef {
  const orderNo = String(req.params.orderNo);
  const { shopNo } = shopFilterSchema.parse(req.query);
  return shopNo === undefined ? { orderNo } : { orderNo, shopNo };
}

const body = <T>(schema: z.ZodType<T>, req: Request): T => schema.parse(req.body ?? {});

/**
 * The control API: one table that both the router and the OpenAPI document (openapi.ts) are built
 * from, so a route cannot exist undocumented.
 */
export const CONTROL_ROUTES: readonly ControlRoute[] = [
  {
    method: 'get', path: '/orders',
    doc: { summary: 'Every order, with its payments, faults, notifications and their deliveries', responses: { 200: ['the orders, oldest first', 'OrderList'] } },
    handle: (control, _req, res) => res.json(control.orders()),
  },
  {
    method: 'get', path: '/orders/:orderNo',
    doc: { summary: 'One order', query: shopFilterSchema, responses: { 200: ['the order', 'Order'], ...ORDER_ERRORS } },
    handle: (control, req, res) => res.json(control.order(orderRef(req))),
  },
  {
    method: 'post', path: '/orders/:orderNo/pay',
    doc: {
      summary: 'Pay an ATM order now, or approve or decline a card order without the card page',
      description: 'Answers the payment with what the shop receives for it: for a card order the form the card page has the browser POST to the ReturnURL, and the BackendURL notification, which is sent as after a real payment. A declined card is not notified, as at the bank.',
      query: shopFilterSchema, body: payBodySchema,
      responses: { 200: ['the payment, the order after it, and what the shop is sent', 'PaymentView'], 400: ['invalid body', 'Error'], ...ORDER_ERRORS },
    },
    handle: (control, req, res) => res.json(control.payAndShow(orderRef(req), body(payBodySchema, req).outcome)),
  },
  {
    method: 'post', path: '/orders/:orderNo/expire',
    doc: { summary: 'Expire a waiting ATM order (1A250) or card link (1C250) now', query: shopFilterSchema, responses: { 200: ['the order', 'Order'], ...ORDER_ERRORS } },
    handle: (control, req, res) => res.json(control.expire(orderRef(req))),
  },
  {
    method: 'post', path: '/orders/:orderNo/notify',
    doc: {
      summary: 'Send the order\'s latest successful payment result to its BackendURL again, as a new notification',
      query: shopFilterSchema, responses: { 200: ['the new notification', 'Notification'], ...ORDER_ERRORS },
    },
    handle: (control, req, res) => res.json(control.resendNotification(orderRef(req))),
  },
  {
    method: 'put', path: '/orders/:orderNo/faults',
    doc: {
      summary: 'Set one order\'s faults; its keys override the instance-wide ones',
      query: shopFilterSchema, body: faultsSchema,
      responses: { 200: ['the order', 'Order'], 400: ['not a fault set', 'Error'], ...ORDER_ERRORS },
    },
    handle: (control, req, res) => res.json(control.setOrderFaults(orderRef(req), body(faultsSchema, req))),
  },
  {
    method: 'get', path: '/faults',
    doc: { summary: 'The instance-wide faults', responses: { 200: ['the fault set', 'Faults'] } },
    handle: (control, _req, res) => res.json(control.faults()),
  },
  {
    method: 'put', path: '/faults',
    doc: { summary: 'Replace the instance-wide faults ({} clears them)', body: faultsSchema, responses: { 200: ['the fault set', 'Faults'], 400: ['not a fault set', 'Error'] } },
    handle: (control, req, res) => res.json(control.setFaults(body(faultsSchema, req))),
  },
  {
    method: 'get', path: '/notifications',
    doc: {
      summary: 'Every BackendURL notification the sandbox started, with each delivery attempt',
      query: orderFilterSchema, responses: { 200: ['the notifications, oldest first', 'NotificationList'], 400: ['invalid query', 'Error'] },
    },
    handle: (control, req, res) => res.json(control.notifications(orderFilterSchema.parse(req.query))),
  },
  {
    method: 'post', path: '/notifications/retry',
    doc: {
      summary: 'Send now every notification retry that is waiting for its interval',
      description: 'A notification not yet acknowledged is retried every notifyIntervalMs (10 minutes by default); this sends the next attempt of each now instead.',
      query: orderFilterSchema, responses: { 200: ['the notifications retried', 'RetriedNotificationList'], 400: ['invalid query', 'Error'] },
    },
    handle: (control, req, res) => res.json(control.retryNotifications(orderFilterSchema.parse(req.query))),
  },
  {
    method: 'get', path: '/deliveries',
    doc: {
      summary: 'Every delivery attempt of every notification',
      query: orderFilterSchema, responses: { 200: ['the deliveries, oldest first', 'DeliveryList'], 400: ['invalid query', 'Error'] },
    },
    handle: (control, req, res) => res.json(control.deliveries(orderFilterSchema.parse(req.query))),
  },
  {
    method: 'get', path: '/exchanges',
    doc: {
      summary: 'The latest Nonce and Order calls, their Messages decrypted',
      description: 'Kept in memory: the latest 1,000, fewer when their Messages are large. Each with the HTTP status, the time, the service and the request and answer Messages in clear.',
      query: exchangeFilterSchema, responses: { 200: ['the exchanges, oldest first', 'ExchangeList'], 400: ['invalid query', 'Error'] },
    },
    handle: (control, req, res) => res.json(control.exchanges(exchangeFilterSchema.parse(req.query))),
  },
  {
    method: 'get', path: '/clock',
    doc: { summary: 'The sandbox\'s time', responses: { 200: ['the time', 'Clock'] } },
    handle: (control, _req, res) => res.json(control.clock()),
  },
  {
    method: 'post', path: '/clock',
    doc: {
      summary: 'Move the sandbox\'s clock',
      description: 'ATM deadlines, card link expiry, scheduled captures, nonce lifetimes, the dates in answers and BillQuery\'s today follow it. Timers do not: ATM auto-payment and notification retries still wait in real time (use pay and notifications/retry).',
      body: clockBodySchema, responses: { 200: ['the time after the move', 'Clock'], 400: ['invalid body', 'Error'] },
    },
    handle: (control, req, res) => {
      const change = body(clockBodySchema, req);
      res.json(control.moveClock('set' in change ? { set: new Date(change.set) } : change));
    },
  },
  {
    method: 'post', path: '/reset',
    doc: { summary: 'Forget every order, notification, exchange and fault, and put the clock back', responses: { 204: ['done'] } },
    handle: (control, _req, res) => {
      control.reset();
      res.status(204).end();
    },
  },
];

function errorBody(error: unknown): { status: number; body: Record<string, unknown> } | undefined {
  if (error instanceof z.ZodError) return { status: 400, body: { error: `invalid request: ${z.prettifyError(error)}`, issues: error.issues } };
  if (error instanceof UnknownOrderError) return { status: 404, body: { error: error.message } };
  if (error instanceof AmbiguousOrderError) return { status: 409, body: { error: error.message } };
  if (error instanceof ControlError) return { status: error.status, body: { error: error.message } };
  if (error instanceof BankError) return { status: 409, body: { error: error.message, code: error.code } };
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const unparsable = (error as { type?: unknown }).type === 'entity.parse.failed';
  return { status, body: { error: unparsable ? 'the request body is not valid JSON' : 'malformed request' } };
}

/** JSON control API for tests in other processes; the console's buttons use the same SandboxControl. */
export function controlApiRoutes(control: SandboxControl): Router {
  const router = Router();
  router.use((req, res, next) => {
    // A body of another type would otherwise be read as no body at all, i.e. {}.
    const hasBody = req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
    if (hasBody && !req.is('application/json')) res.status(415).json({ error: 'send the body as JSON, with content-type: application/json' });
    else next();
  });
  router.use(express.json({ limit: '64kb' }));
  for (const route of CONTROL_ROUTES) router[route.method](route.path, (req, res) => route.handle(control, req, res));
  router.use((req, res) => {
    res.status(404).json({ error: `no control route ${req.method} ${CONTROL_API_PREFIX}${req.path}; the routes are listed in /openapi.json` });
  });
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const answer = res.headersSent ? undefined : errorBody(error);
    if (answer) res.status(answer.status).json(answer.body);
    else next(error);
  });
  return router;
}
