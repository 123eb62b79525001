import express, { type Express } from 'express';
import { apiRoutes, HungResponses } from './api-routes';
import { assetRoutes } from './assets';
import { atmPageRoutes } from './atm-page';
import { cardPageRoutes } from './card-page';
import { SandboxClock } from './clock';
import { consoleRoutes } from './console';
import { CONSOLE_MAIL_PATH, consoleMailRoutes } from './console-mail';
import { SandboxControl } from './control';
import { CONTROL_API_PREFIX, controlApiRoutes } from './control-api';
import { ExchangeLog } from './exchanges';
import { FaultBook } from './faults';
import { Lifecycle } from './lifecycle';
import { NonceStore } from './nonces';
import { Notifier } from './notifier';
import { deliveryUrl, resolveOptions, type ResolvedOptions, type SandboxOptions } from './options';
import { openApiDocument, OPENAPI_PATH } from './openapi';
import { OrderBook } from './orders';
import { Timers } from './timers';

// The exchange log keeps the latest Nonce and Order calls: this many, and Messages of at most this
// many characters in all, so a long run's memory stays bounded.
const EXCHANGE_LOG_CAPACITY = 1_000;
const EXCHANGE_LOG_MAX_CHARS = 16_000_000;

export interface SandboxState {
  book: OrderBook;
  nonces: NonceStore;
  faults: FaultBook;
  notifier: Notifier;
}

export interface Sandbox {
  app: Express;
  state: SandboxState;
  control: SandboxControl;
  options: ResolvedOptions;
  /** Stops every timer, pending notification and held response. The HTTP server is the caller's. */
  close(): void;
}

export function createSandbox(sandboxOptions: SandboxOptions): Sandbox {
  const options = resolveOptions(sandboxOptions);
  const { logger } = options;
  // The control API moves this clock; it starts at the given one's time.
  const sandboxClock = new SandboxClock(options.clock);
  const clock = sandboxClock.now;
  const exchanges = new ExchangeLog(EXCHANGE_LOG_CAPACITY, EXCHANGE_LOG_MAX_CHARS);
  const timers = new Timers((error) => logger.error(`background task failed: ${error instanceof Error ? error.message : String(error)}`));
  const book = new OrderBook();
  const faults = new FaultBook(options.faults);
  const nonces = new NonceStore(clock, options.nonceTtlMs);
  const hung = new HungResponses();
  const notifier = new Notifier({
    intervalMs: options.notifyIntervalMs,
    maxDeliveries: options.maxDeliveries,
    timeoutMs: options.notifyTimeoutMs,
    outOfOrderWindowMs: options.outOfOrderWindowMs,
    fetch: options.fetch,
    timers,
    clock,
    logger,
    faultsFor: (n) => faults.effective(book.get(n.shopNo, n.orderNo)),
  });
  const lifecycle = new Lifecycle({
    book, notifier, timers, clock, atmAutoPayDelayMs: options.atmAutoPayDelayMs, logger,
    deliveryUrl: (shopNo, backendUrl) => deliveryUrl(options.shops.get(shopNo), backendUrl),
  });
  const control = new SandboxControl({ book, lifecycle, notifier, faults, clock: sandboxClock, exchanges });

  const app = express();
  app.disable('x-powered-by');
  app.use(apiRoutes({
    shops: options.shops, nonces, book, lifecycle, faults, hung, clock, publicOrigin: options.publicOrigin, logger, exchanges, timers,
  }));
  app.use(assetRoutes());
  app.use(cardPageRoutes({ book, lifecycle, clock }));
  app.use(atmPageRoutes({ book, lifecycle }));
  const { mailbox } = sandboxOptions;
  app.use(consoleRoutes(control, {
    shops: sandboxOptions.shops,
    publicOrigin: options.publicOrigin,
    ...(mailbox ? { mailPath: CONSOLE_MAIL_PATH, mailCount: () => mailbox.mails().length } : {}),
  }));
  if (mailbox) app.use(consoleMailRoutes(mailbox));
  app.use(CONTROL_API_PREFIX, controlApiRoutes(control));
  app.get(OPENAPI_PATH, (req, res) => {
    res.json(openApiDocument(options.publicOrigin ?? `${req.protocol}://${req.get('host')}`));
  });
  app.get('/', (_req, res) => res.redirect('/console'));
  // Browsers ask for it on every page; an empty answer keeps their consoles free of 404s.
  app.get('/favicon.ico', (_req, res) => res.status(204).end());
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    logger.error(`request failed: ${error instanceof Error ? error.message : String(error)}`);
    res.status(500).json({ error: 'internal sandbox error' });
  });

  return {
    app,
    state: { book, nonces, faults, notifier },
    control,
    options,
    close() {
      notifier.close();
      timers.close();
      hung.releaseAll();
    },
  };
}
