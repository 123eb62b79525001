// Errors a request can end in, and the one place that turns any error into a response.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';

/** A way out the error page offers: a link, its text a message key. */
export interface ErrorHelp {
  key: string;
  href: string;
}

/** An error whose status and message key are safe to show the shopper. */
export class HttpError extends Error {
  override name = 'HttpError';
  help?: ErrorHelp;
  constructor(readonly status: number, readonly messageKey: string, detail?: string) {
    super(detail ?? messageKey);
  }
}

export class NotFoundError extends HttpError {
  constructor(detail?: string) {
    super(404, 'error.notFound', detail);
  }
}

/** An order this browser may not see, or none: says how to open one's own from another device. */
export class OrderNotFoundError extends NotFoundError {
  override help = { key: 'lookup.notYours', href: '/orders/lookup' };
}

export class BadRequestError extends HttpError {
  constructor(detail?: string) {
    super(400, 'error.badRequest', detail);
  }
}

export class TooManyRequestsError extends HttpError {
  constructor(detail?: string) {
    super(429, 'error.tooMany', detail);
  }
}

/**
 * For routes whose caller is a program with its own error format, not a browser: any refusal or
 * failure there is answered with `body`, under its status. The bank reads every answer to its
 * notification other than {"Status":"S"} as "try again later", so that one gets {"Status":"F"}.
 */
export function answerErrorsWith(body: Record<string, unknown>): RequestHandler {
  return (_req, res, next) => {
    res.locals.errorBody = body;
    next();
  };
}

const KEY_FOR_STATUS: Record<number, string> = {
  400: 'error.badRequest',
  403: 'error.forbidden',
  404: 'error.notFound',
  413: 'error.badRequest',
  415: 'error.badRequest',
  429: 'error.tooMany',
};

function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  const status = (error as { status?: unknown; statusCode?: unknown })?.status ?? (error as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new NotFoundError());

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const status = statusOf(error);
    if (status >= 500) (req.log ?? logger).error({ err: error }, 'request failed');
    else (req.log ?? logger).warn({ status, reason: (error as Error)?.message }, 'request refused');
    const messageKey = error instanceof HttpError ? error.messageKey : (KEY_FOR_STATUS[status] ?? 'error.server');
    res.status(status);
    if (res.locals.errorBody) {
      res.json(res.locals.errorBody);
      return;
    }
    // Stack traces and internal messages never reach the shopper.
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({ error: res.locals.t ? res.locals.t(messageKey) : messageKey });
      return;
    }
    res.render('error.njk', { status, messageKey, help: error instanceof HttpError ? error.help : undefined });
  };
}
