// The bank's two callbacks (docs/sinopac-protocol.md §5). Mounted before sessions and CSRF: the bank has
// neither, and neither callback trusts anything it carries except as a token to look up.
//
// Answer policy of the bank's notification: {"Status":"S"} once the result is applied, was
// already applied, or can never be applied (unknown token, mismatch, refused transition; each one
// recorded), because another delivery would end the same way and the bank stops after five.
// {"Status":"F"} with 503 when the result could not be learned (bank unreachable, busy, or an
// answer whose Sign failed), and with 500 on our own failure, so that the bank tries again.
// A malformed delivery or one for another shop gets 400 and {"Status":"F"}; so does any refusal
// before the handler (rate limit, body size), through the app's error handler (see app.ts).
// Before the intake, what cannot be the bank's is refused without a bank call (web/callback-screening.ts):
// 403 from outside SINOPAC_CALLBACK_ALLOW, 400 for a token of no PayToken's shape, and {"Status":"S"}
// for a token the bank did not know moments ago, as when it was asked. A token the intake would
// have to ask the bank about once the budget for unknown tokens is spent gets 429 {"Status":"F"}.
// The database being away is a 503.
//
// The return is the shopper's browser posting from the bank's card page: from any address, and
// cross-site, so the shop's SameSite=Lax cookies do not come with it and it cannot tell a shopper
// from a forger. It answers from the PayToken log when the notification came first (no bank call),
// and otherwise spends the same budgets as a notification; when they are spent, or the bank cannot
// answer, the shopper is sent on to /payments/confirming, a GET that carries their cookies and
// shows their order waiting on the card until the notification settles it.
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { isDatabaseUnavailable } from '../db/database-unavailable';
import type { CallbackScreening, Screening } from '../web/callback-screening';
import type { ShopMetrics } from '../metrics';
import { CALLBACK_PATHS } from '../sinopac/shop-bank';
import { PayResultUnavailableError, receivePayToken, type IntakeResult, type PayTokenDelivery, type PayTokenIntakeDependencies, type PayTokensInFlight } from '../payments/pay-token-intake';

export const NOTIFY_PATH = CALLBACK_PATHS.notify;
export const RETURN_PATH = CALLBACK_PATHS.return;

// The bank's bodies are two short members; anything much larger is not from the bank.
const BODY_LIMIT = '2kb';

