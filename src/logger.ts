// Structured logs. Cookies, authorisation headers and anything named like a key or card number are
// censored wherever they appear, so a careless log call cannot leak them.
import pino, { type DestinationStream, type Logger } from 'pino';

const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-keyid"]',
  'res.headers["set-cookie"]',
  '*.hashKeys',
  '*.hashId',
  '*.HashID',
  '*.cardNumber',
  '*.password',
  '*.sessionSecret',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
