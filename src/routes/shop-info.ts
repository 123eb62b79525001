// The pages a shopper checks before trusting a shop: terms, returns, privacy and contact, in the
// merchant's own words (shop-info/shop-settings.ts). Served without the session, like the catalogue.
import { Router } from 'express';
import type { Database } from '../db/prisma';
import { paragraphs, readShopSettings, shopTexts } from '../shop-info/shop-settings';

const TEXT_PAGES = ['terms', 'returns', 'privacy'] as const;
export const SHOP_INFO_PATHS = ['/terms', '/returns', '/privacy', '/contact'];

export function shopInfoRoutes(deps: { db: Database }): Router {
  const router = Router();

  for (const page of TEXT_PAGES) {
    router.get(`/${page}`, async (req, res) => {
      const settings = await readShopSettings(deps.db);
      res.render('shop-info.njk', { page, paragraphs: paragraphs(shopTexts(settings, req.locale)[page]), contact: settings });
    });
  }

  router.get('/contact', async (_req, res) => {
    res.render('contact.njk', { contact: await readShopSettings(deps.db) });
  });

  return router;
}
