// Errors a request can end in, and the one place that turns any error into a response.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/database-unavailable';
import { DEFAULT_LOCALE } from '../i18n/locales';
import type { Translate } from '../i18n/translate';

/** A way out the error page offers: a link, its text a message key. */
export interface ErrorHelp {
  key: string;
  href: string;
}

/** An error whose status and message key are safe to show the shopper. */
export class HttpError extends Error {
  override name = 'HttpError';
  help?: ErrorHelp;
  /** `retryAfterSeconds` becomes the Retry-After header. */
  constructor(readonly status: number, readonly messageKey: string, detail?: string, readonly retryAfterSeconds?: number) {
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

/** The request is well formed but what it asks is no longer possible (the thing moved on). */
export class ConflictError extends HttpError {
  constructor(messageKey: string, detail?: string) {
    super(409, messageKey, detail);
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
  503: 'error.unavailable',
};

function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (isDatabaseUnavailable(error)) return 503;
  const status = (error as { status?: unknown; statusCode?: unknown })?.status ?? (error as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new NotFoundError());

/** `fallback` translates the page when the request failed before its language was chosen. */
export function errorHandler(logger: Logger, fallback: Translate): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const status = statusOf(error);
    const log = req.log ?? logger;
    if (status === 503) log.warn({ reason: (error as Error)?.message }, 'database unavailable: request answered 503');
    else if (status >= 500) log.error({ err: error }, 'request failed');
    else log.warn({ status, reason: (error as Error)?.message }, 'request refused');
    const messageKey = error instanceof HttpError ? error.messageKey : (KEY_FOR_STATUS[status] ?? 'error.server');
    res.status(status);
    if (status === 503) res.setHeader('Retry-After', '5');
    if (error instanceof HttpError && error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    if (res.locals.errorBody) {
      res.json(res.locals.errorBody);
      return;
    }
    if (!res.locals.t) {
      res.locals.t = fallback;
      res.locals.locale = DEFAULT_LOCALE;
      res.locals.languageUrl = (target: string) => `/?lang=${target}`;
    }
    // Stack traces and internal messages never reach the shopper.
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({ error: res.locals.t(messageKey) });
      return;
    }
    res.render('error.njk', { status, messageKey, help: error instanceof HttpError ? error.help : undefined });
  };
}
