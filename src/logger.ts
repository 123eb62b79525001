// Structured logs. Cookies, authorisation headers and anything named like a key, card number or
// session id are censored, so a careless log call cannot leak them.
import pino, { type DestinationStream, type Logger } from 'pino';

const SECRET_NAMES = ['hashKeys', 'hashId', 'HashID', 'keyId', 'KeyID', 'cardNumber', 'CardNo', 'password', 'sessionSecret', 'sessionId', 'sessionID'];

const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-keyid"]',
  'res.headers["set-cookie"]',
  // pino's paths have no deep wildcard: each name is censored at the top of a line and two levels down.
  ...SECRET_NAMES.flatMap((name) => [name, `*.${name}`, `*.*.${name}`]),
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  // Standard output written asynchronously: lines logged while a write is under way go out together
  // in the next one, instead of a write(2) per line (a callback logs three), and pino flushes what
  // is left synchronously when the process exits.
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination ?? pino.destination({ dest: 1, sync: false }));
}
