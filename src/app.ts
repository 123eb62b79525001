// Builds the shop's Express app from its dependencies. The order of this list is the path every
// request travels; reading it top to bottom tells how the shop works.
import express from 'express';
import type { Logger } from 'pino';
import type session from 'express-session';
import type { Database } from './db/prisma';
import type { SinopacClient } from './sinopac/client';
import { DEFAULT_LOCALE, type Catalog } from './i18n/locales';
import { defaultCatalogs, mergeCatalogs, translator } from './i18n/translate';
import { setUpRequestLogging } from './web/request-logging';
import { setUpHealth } from './web/health';
import { setUpHttpsOnly } from './web/https-only';
import type { ShopMetrics } from './metrics';
import { setUpSecurityHeaders } from './web/security-headers';
import { setUpViews } from './web/views';
import { setUpLocale } from './web/locale';
import { sessionHandlers } from './web/session';
import { readCookies, shopCookies } from './web/cookies';
import { setUpCsrf } from './web/csrf';
import { answerErrorsWith, errorHandler, notFoundHandler } from './web/errors';
import { createRateLimits, limitAlongside, type RateLimitSettings } from './web/rate-limits';
import { createCallbackScreening, type CallbackScreeningSettings } from './web/callback-screening';
import { catalogRoutes, navbarCategories } from './routes/catalog';
import { cartCountFromCookie, cartCountFromSession, cartRoutes } from './routes/cart';
import { SHOP_INFO_PATHS, shopInfoRoutes } from './routes/shop-info';
import { checkoutRoutes } from './routes/checkout';
import { orderRoutes } from './routes/orders';
import { orderLookupRoutes } from './routes/order-lookup';
import { createOrderLinks } from './orders/order-link';
import { NOTIFY_PATH, paymentCallbackRoutes, RETURN_PATH } from './routes/payment-callbacks';
import { paymentResultRoutes } from './routes/payment-result';
import { createAdminRoutes } from './routes/admin';
import { photoUploadParser } from './admin/photo-upload';
import { SHIPMENT_UPLOAD_PATH, shipmentCsvUpload } from './routes/admin-fulfilment';
import { requireAdmin, type AdminCredentials } from './admin/sign-in';
import { productsFromTable, type ActiveProducts } from './catalog/products';
import { projectPath } from './paths';
import { photoRoutes } from './routes/photos';
import type { EinvoicePageSettings } from './checkout/invoice-choice';
import type { InvoiceRecipientChecks } from './checkout/invoice-recipient-check';

export interface AppDependencies {
  db: Database;
  sinopac: SinopacClient;
  logger: Logger;
  clock: () => Date;
  sessionStore: session.Store;
  /** Where pages read the active products; without it, from the table on every read. */
  products?: ActiveProducts;
  /** Prometheus metrics, served at /metrics; without them /metrics answers 404. */
  metrics?: ShopMetrics;
  settings: {
    production: boolean;
    /** A staging shop on the bank's test host (SINOPAC_ENVIRONMENT=test): every page says "test mode". */
    bankTestMode?: boolean;
    sessionSecret: string;
    /** Origin the bank sends shoppers and notifications back to (the callbacks' URLs are built on it). */
    publicBaseUrl: string;
    /** Origins of the bank's hosted pages that checkout redirects to. */
    bankOrigins: string[];
    atmExpireDays: number;
    cardExpMinutes: number;
    /** Requests per client address; each one left out keeps its default (web/rate-limits.ts). */
    rateLimits?: Partial<RateLimitSettings>;
    /** The bank's source addresses and the unknown-token budget (web/callback-screening.ts). */
    callbackScreening?: CallbackScreeningSettings;
    /** Lets /metrics be read from other than loopback, as "Authorization: Bearer <token>". */
    metricsToken?: string;
    /** Express's "trust proxy": whose X-Forwarded-For/-Proto to believe; loopback unless given. */
    trustProxy?: number | string[];
    /** Whether the shop issues e-invoices, and at which provider's environment; on, at the simulator, unless given. */
    einvoice?: EinvoicePageSettings;
  };
  /** Where checkout asks whether a typed mobile barcode or donation code exists (the e-invoice provider); without it, it does not ask. */
  invoiceRecipientChecks?: InvoiceRecipientChecks;
  /** The merchant's back-office sign-in; without it there is no back office and /admin answers 404. */
  admin?: AdminCredentials;
}

const viewsDir = projectPath('views');

