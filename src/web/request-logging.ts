// One log line per request, each with a request id that every later line of the request carries.
// Written here rather than with pino-http, which builds a child logger (its bindings serialised and
// censored) for every request before anything logs: a fifth of a page's CPU. Here the request's
// logger is made the first time something uses req.log, which most pages never do.
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { Logger } from 'pino';

const REQUEST_ID = /^[A-Za-z0-9-]{8,64}$/;

declare global {
  namespace Express {
    interface Request {
      /** The shop's logger, its lines carrying this request's id, method and path. */
      log: Logger;
    }
  }
}

interface LoggedRequest {
  id: string;
  method: string;
  /** The path only: query strings may carry tokens. */
  path: string;
}

function levelOf(status: number): 'info' | 'warn' | 'error' {
  return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
}

const LINE = Symbol('request log line');
const LOGGER = Symbol('request logger');

interface WithLogLine {
  [LINE]: LoggedRequest;
  [LOGGER]?: Logger;
}

export function setUpRequestLogging(app: Express, logger: Logger): void {
  // On the app's request prototype, so that each request only gains two plain fields.
  Object.defineProperty(app.request, 'log', {
    get(this: WithLogLine) {
      return (this[LOGGER] ??= logger.child({ req: this[LINE] }));
    },
  });
  app.use((req, res, next) => {
    const given = req.headers['x-request-id'];
    const logged: LoggedRequest = {
      id: typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID(),
      method: req.method,
      path: req.url.split('?')[0]!,
    };
    (req as unknown as WithLogLine)[LINE] = logged;
    res.setHeader('X-Request-Id', logged.id);
    const started = Date.now();
    // 'close' follows every response, finished or cut short.
    res.once('close', () => {
      const line = { req: logged, res: { statusCode: res.statusCode }, responseTime: Date.now() - started };
      // A response that closed before it was finished: the client went away (or the socket broke).
      if (!res.writableFinished) logger.warn(line, 'request closed before its response was sent');
      else logger[levelOf(res.statusCode)](line, 'request completed');
    });
    next();
  });
}
