// Structured logs. Cookies, authorisation headers and anything named like a key, card number or
// session id are censored, so a careless log call cannot leak them.
import pino, { type DestinationStream, type Logger } from 'pino';

/** Censored wherever they appear as a property name, at the top of a line or up to two levels down. */
const SECRET_NAMES = new Set([
  'hashKeys', 'hashId', 'HashID', 'keyId', 'KeyID', 'cardNumber', 'CardNo', 'password', 'sessionSecret', 'sessionId', 'sessionID',
  // Request and response headers.
  'cookie', 'authorization', 'x-keyid', 'set-cookie',
]);
const DEEPEST = 2;
const CENSORED = '[redacted]';

/**
 * `value` with every property named in SECRET_NAMES censored, down to DEEPEST levels below the top.
 * Copies only the objects on the way to a secret (keeping their prototype, so an Error stays one),
 * and never changes what the caller logged. pino's own `redact` does this with wildcard paths, but
 * deep-copies every line to do it: about 20 µs a line against 1 µs here.
 */
function censorSecrets<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const inner = (value as Record<string, unknown>)[key];
    const censored = SECRET_NAMES.has(key) ? CENSORED : depth < DEEPEST ? censorSecrets(inner, depth + 1) : inner;
    if (censored === inner) continue;
    copy ??= copyOf(value);
    copy[key] = censored;
  }
  return (copy as T | undefined) ?? value;
}

/** A writable copy of an object, its own properties (an Error's message and stack too) and prototype kept. */
function copyOf(value: object): Record<string, unknown> {
  const descriptors = Object.getOwnPropertyDescriptors(value);
  for (const descriptor of Object.values(descriptors)) {
    descriptor.configurable = true;
    if (!descriptor.get && !descriptor.set) descriptor.writable = true;
  }
  return Object.create(Object.getPrototypeOf(value), descriptors) as Record<string, unknown>;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  // Standard output written asynchronously: lines logged while a write is under way go out together
  // in the next one, instead of a write(2) per line (a callback logs three), and pino flushes what
  // is left synchronously when the process exits.
  const logger = pino({ level, formatters: { log: censorSecrets } }, destination ?? pino.destination({ dest: 1, sync: false }));
  // pino applies a bindings formatter to the root's bindings only; a child logger is made from its
  // parent (prototype), so this one override censors the bindings of every descendant.
  type MakeChild = (this: Logger, bindings: pino.Bindings, options?: object) => Logger;
  const makeChild = logger.child as unknown as MakeChild;
  const censoringChild: MakeChild = function (bindings, options) {
    return makeChild.call(this, censorSecrets(bindings), options);
  };
  logger.child = censoringChild as unknown as Logger['child'];
  return logger;
}
