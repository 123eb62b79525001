import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { apiRoutes, HeldAnswers } from './api-routes';
import { consoleRoutes, CONSOLE_PATH } from './console';
import { EinvoiceSandboxControl } from './control';
import { CONTROL_PREFIX, controlApiRoutes } from './control-api';
import { FaultBook } from './faults';
import { InvoiceBook } from './invoices';
import { resolveOptions, type StartEinvoiceSandboxOptions } from './options';

export interface EinvoiceSandbox {
  app: Express;
  control: EinvoiceSandboxControl;
  /** Ends held answers and pending delays; the HTTP server is the caller's. */
  close(): void;
}

/** The sandbox as an Express app, without a server: startEinvoiceSandbox listens with it. */
export function createEinvoiceSandbox(sandboxOptions: StartEinvoiceSandboxOptions = {}): EinvoiceSandbox {
  const options = resolveOptions(sandboxOptions);
  const book = new InvoiceBook(options.invoiceTrack);
  const faults = new FaultBook();
  const held = new HeldAnswers();
  const delays = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      delays.delete(timer);
      resolve();
    }, ms);
    delays.add(timer);
  });
  const control = new EinvoiceSandboxControl(book, faults, options.merchants, options.clock);

  const app = express();
  app.disable('x-powered-by');
  app.use(apiRoutes({ merchants: options.merchants, book, faults, held, clock: options.clock, sleep, logger: options.logger }));
  app.use(consoleRoutes(control));
  app.use(CONTROL_PREFIX, controlApiRoutes(control));
  app.get('/', (_req, res) => res.redirect(CONSOLE_PATH));
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    options.logger.error(`request failed: ${error instanceof Error ? error.message : String(error)}`);
    res.status(500).json({ error: 'internal sandbox error' });
  });

  return {
    app,
    control,
    close() {
      for (const timer of delays) clearTimeout(timer);
      delays.clear();
      held.releaseAll();
    },
  };
}
