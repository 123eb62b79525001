// The merchant's trail, listed with filters, and the owner's page of back-office accounts.
import { Router, type Response } from 'express';
import {
  addStaffAccount,
  disableStaffAccount,
  listStaffAccounts,
  requireOwner,
  staffFormProblem,
  staffFormSchema,
  staffPasswordCost,
  MIN_PASSWORD_LENGTH,
} from '../admin/accounts';
import { setNotice } from '../admin/notices';
import type { AdminCredentials } from '../admin/sign-in';
import { findMerchantActions, MERCHANT_ACTIONS, TRAIL_PAGE_SIZE, trailFiltersSchema } from '../admin/trail';
import type { Database } from '../db/prisma';
import { NotFoundError } from '../web/errors';
import { saveSession } from '../web/session';
import { readInput } from './form-input';

export function adminTrailRoutes(deps: { db: Database; clock: () => Date; credentials: AdminCredentials }): Router {
  const router = Router();

  router.get('/trail', async (req, res) => {
    const filters = readInput(trailFiltersSchema, req.query);
    const actions = await findMerchantActions(deps.db, filters);
    res.render('admin/trail.njk', { actions, filters, actionCodes: MERCHANT_ACTIONS, limit: TRAIL_PAGE_SIZE });
  });

  const renderAccounts = async (res: Response, extra: Record<string, unknown> = {}) =>
    res.render('admin/accounts.njk', { accounts: await listStaffAccounts(deps.db), owner: deps.credentials.username, minLength: MIN_PASSWORD_LENGTH, ...extra });

  router.use('/accounts', requireOwner);

  router.get('/accounts', async (_req, res) => {
    await renderAccounts(res);
  });

  router.post('/accounts', async (req, res) => {
    const form = readInput(staffFormSchema, req.body);
    const by = { by: res.locals.admin.username as string, ...(req.ip && { address: req.ip }) };
    const problem = staffFormProblem(form, deps.credentials.username);
    const added = problem ? problem : await addStaffAccount(deps.db, form, by, staffPasswordCost(deps.credentials));
    if (typeof added === 'string') return renderAccounts(res.status(422), { problem: added, username: form.username });
    setNotice(req.session, { tone: 'success', messageKey: 'admin.accounts.added', params: { reason: added.username } });
    await saveSession(req);
    res.redirect(303, '/admin/accounts');
  });

  router.post('/accounts/:id/disable', async (req, res) => {
    const by = { by: res.locals.admin.username as string, ...(req.ip && { address: req.ip }) };
    const account = await disableStaffAccount(deps.db, req.params.id, by, deps.clock());
    if (!account) throw new NotFoundError(`no account ${req.params.id}`);
    setNotice(req.session, { tone: 'success', messageKey: 'admin.accounts.disabled', params: { reason: account.username } });
    await saveSession(req);
    res.redirect(303, '/admin/accounts');
  });

  return router;
}
