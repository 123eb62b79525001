import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { ControlError, type EinvoiceSandboxControl } from './control';
import { faultsSchema } from './faults';

export const CONTROL_PREFIX = '/control';

/** The in-process control as JSON, for tests and tools in other processes. */
export function controlApiRoutes(control: EinvoiceSandboxControl): Router {
  const router = Router();
  router.use(express.json({ limit: '16kb' }));
  router.get('/invoices', (_req, res) => {
    res.json(control.invoices());
  });
  router.get('/faults', (_req, res) => {
    res.json(control.faults());
  });
  router.put('/faults', (req, res) => {
    res.json(control.setFaults(faultsSchema.parse(req.body ?? {})));
  });
  router.post('/allowances/:allowanceNo/agree', async (req, res) => {
    res.json(await control.agreeAllowance(String(req.params.allowanceNo)));
  });
  router.post('/reset', (_req, res) => {
    control.reset();
    res.status(204).end();
  });
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (error instanceof z.ZodError) res.status(400).json({ error: 'invalid faults', issues: error.issues });
    else if (error instanceof ControlError) res.status(error.status).json({ error: error.message });
    else if (typeof (error as { status?: unknown }).status === 'number') res.status((error as { status: number }).status).json({ error: 'malformed request body' });
    else next(error);
  });
  return router;
}
