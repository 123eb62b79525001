// Signing in to and out of the back office.
import { Router } from 'express';
import { z } from 'zod';
import { merchantLoginChecker } from '../admin/accounts';
import { recordMerchantAction } from '../admin/trail';
import type { Database } from '../db/prisma';
import {
  afterLoginPath,
  createLoginThrottle,
  endAdminSession,
  LoginThrottledError,
  signedInAdmin,
  startAdminSession,
  usernameDigest,
  type AdminCredentials,
} from '../admin/sign-in';
import { createHashingGate } from '../admin/hashing-gate';
import { requestClientKey } from '../web/client-address';
import { readInput } from './form-input';

const loginFormSchema = z.object({
  username: z.string().max(200),
  password: z.string().max(200),
  next: z.string().max(2000).optional(),
});

export function adminLoginRoutes(deps: { db: Database; clock: () => Date; credentials: AdminCredentials }): Router {
  const router = Router();
  const checkLogin = merchantLoginChecker(deps.db, deps.credentials);
  const throttle = createLoginThrottle(() => deps.clock().getTime());
  const gate = createHashingGate();

  router.get('/login', (req, res) => {
    if (signedInAdmin(req.session, deps.clock())) return res.redirect(303, '/admin/orders');
    res.render('admin/login.njk', { next: afterLoginPath(req.query.next) });
  });

  router.post('/login', async (req, res) => {
    const form = readInput(loginFormSchema, req.body);
    const next = afterLoginPath(form.next);
    const address = requestClientKey(req);
    // Counted before the hash (sign-in.ts); given back if the gate will not hash it now.
    throttle.attempt(form.username, address);
    let merchant: Awaited<ReturnType<typeof checkLogin>>;
    try {
      merchant = await gate.run(`${address}\u0000${usernameDigest(form.username)}`, () => checkLogin(form.username, form.password));
    } catch (error) {
      if (error instanceof LoginThrottledError) throttle.withdrawn(form.username, address);
      throw error;
    }
    if (!merchant) {
      // The name typed may be a password typed in the wrong field: only a digest of it is logged.
      req.log.warn({ usernameDigest: usernameDigest(form.username) }, 'back-office login failed');
      return res.status(401).render('admin/login.njk', { next, username: form.username, failed: true });
    }
    throttle.succeeded(form.username, address);
    await startAdminSession(req, { ...merchant, signedInAt: deps.clock().getTime() });
    await recordMerchantAction(deps.db, { actor: merchant.username, action: 'sign_in', ...(req.ip && { address: req.ip }) });
    req.log.info({ username: merchant.username, role: merchant.role }, 'back-office login');
    res.redirect(303, next);
  });

  router.post('/logout', async (req, res) => {
    await endAdminSession(req.session);
    res.redirect(303, '/admin/login');
  });

  return router;
}
