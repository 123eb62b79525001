// The shop's real app on a fresh test database with the seeded products, talking to the SinoPac
// sandbox over HTTP, for route tests. A Shopper is one browser: its own cookie jar and form tokens.
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { seedProducts } from '../../src/catalog/seed';
import type { Database } from '../../src/db/prisma';
import { createLogger } from '../../src/logger';
import { DEMO_SHOP, silentLogger, startSandbox, type RunningSandbox } from 'sinopac-sandbox';
import { SinopacClient } from '../../src/sinopac/client';
import { createSessionStore } from '../../src/web/session';
import { createTestDatabase } from './test-database';

export interface ShopApp {
  app: Express;
  db: Database;
  /** The bank: its control sets faults (unavailable, createRefusal, …). */
  bank: RunningSandbox;
  close(): Promise<void>;
}

type AppSettings = Parameters<typeof createApp>[0]['settings'];

/** `settings`: any of the app's settings to use instead of the defaults below; `extra`: optional dependencies. */
export async function startShopApp(settings: Partial<AppSettings> = {}, extra: Pick<Parameters<typeof createApp>[0], 'invoiceRecipientChecks'> = {}): Promise<ShopApp> {
  const database = await createTestDatabase();
  await seedProducts(database.db);
  const bank = await startSandbox({ shops: [DEMO_SHOP], port: 0, logger: silentLogger, atmAutoPayDelayMs: null });
  const logger = createLogger('silent');
  const sessions = createSessionStore(database.url, logger);
  const app = createApp({
    db: database.db,
    sinopac: new SinopacClient({ apiUrl: bank.apiUrl, shopNo: DEMO_SHOP.shopNo, hashKeys: DEMO_SHOP.hashKeys, timeoutMs: 2_000 }),
    logger,
    clock: () => new Date(),
    sessionStore: sessions.store,
    settings: {
      production: false,
      sessionSecret: 'route-test-secret',
      publicBaseUrl: 'https://shop.example',
      bankOrigins: [bank.origin],
      atmExpireDays: 3,
      cardExpMinutes: 10,
      ...settings,
    },
    ...extra,
  });
  return {
    app,
    db: database.db,
    bank,
    async close() {
      await sessions.close();
      await bank.close();
      await database.drop();
    },
  };
}

function hiddenField(html: string, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];
  if (!value) throw new Error(`the page has no ${name} field`);
  return value;
}

export interface CheckoutDetails {
  name: string;
  email: string;
  phone: string;
  postcode: string;
  city: string;
  district: string;
  street: string;
  recipientName?: string;
  recipientPhone?: string;
  payType: 'atm' | 'card';
  /** The e-invoice choice's fields (src/checkout/invoice-choice.ts); none is the member carrier. */
  invoiceRecipient?: string;
  invoiceBarcode?: string;
  invoiceCertificate?: string;
  invoiceTaxId?: string;
  invoiceCompanyName?: string;
  invoiceCharity?: string;
  invoiceDonationCode?: string;
}

export const CUSTOMER: CheckoutDetails = {
  name: '王小明', email: 'xiaoming@example.tw', phone: '0912345678',
  postcode: '106', city: '臺北市', district: '大安區', street: '復興南路一段 390 號 3 樓',
  payType: 'card',
};

export class Shopper {
  readonly agent: ReturnType<typeof request.agent>;

  /** The app itself, or the base URL of a shop already listening. */
  constructor(app: Express | string) {
    this.agent = request.agent(app);
  }

  /** The browser's CSRF token, as the catalog page's forms carry it. */
  async csrfToken(): Promise<string> {
    return hiddenField((await this.agent.get('/')).text, '_csrf');
  }

  /** Posts a form with the session's CSRF token. The token is fetched first: the agent attaches its cookies when a request is created. */
  async post(path: string, fields: Record<string, unknown> = {}) {
    const _csrf = await this.csrfToken();
    return this.agent.post(path).type('form').send({ _csrf, ...fields });
  }

  async addToCart(productId: number, quantity = 1) {
    return this.post('/cart/items', { productId, quantity });
  }

  /** Opens the checkout page and returns its form's hidden fields. */
  async openCheckout(): Promise<{ _csrf: string; checkoutToken: string }> {
    const page = await this.agent.get('/checkout');
    if (page.status !== 200) throw new Error(`checkout page answered ${page.status}`);
    return { _csrf: hiddenField(page.text, '_csrf'), checkoutToken: hiddenField(page.text, 'checkoutToken') };
  }

  /** The session cookie's value as this browser holds it ("s:<id>.<signature>"), if it has one. */
  sessionCookie(): string | undefined {
    const cookie = this.agent.jar.getCookie('fengshou.sid', { domain: '127.0.0.1', path: '/', script: false, secure: false });
    return cookie ? decodeURIComponent(cookie.value) : undefined;
  }

  /** Puts a session cookie in this browser, as a sibling subdomain could where the name has no __Host- prefix. */
  plantSessionCookie(value: string): void {
    this.agent.jar.setCookie(`fengshou.sid=${encodeURIComponent(value)}; Path=/`, '127.0.0.1', '/');
  }

  async checkout(details: Partial<CheckoutDetails> = {}) {
    const tokens = await this.openCheckout();
    return this.agent.post('/checkout').type('form').send({ ...tokens, ...CUSTOMER, ...details });
  }
}
