// The shop's composition root: wires the shop together from its validated settings and runs it
// until SIGINT or SIGTERM. With nothing configured it starts an embedded PostgreSQL and an embedded
// SinoPac sandbox, so a fresh clone is a working shop. `npm start` (main.ts) and the bench call it.
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BankCredentials, Config } from './config';
import { createLogger } from './logger';
import { migrateDatabase, openDatabaseServer } from './db/database-server';
import { createDatabase, poolOf } from './db/prisma';
import { startProductCache } from './catalog/product-cache';
import { createExchangeAudit } from './payments/exchange-audit';
import { SinopacClient } from './sinopac/client';
import { createSessionStore } from './web/session';
import { createApp } from './app';
import { projectPath } from './paths';
import { createJobQueue } from './jobs/job-queue';
import { paymentJobs } from './jobs/payment-jobs';
import { settlementJob } from './settlement/settlement-job';
import { gracefulShutdown } from './shutdown';
import { createMetrics } from './metrics';
import type { MailCatcher, RunningSandbox, TestCard } from 'sinopac-sandbox';
import { defaultCatalogs, mergeCatalogs } from './i18n/translate';
import { createOrderLinks } from './orders/order-link';
import { createSmtpSender } from './mail/sender';
import { createMailRenderer } from './mail/templates';
import { MAIL_OUTBOX_JOB, mailJobs } from './mail/deliver';
import { listenForOutbox } from './mail/outbox';
import { EcpayProvider } from './einvoice/ecpay/ecpay-provider';
import { isEcpayStageHost } from './einvoice/ecpay/stage';
import type { EinvoicePageSettings } from './checkout/invoice-choice';
import { listenForInvoiceSteps } from './einvoice/invoice-queue';
import { EINVOICE_JOB, einvoiceJob } from './einvoice/invoice-steps';
import type { InvoiceProvider } from './einvoice/provider';

// The bank's hosted card and WebATM pages live on other hosts than its API (docs/sinopac-protocol.md §4.2).
const BANK_PAGE_ORIGINS = ['https://*.sinopac.com'];

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

interface Bank {
  apiUrl: string;
  credentials: BankCredentials;
  pageOrigins: string[];
  sandbox?: { running: RunningSandbox; testCard: TestCard | undefined };
}

async function connectBank(config: Config, log: (line: string) => void, mailCatcher: MailCatcher | undefined): Promise<Bank> {
  if (config.bank.mode === 'remote') {
    return { apiUrl: config.bank.apiUrl, credentials: config.bank.credentials, pageOrigins: BANK_PAGE_ORIGINS };
  }
  log('No SinoPac credentials configured: starting the embedded SinoPac sandbox ...');
  // Loaded only here: a shop with a real bank never pays the sandbox's memory (about 20 MB of RSS).
  const { DEMO_SHOP, startSandbox, TEST_CARDS } = await import('sinopac-sandbox');
  const sandbox = await startSandbox({ port: config.bank.sandboxPort, shops: [DEMO_SHOP], mailbox: mailCatcher });
  const testCard = TEST_CARDS.find((c) => c.outcome === 'approved');
  return { apiUrl: sandbox.apiUrl, credentials: DEMO_SHOP, pageOrigins: [sandbox.origin], sandbox: { running: sandbox, testCard } };
}

interface Einvoicing {
  /** Undefined with EINVOICE=off: no invoice is issued. */
  provider?: InvoiceProvider;
  /** Where the invoices go, for the start-up lines. */
  description: string;
  simulator?: { close(): Promise<void> };
}

async function connectEinvoicing(config: Config, clock: () => Date, log: (line: string) => void): Promise<Einvoicing> {
  const settings = config.einvoice;
  if (settings.mode === 'off') return { description: 'E-invoices: off (EINVOICE=off)' };
  if (settings.mode === 'remote') {
    return { provider: new EcpayProvider({ ...settings, clock }), description: `E-invoices: ECPay at ${settings.apiUrl} as merchant ${settings.merchantId}` };
  }
  log('No e-invoice credentials configured: starting the embedded ECPay e-invoice simulator ...');
  // Loaded only here, like the bank's sandbox: a shop issuing real invoices never loads it.
  const { startEinvoiceSandbox, STAGE_MERCHANT } = await import('ecpay-einvoice-sandbox');
  const simulator = await startEinvoiceSandbox({ port: 0, clock });
  return {
    provider: new EcpayProvider({ apiUrl: simulator.apiUrl, ...STAGE_MERCHANT, timeoutMs: settings.timeoutMs, clock }),
    description: `E-invoices: embedded ECPay simulator; its console is ${simulator.origin}/console`,
    simulator,
  };
}