export function createApp(deps: AppDependencies): express.Express {
  const { settings } = deps;
  const catalog: Catalog = mergeCatalogs(...defaultCatalogs);
  const app = express();
  app.disable('x-powered-by');
  // Every page carries its own CSP nonce (and forms their CSRF token), so an ETag of the body, a
  // SHA-1 of every response, would never match. Static files keep theirs (express.static's own).
  app.disable('etag');
  app.set('trust proxy', settings.trustProxy ?? 'loopback');

  setUpRequestLogging(app, deps.logger);
  setUpHealth(app, { db: deps.db, metrics: deps.metrics, metricsToken: settings.metricsToken });
  // Only when the public origin is https: the bench runs production settings on plain loopback.
  if (settings.production && settings.publicBaseUrl.startsWith('https://')) {
    setUpHttpsOnly(app, { publicBaseUrl: settings.publicBaseUrl, logger: deps.logger });
  }
  setUpSecurityHeaders(app, { bankOrigins: settings.bankOrigins, production: settings.production });
  const staticOptions = { maxAge: '1h', index: false as const };
  app.use('/static', express.static(projectPath('public'), staticOptions));
  // Bootstrap is served from its npm package: no CDN.
  app.use('/vendor/bootstrap', express.static(projectPath('node_modules/bootstrap/dist'), staticOptions));
  app.use(photoRoutes({ db: deps.db }));
  setUpViews(app, { viewsDir, watch: !settings.production, testMode: settings.bankTestMode });
  const cookies = shopCookies({ production: settings.production });
  app.use(readCookies);
  setUpLocale(app, catalog, cookies);

  // The bank's notification is answered in its own terms, {"Status":"F"}, whatever refuses it.
  app.use(NOTIFY_PATH, answerErrorsWith({ Status: 'F' }));

  // Limits per client address, before any other database work; a checkout's session is read
  // alongside its count, since it needs both.
  const limits = createRateLimits(deps.db, settings.rateLimits);
  const sessions = sessionHandlers({ store: deps.sessionStore, secret: settings.sessionSecret, cookies });
  app.post([NOTIFY_PATH, RETURN_PATH], limits.callbacks);
  app.post(['/checkout', '/orders/:id/payments', '/orders/:id/pay-again'], limitAlongside(limits.checkout, sessions));
  app.post('/cart{/*rest}', limits.cart);

  // The bank's callbacks: before CSRF and sessions, since the bank has neither.
  app.use(paymentCallbackRoutes({ ...deps, screening: createCallbackScreening(deps.db, settings.callbackScreening) }));

  if (deps.admin) {
    // Photos come as multipart, read before the CSRF check that needs their form's token; only a
    // signed-in merchant's are read at all. Two descriptions of 4,000 Chinese characters,
    // percent-encoded, are about 72 KB.
    app.post('/admin/products/:id/photos', sessions, requireAdmin(deps.clock), photoUploadParser());
    app.post(['/admin/products', '/admin/products/:id'], express.urlencoded({ extended: false, limit: '100kb' }));
    // Six policy texts of up to 8,000 characters, percent-encoded: read only for a signed-in merchant.
    app.post('/admin/settings', sessions, requireAdmin(deps.clock), express.urlencoded({ extended: false, limit: '512kb' }));
    // The carrier's CSV is a file upload whose form's CSRF token is in the multipart body, as photos'.
    app.post(SHIPMENT_UPLOAD_PATH, sessions, requireAdmin(deps.clock), shipmentCsvUpload());
  }
  app.use(express.urlencoded({ extended: false, limit: '20kb' }));
  setUpCsrf(app, { secret: settings.sessionSecret, cookies });

  // The catalog and the products need nothing of the session: the most visited pages skip its
  // database read.
  const products = deps.products ?? productsFromTable(deps.db);
  app.use(navbarCategories(products));
  app.get(['/', '/products/:slug', '/categories/:slug', '/search', ...SHOP_INFO_PATHS], cartCountFromCookie(cookies));
  app.use(catalogRoutes({ db: deps.db, products }));
  app.use(shopInfoRoutes({ db: deps.db }));

  // Pages with the session.
  app.use(sessions);
  if (deps.admin) app.use('/admin', createAdminRoutes({ ...deps, credentials: deps.admin }));
  app.use(cartCountFromSession(cookies));
  app.use(cartRoutes({ db: deps.db, products }));
  app.use(checkoutRoutes(deps));
  // Before the order pages, whose /orders/:id would take "lookup" for an order id.
  app.use(orderLookupRoutes({ db: deps.db, orderLinks: createOrderLinks(settings.sessionSecret, deps.clock) }));
  app.use(orderRoutes(deps));
  app.use(paymentResultRoutes(deps));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger, translator(catalog, DEFAULT_LOCALE)));
  return app;
}