const callbackSchema = z.object({
  ShopNo: z.string().min(1).max(20),
  // Its shape is the screening's to judge (PAY_TOKEN_SHAPE), after the sender's address.
  PayToken: z.string(),
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// A delivery is kept whatever it holds, but PostgreSQL's text cannot hold NUL: it is stored as the
// six characters \u0000. (The body is read as UTF-8, so it is the text received, not its bytes.)
const storable = (text: string) => text.replaceAll('\0', '\\u0000');

const acknowledge = (res: Response) => void res.status(200).json({ Status: 'S' });
const decline = (res: Response, status: number) => void res.status(status).json({ Status: 'F' });

export interface PaymentCallbackDependencies extends Omit<PayTokenIntakeDependencies, 'inFlight'> {
  /** Refuses what cannot be the bank's before it costs a bank call (web/callback-screening.ts). */
  screening: CallbackScreening;
  metrics?: ShopMetrics;
}

export function paymentCallbackRoutes({ screening, metrics, ...deps }: PaymentCallbackDependencies): Router {
  const router = Router();
  // One for both callbacks, so that the return and the notifications of one payment wait for each other.
  const inFlight: PayTokensInFlight = new Map();
  // The request's logger, so that every line the intake writes carries the request id. The
  // screening learns how the token turned out, whatever happens.
  const intake = async (req: Request, screened: Extract<Screening, { verdict: 'pass' }>, delivery: PayTokenDelivery): Promise<IntakeResult> => {
    let outcome = 'failed';
    const started = performance.now();
    try {
      const result = await receivePayToken({ ...deps, inFlight, logger: req.log }, delivery);
      outcome = result.outcome;
      return result;
    } catch (error) {
      if (error instanceof PayResultUnavailableError) outcome = `unavailable:${error.reason}`;
      throw error;
    } finally {
      screened.settle(outcome);
      metrics?.callbackHandled(delivery.source, outcome, (performance.now() - started) / 1000);
    }
  };

  router.post(NOTIFY_PATH, express.text({ type: 'application/json', limit: BODY_LIMIT }), async (req, res) => {
    if (typeof req.body !== 'string') {
      req.log.warn('notification without a JSON body');
      return decline(res, 415);
    }
    const body = callbackSchema.safeParse(parseJson(req.body));
    if (!body.success) {
      req.log.warn({ issues: body.error.issues.map((issue) => issue.path.join('.')) }, 'malformed notification');
      return decline(res, 400);
    }
    const screened = await screening.notification(req.ip, body.data.PayToken);
    if (screened.verdict !== 'pass') metrics?.callbackHandled('backend', screened.verdict);
    switch (screened.verdict) {
      case 'address_not_allowed':
        req.log.warn({ address: req.ip }, 'notification from an address outside SINOPAC_CALLBACK_ALLOW');
        return decline(res, 403);
      case 'malformed_token':
        req.log.warn({ issues: ['PayToken'] }, 'malformed notification');
        return decline(res, 400);
      case 'known_unknown':
        req.log.warn('the bank did not know this PayToken a moment ago: not asked again');
        return acknowledge(res);
    }
    let result: IntakeResult;
    try {
      result = await intake(req, screened, { source: 'backend', shopNo: storable(body.data.ShopNo), payToken: body.data.PayToken, rawBody: storable(req.body), mayAskBank: screened.askBank });
    } catch (error) {
      if (error instanceof PayResultUnavailableError) return decline(res, error.reason === 'lookup_budget_spent' ? 429 : 503);
      if (isDatabaseUnavailable(error)) {
        req.log.warn({ reason: (error as Error).message }, 'notification not handled: database unavailable');
        return decline(res, 503);
      }
      req.log.error({ err: error }, 'notification could not be handled');
      return decline(res, 500);
    }
    req.log.info({ outcome: result.outcome, orderId: result.orderId }, 'notification handled');
    if (result.outcome === 'foreign_shop') return decline(res, 400);
    return acknowledge(res);
  });

  router.post(RETURN_PATH, express.text({ type: 'application/x-www-form-urlencoded', limit: BODY_LIMIT }), async (req, res) => {
    const raw = typeof req.body === 'string' ? req.body : '';
    const body = callbackSchema.safeParse(Object.fromEntries(new URLSearchParams(raw)));
    if (!body.success) {
      req.log.warn('malformed return from the bank');
      return res.status(400).render('payments/return-problem.njk', { messageKey: 'payments.return.invalid' });
    }
    const screened = await screening.return(req.ip, body.data.PayToken);
    if (screened.verdict !== 'pass') metrics?.callbackHandled('return', screened.verdict);
    switch (screened.verdict) {
      case 'address_not_allowed':
      case 'malformed_token':
        req.log.warn('malformed return from the bank');
        return res.status(400).render('payments/return-problem.njk', { messageKey: 'payments.return.invalid' });
      case 'known_unknown':
        req.log.warn('the bank did not know this PayToken a moment ago: not asked again');
        return res.status(400).render('payments/return-problem.njk', { messageKey: 'payments.return.unknown' });
    }
    let result: IntakeResult;
    try {
      result = await intake(req, screened, { source: 'return', shopNo: storable(body.data.ShopNo), payToken: body.data.PayToken, rawBody: storable(raw), mayAskBank: screened.askBank });
    } catch (error) {
      if (!(error instanceof PayResultUnavailableError)) throw error;
      // The shopper may well have paid: a neutral "confirming" page, not an error (see payment-result.ts).
      return res.redirect(303, '/payments/confirming');
    }
    req.log.info({ outcome: result.outcome, orderId: result.orderId }, 'return from the bank handled');
    if (!result.orderId) {
      return res.status(400).render('payments/return-problem.njk', { messageKey: 'payments.return.unknown' });
    }
    res.redirect(303, `/orders/${result.orderId}/result`);
  });

  return router;
}
