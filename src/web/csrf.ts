// CSRF protection for every shop form (synchroniser token kept in the session). The bank's two
// callbacks are mounted before this middleware, so they are the only POSTs without a token.
import type { Express } from 'express';
import { csrfSync } from 'csrf-sync';

export function setUpCsrf(app: Express): void {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => (req.body as { _csrf?: string } | undefined)?._csrf ?? req.get('x-csrf-token'),
  });
  app.use(csrfSynchronisedProtection);
  app.use((req, res, next) => {
    res.locals.csrfToken = generateToken(req);
    next();
  });
}
