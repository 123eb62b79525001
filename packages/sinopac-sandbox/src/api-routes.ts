import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { BankError, describe, HttpRejection } from './codes';
import { API_VERSION, openMessage, readEnvelope, sealMessage, type ServiceMessage } from './envelope';
import type { ExchangeLog } from './exchanges';
import type { FaultBook } from './faults';
import type { Lifecycle } from './lifecycle';
import type { SandboxLogger } from './logger';
import { mintNonce, type NonceStore } from './nonces';
import type { OrderBook } from './orders';
import type { ShopKeys } from './options';
import { failureMessage, findService, type Service } from './services';
import { SPECIFICATION, SPECIFICATION_HEADER } from './specification';
import type { Timers } from './timers';

export interface ApiRouteOptions {
  shops: ReadonlyMap<string, ShopKeys>;
  nonces: NonceStore;
  book: OrderBook;
  lifecycle: Lifecycle;
  faults: FaultBook;
  hung: HungResponses;
  clock: () => Date;
  publicOrigin: string | undefined;
  logger: SandboxLogger;
  exchanges: ExchangeLog;
  timers: Timers;
}

/** Where clients are told to find the API; any prefix before /QPay.WebAPI/api works as well. */
export const BANK_API_BASE_PATH = '/funBIZ/QPay.WebAPI/api';

// Any prefix works: /funBIZ/, /funBIZ-Sbx/, or none, like the bank's several base URLs (§1). A
// doubled slash is accepted too: the bank's PHP toolkit joins a base URL ending in "/" with "/Nonce".
const NONCE_PATH = /\/QPay\.WebAPI\/api\/+Nonce\/?$/i;
const ORDER_PATH = /\/QPay\.WebAPI\/api\/+Order\/?$/i;

/** What the error handler needs to answer a failed Order call with an envelope. */
interface Exchange {
  shop: ShopKeys;
  apiService: string;
  service?: Service;
  message?: ServiceMessage;
}

/** What the exchange log keeps of a call, filled in as the call is handled. */
interface Logged {
  shopNo?: string;
  answer?: unknown;
  badSign?: boolean;
}

const loggedOf = (res: Response) => res.locals.logged as Logged;

/** A plain-text HTTP error of a fault, as a failing gateway or server would answer. */
function sendFault(res: Response, status: number, text: string): void {
  loggedOf(res).answer = text;
  res.status(status).type('text/plain').send(text);
}

/** Responses of the payQueryHang fault: held open until the client leaves or the sandbox closes. */
export class HungResponses {
  readonly #held = new Set<Response>();

