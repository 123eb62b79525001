import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { EinvoiceRefusal, RTN, RTN_MESSAGES } from './codes';
import { encryptData, type EinvoiceMerchant } from './crypto';
import { ENVELOPE_REFUSED, EnvelopeError, openRequest, replyEnvelope } from './envelope';
import type { FaultBook } from './faults';
import type { InvoiceBook } from './invoices';
import type { EinvoiceSandboxLogger } from './options';
import { SERVICES } from './services';

const SERVICE_PREFIX = '/B2CInvoice';

/** Answers held back by the timeout fault: released when their client hangs up or the sandbox closes. */
export class HeldAnswers {
  readonly #held = new Set<Response>();

  hold(res: Response): void {
    this.#held.add(res);
    res.on('close', () => this.#held.delete(res));
  }

  releaseAll(): void {
    for (const res of this.#held) res.destroy();
    this.#held.clear();
  }
}

export interface ApiDependencies {
  merchants: readonly EinvoiceMerchant[];
  book: InvoiceBook;
  faults: FaultBook;
  held: HeldAnswers;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  logger: EinvoiceSandboxLogger;
}

/** Business result of one call: the service's reply, a refusal, or the RtnCode a fault asks for. */
function perform(op: string, data: Record<string, unknown>, merchantId: string, deps: ApiDependencies): Record<string, unknown> {
  const fault = deps.faults.take('rtnCode', op);
  if (fault) return { RtnCode: fault.code, RtnMsg: RTN_MESSAGES[fault.code] ?? `sandbox fault ${fault.code}` };
  try {
    if (String(data.MerchantID ?? '') !== merchantId) throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'MerchantID: the same inside Data as in the envelope');
    return SERVICES[op]!(data, { merchantId, book: deps.book, now: deps.clock() });
  } catch (error) {
    if (error instanceof EinvoiceRefusal) return { RtnCode: error.code, RtnMsg: error.message };
    throw error;
  }
}

/** POST /B2CInvoice/<Op> for every service of services.ts. */
export function apiRoutes(deps: ApiDependencies): Router {
  const router = Router();
  const refuse = (res: Response, merchantId: string, message: string) => {
    deps.logger.warn(`envelope refused: ${message}`);
    res.json(replyEnvelope(merchantId, deps.clock(), ENVELOPE_REFUSED, message, ''));
  };

  router.post(`${SERVICE_PREFIX}/:op`, (req, res, next) => {
    const op = String(req.params.op);
    if (!Object.hasOwn(SERVICES, op)) {
      res.status(404).json({ error: `no service ${op}` });
      return;
    }
    if (deps.faults.take('rateLimit', op)) {
      res.status(403).type('text').send('Forbidden: too many requests');
      return;
    }
    next();
  }, express.json({ limit: '1mb' }), async (req, res) => {
    const op = String(req.params.op);
    const merchantHint = typeof req.body?.MerchantID === 'string' || typeof req.body?.MerchantID === 'number' ? String(req.body.MerchantID) : '';
    let opened;
    try {
      opened = openRequest(req.body, deps.merchants, deps.clock());
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error;
      refuse(res, merchantHint, error.message);
      return;
    }
    const { merchant, data } = opened;
    const result = perform(op, data, merchant.merchantId, deps);
    deps.logger.info(`${op} for merchant ${merchant.merchantId}: RtnCode ${String(result.RtnCode)}`);
    const answer = replyEnvelope(merchant.merchantId, deps.clock(), 1, 'Success', encryptData(result, merchant));
    const delay = deps.faults.take('delay', op);
    if (delay) await deps.sleep(delay.ms);
    if (deps.faults.take('timeout', op)) {
      deps.held.hold(res);
      return;
    }
    res.json(answer);
  });

  // A body that is not JSON never reaches the service: answered like any envelope it cannot read.
  router.use(SERVICE_PREFIX, (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent || typeof (error as { status?: unknown }).status !== 'number') {
      next(error);
      return;
    }
    refuse(res, '', (error as { type?: unknown }).type === 'entity.too.large' ? 'request body over 1 MB' : 'request body is not JSON');
  });
  return router;
}
