// In production the shop answers only requests that reached it over HTTPS, as its trusted proxy
// says (X-Forwarded-Proto, believed per TRUST_PROXY). Its cookies are Secure, and a browser drops
// Secure cookies sent over plain HTTP: served, such a request would lose the shopper's cart and
// session without a word. So a GET or HEAD is sent to the same path on the public https origin
// and anything else is refused, each logged with what to check. Load balancers and scrapers ask
// /healthz, /readyz and /metrics over plain HTTP, so those are set up before this and pass.
import type { Express } from 'express';
import type { Logger } from 'pino';
import { HttpError } from './errors';

/** A state-changing request that did not come over HTTPS. */
class InsecureRequestError extends HttpError {
  constructor() {
    super(403, 'error.forbidden', 'request not made over HTTPS');
  }
}

const HINT =
  'the request did not arrive over HTTPS as far as the shop can tell: if the proxy in front terminates TLS, ' +
  'it must send X-Forwarded-Proto: https and TRUST_PROXY must name it (a hop count or its address)';

export function setUpHttpsOnly(app: Express, deps: { publicBaseUrl: string; logger: Logger }): void {
  app.use((req, res, next) => {
    if (req.secure) return next();
    deps.logger.warn({ method: req.method, path: req.path, ip: req.ip, forwardedProto: req.get('x-forwarded-proto') ?? null }, `plain HTTP refused: ${HINT}`);
    if (req.method === 'GET' || req.method === 'HEAD') {
      // Temporary: a proxy set up wrong would otherwise leave browsers with a cached loop.
      return res.redirect(307, `${deps.publicBaseUrl}${req.originalUrl}`);
    }
    next(new InsecureRequestError());
  });
}
