// The shop with its back office, over a fresh test database, talking to the SinoPac sandbox on a
// loopback port. The shop's BackendURL points at a closed port, so every notification is lost:
// attempts are settled only by what a test does (a return delivery, or the back office itself).
import type { Express } from 'express';
import request from 'supertest';
import { hashAdminPassword, type ScryptCost } from '../../src/admin/sign-in';
import { createApp } from '../../src/app';
import { seedProducts } from '../../src/catalog/seed';
import { poolOf, type Database } from '../../src/db/prisma';
import type { Order, Payment } from '../../src/generated/prisma/client';
import { createLogger } from '../../src/logger';
import { createExchangeAudit, type ExchangeAudit } from '../../src/payments/exchange-audit';
import type { PaymentAttemptDependencies } from '../../src/payments/start-attempt';
import { startedAttempt } from './started-attempt';
import { DEMO_SHOP, startSandbox, type RunningSandbox, silentLogger } from 'sinopac-sandbox';
import { SinopacClient } from '../../src/sinopac/client';
import { createSessionStore } from '../../src/web/session';
import { createOrder, createProduct } from './shop-fixtures';
import { createTestDatabase } from './test-database';
import type { EinvoicePageSettings } from '../../src/checkout/invoice-choice';

export const ADMIN_USERNAME = 'merchant';
export const ADMIN_PASSWORD = 'rice-fields-at-dawn-2026';
// The real cost takes a few hundred milliseconds per login; the format carries the cost, so a
// cheap one keeps the many logins of the tests fast without changing any code path.
const passwordHash = hashAdminPassword(ADMIN_PASSWORD, { N: 1024, r: 8, p: 1 });

/** Nothing listens here: the sandbox's notifications are refused at once. */
const LOST_NOTIFICATIONS_URL = 'http://127.0.0.1:9';

export interface AdminHarness {
  app: Express;
  db: Database;
  sandbox: RunningSandbox;
  sinopac: SinopacClient;
  audit: ExchangeAudit;
  attemptDeps: PaymentAttemptDependencies;
  /** A second shop instance on the same database, with its own session store: as a second server would be. */
  anotherInstance(): Promise<Express>;
  close(): Promise<void>;
}

/** `einvoice`: the shop's e-invoice setting (on, at the simulator, unless given). */
export async function startAdminHarness(options: { backOffice?: boolean; clock?: () => Date; passwordCost?: ScryptCost; einvoice?: EinvoicePageSettings } = {}): Promise<AdminHarness> {
  const database = await createTestDatabase();
  const { db } = database;
  await seedProducts(db);
  // One clock for the shop and the bank, so that both agree on what day it is.
  const clock = options.clock ?? (() => new Date());
  const sandbox = await startSandbox({ shops: [DEMO_SHOP], port: 0, logger: silentLogger, atmAutoPayDelayMs: null, maxDeliveries: 1, clock });
  const logger = createLogger('silent');
  const audit = createExchangeAudit({ pool: poolOf(db), logger });
  const sinopac = new SinopacClient({
    apiUrl: sandbox.apiUrl,
    shopNo: DEMO_SHOP.shopNo,
    hashKeys: DEMO_SHOP.hashKeys,
    timeoutMs: 3_000,
    onExchange: audit.record,
  });
  const settings = { publicBaseUrl: LOST_NOTIFICATIONS_URL, atmExpireDays: 3, cardExpMinutes: 10 };
  const sessionStores: Array<ReturnType<typeof createSessionStore>> = [];
  const instance = async () => {
    const sessions = createSessionStore(database.url, logger);
    sessionStores.push(sessions);
    return createApp({
      db,
      sinopac,
      logger,
      clock,
      sessionStore: sessions.store,
      settings: { ...settings, production: false, sessionSecret: 'admin-harness-secret', bankOrigins: [sandbox.origin], ...(options.einvoice && { einvoice: options.einvoice }) },
      ...(options.backOffice !== false && {
        admin: { username: ADMIN_USERNAME, passwordHash: options.passwordCost ? await hashAdminPassword(ADMIN_PASSWORD, options.passwordCost) : await passwordHash },
      }),
    });
  };
  const app = await instance();
  return {
    app,
    db,
    sandbox,
    sinopac,
    audit,
    attemptDeps: { db, sinopac, clock, logger, settings },
    anotherInstance: instance,
    async close() {
      await sandbox.close();
      await audit.flush();
      for (const sessions of sessionStores) await sessions.close();
      await database.drop();
    },
  };
}

