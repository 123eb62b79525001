// Signing in to and out of the back office.
import { Router } from 'express';
import { z } from 'zod';
import {
  adminLoginChecker,
  afterLoginPath,
  createLoginThrottle,
  endAdminSession,
  signedInAdmin,
  startAdminSession,
  usernameDigest,
  type AdminCredentials,
} from '../admin/sign-in';
import { requestClientKey } from '../web/client-address';
import { readInput } from './form-input';

const loginFormSchema = z.object({
  username: z.string().max(200),
  password: z.string().max(200),
  next: z.string().max(2000).optional(),
});

export function adminLoginRoutes(deps: { clock: () => Date; credentials: AdminCredentials }): Router {
  const router = Router();
  const checkLogin = adminLoginChecker(deps.credentials);
  const throttle = createLoginThrottle(() => deps.clock().getTime());

  router.get('/login', (req, res) => {
    if (signedInAdmin(req.session, deps.clock())) return res.redirect(303, '/admin/orders');
    res.render('admin/login.njk', { next: afterLoginPath(req.query.next) });
  });

  router.post('/login', async (req, res) => {
    const form = readInput(loginFormSchema, req.body);
    const next = afterLoginPath(form.next);
    const address = requestClientKey(req);
    throttle.check(form.username, address);
    if (!(await checkLogin(form.username, form.password))) {
      throttle.failed(form.username, address);
      // The name typed may be a password typed in the wrong field: only a digest of it is logged.
      req.log.warn({ usernameDigest: usernameDigest(form.username) }, 'back-office login failed');
      return res.status(401).render('admin/login.njk', { next, username: form.username, failed: true });
    }
    throttle.succeeded(form.username, address);
    await startAdminSession(req, { username: deps.credentials.username, signedInAt: deps.clock().getTime() });
    req.log.info({ username: deps.credentials.username }, 'back-office login');
    res.redirect(303, next);
  });

  router.post('/logout', async (req, res) => {
    await endAdminSession(req.session);
    res.redirect(303, '/admin/login');
  });

  return router;
}
