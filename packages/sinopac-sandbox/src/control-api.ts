import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { BankError } from './codes';
import { ControlError, type OrderRef, type SandboxControl } from './control';
import { faultsSchema } from './faults';
import { AmbiguousOrderError, UnknownOrderError } from './orders';

export const CONTROL_API_PREFIX = '/__sandbox';

const payBodySchema = z.strictObject({ outcome: z.enum(['approved', 'declined']).optional() });

function orderRef(req: Request): OrderRef {
  const orderNo = String(req.params.orderNo);
  return typeof req.query.shopNo === 'string' ? { orderNo, shopNo: req.query.shopNo } : { orderNo };
}

/** JSON control API for tests in other processes; every route is also reachable from the console page. */
export function controlApiRoutes(control: SandboxControl): Router {
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  router.get('/orders', (_req, res) => {
    res.json(control.orders());
  });
  router.get('/orders/:orderNo', (req, res) => {
    res.json(control.order(orderRef(req)));
  });
  router.post('/orders/:orderNo/pay', (req, res) => {
    const { outcome } = payBodySchema.parse(req.body ?? {});
    const payment = control.pay(orderRef(req), outcome);
    res.json({ payment, order: control.order(orderRef(req)) });
  });
  router.post('/orders/:orderNo/expire', (req, res) => {
    res.json(control.expire(orderRef(req)));
  });
  router.post('/orders/:orderNo/notify', (req, res) => {
    res.json(control.resendNotification(orderRef(req)));
  });
  router.put('/orders/:orderNo/faults', (req, res) => {
    res.json(control.setOrderFaults(orderRef(req), faultsSchema.parse(req.body ?? {})));
  });
  router.get('/faults', (_req, res) => {
    res.json(control.faults());
  });
  router.put('/faults', (req, res) => {
    res.json(control.setFaults(faultsSchema.parse(req.body ?? {})));
  });
  router.get('/deliveries', (req, res) => {
    const { orderNo, shopNo } = req.query;
    res.json(control.deliveries({
      ...(typeof orderNo === 'string' ? { orderNo } : {}),
      ...(typeof shopNo === 'string' ? { shopNo } : {}),
    }));
  });
  router.post('/reset', (_req, res) => {
    control.reset();
    res.status(204).end();
  });

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof z.ZodError) res.status(400).json({ error: 'invalid request body', issues: error.issues });
    else if (error instanceof UnknownOrderError) res.status(404).json({ error: error.message });
    else if (error instanceof AmbiguousOrderError) res.status(409).json({ error: error.message });
    else if (error instanceof ControlError) res.status(error.status).json({ error: error.message });
    else if (error instanceof BankError) res.status(409).json({ error: error.message, code: error.code });
    else if (typeof (error as { status?: unknown }).status === 'number') {
      res.status((error as { status: number }).status).json({ error: 'malformed request' });
    } else next(error);
  });
  return router;
}