export function hiddenField(html: string, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
  if (value === undefined) throw new Error(`the page has no ${name} field`);
  return value;
}

/** One browser in the back office: its own cookies, signed in or not. */
export class AdminBrowser {
  readonly agent: ReturnType<typeof request.agent>;

  constructor(app: Express | string) {
    this.agent = request.agent(app);
  }

  /** The session's CSRF token, from the login page (signed out) or the orders page's sign-out form. */
  async csrfToken(): Promise<string> {
    const page = await this.agent.get('/admin/orders');
    return hiddenField(page.status === 200 ? page.text : (await this.agent.get('/admin/login')).text, '_csrf');
  }

  async login(username = ADMIN_USERNAME, password = ADMIN_PASSWORD) {
    const _csrf = hiddenField((await this.agent.get('/admin/login')).text, '_csrf');
    return this.agent.post('/admin/login').type('form').send({ _csrf, username, password });
  }

  async post(path: string, fields: Record<string, string | number> = {}) {
    const _csrf = await this.csrfToken();
    return this.agent.post(path).type('form').send({ _csrf, ...fields });
  }
}

export async function signedIn(app: Express): Promise<AdminBrowser> {
  const browser = new AdminBrowser(app);
  const response = await browser.login();
  if (response.status !== 303) throw new Error(`login answered ${response.status}`);
  return browser;
}

/** An order with one card attempt created at the sandbox (AutoBilling Y, as the shop does). */
export async function cardAttempt(h: AdminHarness, priceTwd = 1_500): Promise<{ order: Order; payment: Payment }> {
  const product = await createProduct(h.db, { priceTwd, stock: 10 });
  const order = await createOrder(h.db, { lines: [{ product, quantity: 1 }], payType: 'card' });
  const payment = await startedAttempt(h.attemptDeps, { orderId: order.id, payType: 'card' });
  return { order, payment };
}

/** The shopper pays on the sandbox's card page; returns the PayToken the bank would send. */
export function payAtBank(h: AdminHarness, payment: Payment): string {
  return h.sandbox.sandbox.control.pay({ orderNo: payment.orderNo }, 'approved').payToken;
}

/** The shopper's browser comes back through ReturnURL, which settles the attempt the shop's own way. */
export async function deliverReturn(h: AdminHarness, payToken: string): Promise<void> {
  const response = await request(h.app)
    .post('/payments/sinopac/return')
    .type('form')
    .send({ ShopNo: DEMO_SHOP.shopNo, PayToken: payToken });
  if (response.status !== 303) throw new Error(`return delivery answered ${response.status}`);
}

export async function paidCardAttempt(h: AdminHarness, priceTwd = 1_500): Promise<{ order: Order; payment: Payment }> {
  const { order, payment } = await cardAttempt(h, priceTwd);
  await deliverReturn(h, payAtBank(h, payment));
  return { order, payment: await h.db.payment.findUniqueOrThrow({ where: { id: payment.id } }) };
}

/**
 * A card attempt authorised but not captured (AutoBilling N), which the shop itself never asks
 * for, so the attempt is made at the sandbox directly; the authorisation settles it as paid.
 */
export async function authorisedCardAttempt(h: AdminHarness): Promise<{ order: Order; payment: Payment }> {
  const product = await createProduct(h.db, { priceTwd: 2_000, stock: 10 });
  const order = await createOrder(h.db, { lines: [{ product, quantity: 1 }], payType: 'card' });
  const orderNo = `AUTH${Date.now()}${Math.floor(Math.random() * 1e6)}A`;
  const created = await h.sinopac.orderCreate({
    OrderNo: orderNo,
    Amount: order.totalTwd * 100,
    PayType: 'C',
    PrdtName: 'Authorisation test',
    ReturnURL: `${LOST_NOTIFICATIONS_URL}/payments/sinopac/return`,
    CardParam: { AutoBilling: 'N', ExpBillingDays: 7 },
  });
  const payment = await h.db.payment.create({
    data: { orderId: order.id, orderNo, payType: 'card', amount: order.totalTwd * 100, status: 'pending', tsNo: created.TSNo, autoBilling: false },
  });
  await deliverReturn(h, payAtBank(h, payment));
  return { order, payment: await h.db.payment.findUniqueOrThrow({ where: { id: payment.id } }) };
}