/** What checkout and the back office say of e-invoicing: whether it is on, and which environment the invoices go to. */
function einvoicePageSettings(settings: Config['einvoice']): EinvoicePageSettings {
  if (settings.mode === 'off') return { enabled: false, environment: 'production' };
  if (settings.mode === 'embedded-sandbox') return { enabled: true, environment: 'simulator' };
  return { enabled: true, environment: isEcpayStageHost(settings.apiUrl) ? 'stage' : 'production' };
}

export async function runShop(config: Config): Promise<void> {
  // Set before Prisma compiles its WASM query compiler (at the first query): V8's optimizing tier for
  // WASM keeps its machine code resident, and the query compiler gains no CPU from it
  // (BENCHMARKS.md has the figures).
  setFlagsFromString('--liftoff-only');
  // V8 otherwise lets the old generation grow to four times what survived its last full collection
  // and keeps it after a burst of callbacks; doubling at most bounds the memory a burst leaves
  // behind, at no CPU cost the bench can tell from noise.
  setFlagsFromString('--heap-growing-percent=100');
  const logger = createLogger(config.logLevel);
  // Start-up progress is for the person at the terminal; a production server keeps it in its JSON log.
  const say = config.env === 'production' ? (line: string) => logger.info(line) : (line: string) => console.log(line);

  const databaseServer = await openDatabaseServer(config.database, say, { callerHandlesSignals: true });
  await migrateDatabase(databaseServer.url, say);
  const db = createDatabase(databaseServer.url, {
    onPoolError: (error) => logger.warn({ err: error }, 'database: idle connection lost'),
  });
  // The demo products make a fresh clone a shop to try; a production shop starts with none, and the
  // merchant adds its own in the back office. Loaded only here, with their drawings, like the sandbox.
  if (config.env !== 'production') {
    const seeded = await (await import('./catalog/seed')).seedProducts(db);
    if (seeded > 0) say(`Seeded ${seeded} products`);
  }

  // Without SMTP_URL (never in production) the shop's e-mails go to a catcher on loopback, shown
  // on the sandbox console's Mail page.
  const mailCatcher = config.mail.smtpUrl ? undefined : await (await import('sinopac-sandbox')).startMailCatcher({ port: 0 });
  const mailSender = createSmtpSender(config.mail.smtpUrl ?? mailCatcher!.url);
  const bank = await connectBank(config, say, mailCatcher);
  const audit = createExchangeAudit({ pool: poolOf(db), logger });
  const metrics = createMetrics({ processMetrics: true });
  const sinopac = new SinopacClient({
    apiUrl: bank.apiUrl,
    shopNo: bank.credentials.shopNo,
    hashKeys: bank.credentials.hashKeys,
    keyId: bank.credentials.keyId,
    timeoutMs: config.bank.timeoutMs,
    publishedTestCardPays: config.publishedTestCardPays,
    onExchange: (exchange) => {
      audit.record(exchange);
      metrics.bankExchange(exchange);
    },
  });
  const sessions = createSessionStore(databaseServer.url, logger);
  const products = await startProductCache({ db, databaseUrl: databaseServer.url, logger });
  const clock = () => new Date();
  const einvoicing = await connectEinvoicing(config, clock, say);
  const server = createServer();
  // Nothing is awaited from here until the app takes the server's requests: a connection accepted
  // in between would be left without an answer.
  const port = await listen(server, config.port, config.host);
  // Where this machine reaches the shop: loopback when it listens on every address.
  const localHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const localUrl = `http://${localHost}:${port}`;
  const publicBaseUrl = config.publicBaseUrl ?? localUrl;
  // Outside production a per-start secret is enough: sessions only need to outlive one run.
  const sessionSecret = config.sessionSecret ?? randomBytes(32).toString('hex');

  // The bank check, the ATM expiry, the daily settlement, the mail outbox and the e-invoices, shared with every other instance on this database.
  const jobs = createJobQueue({
    databaseUrl: databaseServer.url,
    logger,
    everySeconds: config.jobs.jobsEverySeconds,
    jobs: [
      ...paymentJobs({ db, sinopac, clock, logger }, { ...config.jobs, cardExpMinutes: config.cardExpMinutes }),
      settlementJob({ db, sinopac, clock, logger, onDifferences: metrics.settlementDifferences }),
      ...mailJobs({
        db,
        sender: mailSender,
        render: createMailRenderer({ viewsDir: projectPath('views'), catalog: mergeCatalogs(...defaultCatalogs) }),
        clock,
        logger,
        from: config.mail.from,
        orderLinks: createOrderLinks(sessionSecret, clock),
        publicBaseUrl,
      }),
      ...(einvoicing.provider ? [einvoiceJob({ db, provider: einvoicing.provider, clock, logger })] : []),
    ].map(metrics.timedJob),
  });
  const app = createApp({
    db,
    sinopac,
    logger,
    clock,
    sessionStore: sessions.store,
    products,
    metrics,
    settings: {
      production: config.env === 'production',
      bankTestMode: config.bankTestMode,
      sessionSecret,
      publicBaseUrl,
      bankOrigins: bank.pageOrigins,
      atmExpireDays: config.atmExpireDays,
      cardExpMinutes: config.cardExpMinutes,
      callbackScreening: { allow: config.callbackAllow },
      metricsToken: config.metricsToken,
      trustProxy: config.trustProxy,
      einvoice: einvoicePageSettings(config.einvoice),
    },
    // Checkout asks the provider whether a typed mobile barcode or donation code exists.
    ...(einvoicing.provider && { invoiceRecipientChecks: einvoicing.provider }),
    admin: config.admin,
  });
  server.on('request', app);
  await jobs.start();
  const outboxWakeup = await listenForOutbox({
    databaseUrl: databaseServer.url,
    logger,
    onWake: () => void jobs.kick(MAIL_OUTBOX_JOB).catch((error: unknown) => logger.error({ err: error }, 'could not kick the mail outbox')),
  });
  const invoiceWakeup = einvoicing.provider
    ? await listenForInvoiceSteps({
        databaseUrl: databaseServer.url,
        logger,
        onWake: () => void jobs.kick(EINVOICE_JOB).catch((error: unknown) => logger.error({ err: error }, 'could not kick the einvoice job')),
      })
    : undefined;

  say(`Fengshou Shop is open at ${localUrl}/`);
  say(config.admin ? `Back office: ${localUrl}/admin` : 'Back office off: set ADMIN_USERNAME and ADMIN_PASSWORD_HASH to open /admin');
  const card = bank.sandbox?.testCard;
  if (bank.sandbox && card) {
    say(`Bank: embedded SinoPac sandbox; its console is ${bank.sandbox.running.origin}/console`);
    say(`Test card: ${card.number.replace(/(\d{4})(?=\d)/g, '$1-')}, expiry ${card.expiry}, CVV ${card.cvv}`);
  } else {
    say(`Bank: ${bank.apiUrl} as shop ${bank.credentials.shopNo}`);
  }
  say(einvoicing.description);
  if (mailCatcher) {
    say(bank.sandbox ? `Mail: caught on loopback, not delivered; read it at ${bank.sandbox.running.origin}/console/mail` : 'Mail: caught on loopback, not delivered (set SMTP_URL to send it)');
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal} received: finishing requests in flight, then stopping`);
    // After the requests in flight, in this order. The job queue goes first: a running pass still
    // needs the bank and the database.
    const clean = await gracefulShutdown(
      server,
      [
        { name: 'mail outbox listener', close: () => outboxWakeup.close() },
        { name: 'e-invoice step listener', close: () => invoiceWakeup?.close() },
        { name: 'job queue', close: () => jobs.stop() },
        { name: 'mail sender', close: () => mailSender.close() },
        { name: 'mail catcher', close: () => mailCatcher?.close() },
        { name: 'sandbox', close: () => bank.sandbox?.running.close() },
        { name: 'e-invoice simulator', close: () => einvoicing.simulator?.close() },
        { name: 'gateway audit', close: () => audit.flush() },
        { name: 'sessions', close: () => sessions.close() },
        { name: 'product cache listener', close: () => products.close() },
        { name: 'database client', close: () => db.$disconnect() },
        { name: 'database server', close: () => databaseServer.close() },
      ],
      { logger },
    );
    process.exit(clean ? 0 : 1);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
