// The merchant's back office under /admin. Only the login page is open; everything after the
// gate needs a current sign-in, so no page, form or export is reachable otherwise.
import { Router } from 'express';
import type { Logger } from 'pino';
import { requireAdmin, type AdminCredentials } from '../admin/sign-in';
import type { Database } from '../db/prisma';
import type { SinopacClient } from '../sinopac/client';
import { adminLoginRoutes } from './admin-login';
import { adminCategoryRoutes } from './admin-categories';
import { adminOrderRoutes } from './admin-orders';
import { adminPaymentRoutes } from './admin-payments';
import { adminProductRoutes } from './admin-products';
import { adminSettlementRoutes } from './admin-settlement';
import { adminFulfilmentRoutes } from './admin-fulfilment';
import { adminTrailRoutes } from './admin-trail';
import { adminRefundReviewRoutes } from './admin-refund-review';
import { adminSettingsRoutes } from './admin-settings';
import { adminInvoicePageRoutes } from './admin-invoice-pages';
import type { EinvoicePageSettings } from '../checkout/invoice-choice';
import { adminInvoiceRoutes } from './admin-invoices';
import { requireEnabledAccount } from '../admin/accounts';
import { navCounts } from '../admin/nav-counts';

export interface AdminDependencies {
  db: Database;
  sinopac: SinopacClient;
  clock: () => Date;
  logger: Logger;
  credentials: AdminCredentials;
  settings: { einvoice?: EinvoicePageSettings };
}

export function createAdminRoutes(deps: AdminDependencies): Router {
  const router = Router();
  router.use(adminLoginRoutes(deps));
  router.use(requireAdmin(deps.clock));
  router.use(requireEnabledAccount(deps.db));
  router.use(navCounts(deps.db));
  router.get('/', (_req, res) => res.redirect(303, '/admin/orders'));
  router.use(adminFulfilmentRoutes(deps));
  router.use(adminTrailRoutes(deps));
  router.use(adminRefundReviewRoutes(deps));
  router.use(adminOrderRoutes(deps));
  router.use(adminPaymentRoutes(deps));
  router.use(adminSettlementRoutes(deps));
  router.use(adminProductRoutes(deps));
  router.use(adminCategoryRoutes(deps));
  router.use(adminSettingsRoutes(deps));
  router.use(adminInvoicePageRoutes(deps));
  router.use(adminInvoiceRoutes(deps));
  return router;
}
