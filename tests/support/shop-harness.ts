// The shop and the SinoPac sandbox on loopback ports, over a fresh test database: real HTTP both
// ways, so the sandbox's notifications reach the shop's BackendURL and its card page posts to the
// shop's ReturnURL. A shopper is a session cookie made for a shopperId, since the tests place
// orders straight in the database.
import type { CallbackScreeningSettings } from '../../src/web/callback-screening';
import type { AdminCredentials } from '../../src/admin/sign-in';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SessionData } from 'express-session';
import type { DestinationStream } from 'pino';
import { createApp } from '../../src/app';
import { poolOf, type Database } from '../../src/db/prisma';
import { createLogger } from '../../src/logger';
import { createExchangeAudit, type ExchangeAudit } from '../../src/payments/exchange-audit';
import type { PaymentAttemptDependencies } from '../../src/payments/start-attempt';
import { DEMO_SHOP, startSandbox, type RunningSandbox, type StartSandboxOptions, silentLogger } from 'sinopac-sandbox';
import { SinopacClient } from '../../src/sinopac/client';
import type { RateLimitSettings } from '../../src/web/rate-limits';
import { createSessionStore, type SessionStore } from '../../src/web/session';
import { createTestDatabase, type TestDatabase } from './test-database';

export const SESSION_SECRET = 'shop-harness-session-secret';
const SESSION_COOKIE = 'fengshou.sid';

export interface ShopHarness {
  /** e.g. http://127.0.0.1:40123 — also the shop's publicBaseUrl. */
  baseUrl: string;
  db: Database;
  /** The test database's URL, for parts that open their own connections (the job queue). */
  databaseUrl: string;
  sandbox: RunningSandbox;
  audit: ExchangeAudit;
  /** What startPaymentAttempt needs, wired like the app's own. */
  attemptDeps: PaymentAttemptDependencies;
  /** A Cookie header for a browser whose session holds this shopperId, with the CSRF cookie its forms need. */
  shopperCookie(shopperId: string): Promise<string>;
  close(): Promise<void>;
}

export interface ShopHarnessOptions {
  /** Where the shop's logs go, at every level; none are kept without it. */
  logDestination?: DestinationStream;
  /** An X-KeyID issued to the demo shop: the sandbox then requires it and the shop's client sends it. */
  keyId?: string;
  rateLimits?: Partial<RateLimitSettings>;
  /** The shop's SinopacClient timeout: how long it waits for the bank (default 3 s). */
  bankTimeoutMs?: number;
  callbackScreening?: CallbackScreeningSettings;
  /** Opens the back office with this sign-in. */
  admin?: AdminCredentials;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** express-session's cookie: "s:" + id + "." + base64 HMAC-SHA256 without padding (cookie-signature). */
function signedSessionCookie(sid: string): string {
  const signature = createHmac('sha256', SESSION_SECRET).update(sid).digest('base64').replace(/=+$/, '');
  return `${SESSION_COOKIE}=${encodeURIComponent(`s:${sid}.${signature}`)}`;
}

function saveSession(store: SessionStore['store'], sid: string, data: SessionData): Promise<void> {
  return new Promise((resolve, reject) => store.set(sid, data, (error) => (error ? reject(error) : resolve())));
}

export async function startShopHarness(
  sandboxOptions: Partial<StartSandboxOptions> = {},
  options: ShopHarnessOptions = {},
): Promise<ShopHarness> {
  const database: TestDatabase = await createTestDatabase();
  const { db } = database;
  const sandbox = await startSandbox({
    shops: [{ ...DEMO_SHOP, keyId: options.keyId }],
    port: 0,
    logger: silentLogger,
    atmAutoPayDelayMs: null,
    notifyIntervalMs: 60,
    notifyTimeoutMs: 5_000,
    ...sandboxOptions,
  });
  const server = createServer();
  const baseUrl = `http://127.0.0.1:${await listen(server)}`;
  const logger = options.logDestination ? createLogger('trace', options.logDestination) : createLogger('silent');
  const audit = createExchangeAudit({ pool: poolOf(db), logger });
  const sinopac = new SinopacClient({
    apiUrl: sandbox.apiUrl,
    shopNo: DEMO_SHOP.shopNo,
    hashKeys: DEMO_SHOP.hashKeys,
    keyId: options.keyId,
    timeoutMs: options.bankTimeoutMs ?? 3_000,
    onExchange: audit.record,
  });
  const sessions = createSessionStore(database.url, logger);
  const settings = { publicBaseUrl: baseUrl, atmExpireDays: 3, cardExpMinutes: 10 };
  const clock = () => new Date();
  const app = createApp({
    db,
    sinopac,
    logger,
    clock,
    sessionStore: sessions.store,
    settings: {
      ...settings,
      production: false,
      sessionSecret: SESSION_SECRET,
      bankOrigins: [sandbox.origin],
      rateLimits: options.rateLimits,
      callbackScreening: options.callbackScreening,
    },
    admin: options.admin,
  });
  server.on('request', app);

  return {
    baseUrl,
    db,
    databaseUrl: database.url,
    sandbox,
    audit,
    attemptDeps: { db, sinopac, clock, logger, settings },
    async shopperCookie(shopperId) {
      const sid = randomBytes(24).toString('base64url');
      const expires = new Date(Date.now() + 3_600_000);
      const cookie = { originalMaxAge: 3_600_000, expires, httpOnly: true, path: '/', sameSite: 'lax' };
      await saveSession(sessions.store, sid, { cookie, shopperId } as unknown as SessionData);
      const csrfCookie = (await fetch(`${baseUrl}/`)).headers.getSetCookie().find((line) => line.startsWith('fengshou.csrf='));
      if (!csrfCookie) throw new Error('the shop issued no CSRF cookie');
      return `${signedSessionCookie(sid)}; ${csrfCookie.split(';')[0]}`;
    },
    async close() {
      await sandbox.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await audit.flush();
      await sessions.close();
      await database.drop();
    },
  };
}

/** Polls `probe` until it returns something truthy; fails the test after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
