// Security headers. Scripts run only from our origin or with this response's nonce; forms may
// post to us and to the bank, because the checkout's 303 redirect to the card page counts as a
// form submission for CSP's form-action.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import helmet from 'helmet';

export function setUpSecurityHeaders(app: Express, options: { bankOrigins: string[]; production: boolean }): void {
  // helmet's policy is built from its directives on every request once one of them depends on the
  // request, as the nonce does. Only the nonce changes, so the policy is written once here, in
  // helmet's format and on top of helmet's defaults, and each response gets it with its nonce put in.
  const [beforeNonce, afterNonce] = contentSecurityPolicy({
    'default-src': ["'self'"],
    'script-src': ["'self'", `'nonce-${NONCE}'`],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'form-action': ["'self'", ...options.bankOrigins],
    'frame-ancestors': ["'none'"],
    'upgrade-insecure-requests': options.production ? [] : null,
  }).split(NONCE) as [string, string];
  const fixed = helmetHeaders({ contentSecurityPolicy: false, hsts: options.production });
  const nonces = noncePool();
  app.use((_req, res, next) => {
    const nonce = nonces();
    res.locals.cspNonce = nonce;
    res.setHeader('Content-Security-Policy', `${beforeNonce}${nonce}${afterNonce}`);
    for (const [name, value] of fixed) res.setHeader(name, value);
    next();
  });
}

/**
 * The headers helmet sets with these options, found once by running it on a stand-in response:
 * none of them depends on the request, and helmet's chain of a dozen middlewares cost more per
 * request than setting the headers it decides on.
 */
function helmetHeaders(options: Parameters<typeof helmet>[0]): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => void headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  let ran = false;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => (ran = true));
  // helmet calls on synchronously; should a later version not, the headers would be missing.
  if (!ran) throw new Error('helmet did not finish synchronously');
  return headers;
}

/**
 * 128-bit nonces cut from a block of random bytes drawn 256 at a time: a draw of its own for each
 * response took twenty times as long (2.3 µs against 0.1 µs here).
 */
function noncePool(): () => string {
  const size = 16;
  let block = Buffer.alloc(0);
  let at = 0;
  return () => {
    if (at === block.length) {
      block = randomBytes(size * 256);
      at = 0;
    }
    at += size;
    return block.toString('base64', at - size, at);
  };
}

/** Stands for the nonce while the policy is written; no directive value can contain it. */
const NONCE = '\u0000nonce\u0000';

/** helmet's default directives with these replacing them (null drops one), as helmet writes them. */
function contentSecurityPolicy(directives: Record<string, string[] | null>): string {
  // helmet's defaults are all fixed strings; its types also allow functions of the request.
  const defaults = Object.entries(helmet.contentSecurityPolicy.getDefaultDirectives()).map(([name, values]) => [name, [...values].map(String)]);
  return Object.entries({ ...Object.fromEntries(defaults), ...directives })
    .filter((entry): entry is [string, string[]] => entry[1] !== null)
    .map(([name, values]) => [name, ...values].join(' '))
    .join(';');
}