  hold(res: Response): void {
    this.#held.add(res);
    res.on('close', () => this.#held.delete(res));
  }

  releaseAll(): void {
    for (const res of this.#held) res.socket?.destroy();
    this.#held.clear();
  }
}

// The nonce is bound to the socket's peer address; forwarded-for headers are not trusted.
const clientIp = (req: Request) => (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');

function parseBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'string') throw new HttpRejection(400, 'E0001');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new HttpRejection(400, 'E0001');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new HttpRejection(400, 'E0001');
  return value as Record<string, unknown>;
}

// X-KeyID is a credential of the HTTP call, not of the message (§1): like a gateway in front of the
// API, the sandbox refuses a missing or wrong one with HTTP 401 on Nonce and Order alike, before
// reading any envelope, so a client never gets a signed answer to a call it was not allowed to make.
function requireKeyId(shop: ShopKeys, req: Request): void {
  if (shop.keyId !== undefined && req.get('X-KeyID') !== shop.keyId) throw new HttpRejection(401, 'E0103');
}

// A Sign that cannot verify: the real one with its first digit changed (the badSign fault).
const corrupt = (sign: string) => `${sign.startsWith('0') ? '1' : '0'}${sign.slice(1)}`;

export function apiRoutes(options: ApiRouteOptions): Router {
  const router = Router();
  const body = express.text({ type: () => true, limit: '256kb' });
  router.use((req, res, next) => {
    if (NONCE_PATH.test(req.path) || ORDER_PATH.test(req.path)) res.set(SPECIFICATION_HEADER, SPECIFICATION.version);
    next();
  });

  // Every call is logged when its answer is sent, and held back first by the answerDelayMs fault.
  router.post([NONCE_PATH, ORDER_PATH], (req, res, next) => {
    const at = options.clock();
    const started = performance.now();
    const logged: Logged = {};
    res.locals.logged = logged;
    res.on('finish', () => {
      const exchange = res.locals.exchange as Exchange | undefined;
      options.exchanges.record({
        at,
        endpoint: NONCE_PATH.test(req.path) ? 'Nonce' : 'Order',
        ...(exchange?.apiService ? { service: exchange.apiService } : {}),
        ...(logged.shopNo ? { shopNo: logged.shopNo } : {}),
        httpStatus: res.statusCode,
        durationMs: Math.round(performance.now() - started),
        ...(exchange?.message ? { request: exchange.message } : {}),
        ...(logged.answer === undefined ? {} : { answer: logged.answer }),
        ...(logged.badSign ? { badSign: true } : {}),
      });
    });
    const delay = options.faults.instance.answerDelayMs;
    if (delay) options.timers.after(delay, () => next());
    else next();
  });

  function shopOf(payload: Record<string, unknown>): ShopKeys {
    if (typeof payload.ShopNo !== 'string' || payload.ShopNo === '') throw new HttpRejection(400, 'E0001');
    const shop = options.shops.get(payload.ShopNo);
    if (!shop) throw new HttpRejection(400, 'E0101');
    return shop;
  }

  function sendEnvelope(res: Response, exchange: Exchange, message: ServiceMessage): void {
    const nonce = mintNonce(options.clock());
    const envelope = sealMessage({ shopNo: exchange.shop.shopNo, apiService: exchange.apiService }, message, exchange.shop.hashId, nonce);
    const logged = loggedOf(res);
    logged.answer = message;
    if (options.faults.instance.badSign) {
      envelope.Sign = corrupt(envelope.Sign);
      logged.badSign = true;
    }
    res.type('application/json').send(JSON.stringify(envelope));
  }

  router.post(NONCE_PATH, body, (req, res) => {
    const shop = shopOf(parseBody(req.body));
    loggedOf(res).shopNo = shop.shopNo;
    requireKeyId(shop, req);
    const answer = { Nonce: options.nonces.issue(shop.shopNo, clientIp(req)) };
    loggedOf(res).answer = answer;
    res.json(answer);
  });

  router.post(ORDER_PATH, body, (req, res) => {
    if (options.faults.instance.unavailable) {
      sendFault(res, 503, 'Service Unavailable (sandbox fault unavailable)');
      return;
    }
    const payload = parseBody(req.body);
    const shop = shopOf(payload);
    loggedOf(res).shopNo = shop.shopNo;
    requireKeyId(shop, req);
    const exchange: Exchange = { shop, apiService: typeof payload.APIService === 'string' ? payload.APIService : '' };
    res.locals.exchange = exchange;
    const envelope = readEnvelope(payload);
    if (envelope.Version !== API_VERSION) throw new BankError('E3301');
    exchange.service = findService(envelope.APIService);
    const rejected = options.nonces.consume(envelope.Nonce, exchange.shop.shopNo, clientIp(req));
    if (rejected) throw new BankError(rejected);
    const message = openMessage(envelope, exchange.shop.hashId);
    exchange.message = message;
    if (message.ShopNo !== exchange.shop.shopNo) throw new BankError('E0102');

    const refusal = options.faults.instance.createRefusal;
    if (envelope.APIService === 'OrderCreate' && refusal) throw new BankError(refusal);
    if (envelope.APIService === 'OrderPayQuery') {
      const order = typeof message.PayToken === 'string' ? options.book.byPayToken(message.PayToken) : undefined;
      const fault = options.faults.takePayQueryFault(order?.shopNo === exchange.shop.shopNo ? order : undefined);
      if (fault === 'fail') {
        sendFault(res, 500, 'Internal Server Error (sandbox fault payQueryFail)');
        return;
      }
      if (fault === 'hang') {
        options.hung.hold(res);
        return;
      }
    }
    const reply = exchange.service.handle(message, {
      shopNo: exchange.shop.shopNo,
      now: options.clock(),
      origin: options.publicOrigin ?? `${req.protocol}://${req.get('host')}`,
      book: options.book,
      lifecycle: options.lifecycle,
      faults: options.faults,
    });
    sendEnvelope(res, exchange, reply);
  });

  // Every failure of the API ends here: business rejections as envelopes, the rest as small JSON errors.
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const exchange = res.locals.exchange as Exchange | undefined;
    if (error instanceof BankError && exchange) {
      options.logger.info(`${exchange.apiService || 'request'} of ${exchange.shop.shopNo} rejected: ${error.code}`);
      sendEnvelope(res, exchange, failureMessage(exchange.shop.shopNo, error.code, options.clock(), exchange.service, exchange.message));
      return;
    }
    if (error instanceof HttpRejection) {
      loggedOf(res).answer = error.body;
      res.status(error.status).json(error.body);
      return;
    }
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // body-parser's own rejections (too large, bad charset).
      res.status(status).json({ Status: 'F', Code: 'E0001', Description: describe('E0001') });
      return;
    }
    options.logger.error(`${req.method} ${req.path} failed: ${error instanceof Error ? error.message : String(error)}`);
    res.status(500).json({ Status: 'F', Code: 'E9999', Description: describe('E9999') });
  });

  return router;
}
