// The merchant's contact details and policy texts (shop-info/shop-settings.ts), edited in one form.
import { Router, type Response } from 'express';
import { setNotice } from '../admin/notices';
import type { Database } from '../db/prisma';
import { readShopSettings, readShopSettingsForm, saveShopSettings, SHOP_SETTING_KEYS, type ShopSettingsErrors } from '../shop-info/shop-settings';
import { saveSession } from '../web/session';
import { DEFAULT_EINVOICE, type EinvoicePageSettings } from '../checkout/invoice-choice';

export function adminSettingsRoutes(deps: { db: Database; settings: { einvoice?: EinvoicePageSettings } }): Router {
  const router = Router();
  const einvoice = deps.settings.einvoice ?? DEFAULT_EINVOICE;

  function render(res: Response, status: number, values: Record<string, unknown>, errors: ShopSettingsErrors) {
    res.status(status).render('admin/settings.njk', { values, errors, keys: SHOP_SETTING_KEYS, errorKeys: SHOP_SETTING_KEYS.filter((key) => errors[key]), einvoice });
  }

  router.get('/settings', async (_req, res) => {
    render(res, 200, await readShopSettings(deps.db), {});
  });

  router.post('/settings', async (req, res) => {
    const read = readShopSettingsForm(req.body);
    if ('errors' in read) return render(res, 422, (req.body ?? {}) as Record<string, unknown>, read.errors);
    const changed = await saveShopSettings(deps.db, read.settings, { actor: res.locals.admin.username, ...(req.ip && { address: req.ip }) });
    setNotice(req.session, { tone: 'success', messageKey: changed.length > 0 ? 'admin.settings.saved' : 'admin.settings.unchanged' });
    await saveSession(req);
    res.redirect(303, '/admin/settings');
  });

  return router;
}
