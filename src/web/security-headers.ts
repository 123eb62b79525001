// Security headers. Scripts run only from our origin or with this response's nonce; forms may
// post to us and to the bank, because the checkout's 303 redirect to the card page counts as a
// form submission for CSP's form-action.
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import helmet from 'helmet';

export function setUpSecurityHeaders(app: Express, options: { bankOrigins: string[]; production: boolean }): void {
  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString('base64');
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as unknown as { locals: { cspNonce: string } }).locals.cspNonce}'`],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'", ...options.bankOrigins],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: options.production ? [] : null,
        },
      },
      hsts: options.production,
    }),
  );
}
