// Every setting, read once from the environment and validated; a bad value stops start-up with
// a message that names the variable. Only this module reads process.env.
import { z } from 'zod';
import type { HashKeys } from './sinopac/crypto';
import { parseAllowList } from './web/callback-screening';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const hashKey = optionalText.refine((value) => value === undefined || /^[0-9a-fA-F-]{16,}$/.test(value), {
  message: 'must be the 16 hexadecimal digits the bank issued',
});

// The names Express's "trust proxy" knows besides addresses and CIDR blocks.
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: integer(3000, 0, 65535),
  // The address to listen on: loopback unless a proxy or a container's port must reach the shop.
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  // Which proxies' X-Forwarded-For/-Proto to believe (Express's "trust proxy"): a hop count, or
  // comma-separated addresses, CIDR blocks and the names loopback, linklocal, uniquelocal.
  TRUST_PROXY: z
    .string()
    .trim()
    .default('loopback')
    .transform((value, context) => {
      if (/^\d+$/.test(value)) return Number(value);
      const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
      try {
        parseAllowList(entries.filter((entry) => !PROXY_NAMES.has(entry)));
      } catch (error) {
        context.addIssue({ code: 'custom', message: `${(error as Error).message}: give a hop count, or addresses, CIDR blocks, loopback, linklocal or uniquelocal` });
      }
      return entries;
    }),
  PUBLIC_BASE_URL: optionalText.pipe(z.url().optional()),
  DATABASE_URL: optionalText.pipe(z.url().optional()),
  EMBEDDED_PG_PORT: integer(54329, 1024, 65535),
  EMBEDDED_PG_DIR: z.string().default('.data/postgres'),
  SINOPAC_API_URL: optionalText.pipe(z.url().optional()),
  SINOPAC_SHOP_NO: optionalText,
  SINOPAC_HASH_A1: hashKey,
  SINOPAC_HASH_A2: hashKey,
  SINOPAC_HASH_B1: hashKey,
  SINOPAC_HASH_B2: hashKey,
  SINOPAC_KEY_ID: optionalText,
  SINOPAC_TIMEOUT_MS: integer(15_000, 100, 120_000),
  // Comma-separated addresses or CIDR blocks the bank's notifications may come from.
  SINOPAC_CALLBACK_ALLOW: optionalText
    .transform((value) => (value ?? '').split(',').map((entry) => entry.trim()).filter(Boolean))
    .superRefine((entries, context) => {
      try {
        parseAllowList(entries);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  SANDBOX_PORT: integer(4010, 0, 65535),
  SESSION_SECRET: optionalText,
  // Lets /metrics be read from other than loopback, as "Authorization: Bearer <token>".
  METRICS_TOKEN: optionalText.refine((value) => value === undefined || value.length >= 24, { message: 'must be at least 24 characters' }),
  ATM_EXPIRE_DAYS: integer(3, 1, 30),
  CARD_EXP_MINUTES: integer(10, 1, 30),
  RECONCILE_AFTER_MINUTES: integer(15, 1, 1440),
  RECONCILE_EVERY_SECONDS: integer(60, 5, 3600),
  ATM_EXPIRY_GRACE_MINUTES: integer(60, 0, 1440),
  STOCK_HOLD_MINUTES: integer(30, 5, 10_080),
  ADMIN_USERNAME: optionalText,
  // The back office is only mounted with both; the hash's format is checked where it is parsed.
  ADMIN_PASSWORD_HASH: optionalText.refine((value) => value === undefined || value.startsWith('scrypt:'), {
    message: 'must be the value printed by npm run admin:hash-password',
  }),
  // A real mail server, e.g. smtps://user:password@smtp.example.com:465; its password is a secret.
  SMTP_URL: optionalText.refine((value) => value === undefined || /^smtps?:\/\/[^\s]+$/.test(value), {
    message: 'must be an smtp:// or smtps:// URL',
  }),
  MAIL_FROM: optionalText,
  // `npm run bench` only: production settings against a sandbox on loopback (see productionProblems).
  ALLOW_LOOPBACK_BANK_IN_PRODUCTION: z.enum(['0', '1']).default('0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const BANK_VARIABLES = ['SINOPAC_SHOP_NO', 'SINOPAC_HASH_A1', 'SINOPAC_HASH_A2', 'SINOPAC_HASH_B1', 'SINOPAC_HASH_B2'] as const;

export interface BankCredentials {
  shopNo: string;
  hashKeys: HashKeys;
  keyId?: string;
}

/** Where bank calls go: the real bank (or any URL given), or a sandbox the shop starts itself. */
export type BankConfig =
  | { mode: 'remote'; apiUrl: string; credentials: BankCredentials; timeoutMs: number }
  | { mode: 'embedded-sandbox'; sandboxPort: number; timeoutMs: number };

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  /** Express's "trust proxy": a hop count, or the proxies' addresses, CIDR blocks and names. */
  trustProxy: number | string[];
  publicBaseUrl?: string;
  database: { url: string } | { embedded: { port: number; dataDir: string } };
  bank: BankConfig;
  /** Where BackendURL notifications may come from; empty: anywhere. */
  callbackAllow: string[];
  sessionSecret?: string;
  metricsToken?: string;
  atmExpireDays: number;
  cardExpMinutes: number;
  /** The reconciler and the ATM expiry (src/jobs/). */
  jobs: {
    /** An undecided attempt is first asked about at this age; later questions thin out (jobs/bank-check-schedule.ts). */
    reconcileAfterMinutes: number;
    /** How often each job runs, across all instances together. */
    reconcileEverySeconds: number;
    /** How long after an ATM deadline the attempt is expired, for transfers still being notified. */
    atmExpiryGraceMinutes: number;
    /** How long an unpaid order with no open attempt keeps its stock (jobs/release-stock-holds.ts). */
    stockHoldMinutes: number;
  };
  /** The merchant's back-office sign-in; absent, there is no back office. */
  admin?: { username: string; passwordHash: string };
  /** Where e-mails go: a real SMTP server, or (no smtpUrl, never in production) the sandbox's mail catcher. */
  mail: { smtpUrl?: string; from: string };
  logLevel: string;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`).join('; ');
}

function adminConfig(env: z.infer<typeof schema>): Config['admin'] {
  const { ADMIN_USERNAME: username, ADMIN_PASSWORD_HASH: passwordHash } = env;
  if (!username && !passwordHash) return undefined;
  if (!username || !passwordHash) throw new ConfigError('ADMIN_USERNAME and ADMIN_PASSWORD_HASH must be set together');
  return { username, passwordHash };
}

function bankConfig(env: z.infer<typeof schema>): BankConfig {
  const given = BANK_VARIABLES.filter((name) => env[name] !== undefined);
  if (given.length === 0) {
    if (env.SINOPAC_API_URL) {
      throw new ConfigError(`SINOPAC_API_URL is set but ${BANK_VARIABLES.join(', ')} are not: set the shop's credentials too`);
    }
    return { mode: 'embedded-sandbox', sandboxPort: env.SANDBOX_PORT, timeoutMs: env.SINOPAC_TIMEOUT_MS };
  }
  const missing = BANK_VARIABLES.filter((name) => env[name] === undefined);
  if (missing.length > 0) throw new ConfigError(`${missing.join(', ')} must be set along with ${given.join(', ')}`);
  if (!env.SINOPAC_API_URL) throw new ConfigError('SINOPAC_API_URL must be set when bank credentials are configured');
  return {
    mode: 'remote',
    apiUrl: env.SINOPAC_API_URL,
    timeoutMs: env.SINOPAC_TIMEOUT_MS,
    credentials: {
      shopNo: env.SINOPAC_SHOP_NO!,
      hashKeys: { A1: env.SINOPAC_HASH_A1!, A2: env.SINOPAC_HASH_A2!, B1: env.SINOPAC_HASH_B1!, B2: env.SINOPAC_HASH_B2! },
      keyId: env.SINOPAC_KEY_ID,
    },
  };
}

function defaultMailFrom(publicBaseUrl: string | undefined): string {
  const host = publicBaseUrl ? new URL(publicBaseUrl).hostname : 'localhost';
  return `"豐收商店 Fengshou Shop" <no-reply@${host}>`;
}

const MIN_SECRET_BYTES = 32;

/** The secret's size in random bytes, counted as the hex or base64 text it was most likely made as. */
function secretBytes(secret: string): number {
  if (/^[0-9a-fA-F]+$/.test(secret)) return Math.floor(secret.length / 2);
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(secret)) return Math.floor((secret.replace(/=+$/, '').length * 6) / 8);
  return secret.length;
}

// A shop in production must never fall back to the embedded sandbox (its demo keys are public, and
// its test card would mark real orders paid) nor to the embedded database, and must not send
// shoppers or the bank to a plain-HTTP origin. Each problem names its variable, all at once.
// The benchmark runs the shop with production settings against a sandbox on loopback, which no real
// shopper or bank can reach: with ALLOW_LOOPBACK_BANK_IN_PRODUCTION=1 and both URLs on loopback
// (PUBLIC_BASE_URL may then be left out), plain HTTP is let through; nothing else is.
const LOOPBACK_URL = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

function productionProblems(env: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  for (const name of ['SINOPAC_API_URL', ...BANK_VARIABLES] as const) {
    if (env[name] === undefined) problems.push(`${name} must be set (the embedded sandbox is for development only)`);
  }
  const loopbackBench =
    env.ALLOW_LOOPBACK_BANK_IN_PRODUCTION === '1' &&
    LOOPBACK_URL.test(env.SINOPAC_API_URL ?? '') &&
    (env.PUBLIC_BASE_URL === undefined || LOOPBACK_URL.test(env.PUBLIC_BASE_URL));
  if (env.SINOPAC_API_URL !== undefined && !env.SINOPAC_API_URL.startsWith('https://') && !loopbackBench) {
    problems.push('SINOPAC_API_URL must be an https:// URL');
  }
  if (env.DATABASE_URL === undefined) problems.push('DATABASE_URL must be set (the embedded PostgreSQL is for development only)');
  if (!loopbackBench) {
    if (env.PUBLIC_BASE_URL === undefined) problems.push('PUBLIC_BASE_URL must be set to the shop\'s public https:// origin');
    else if (!env.PUBLIC_BASE_URL.startsWith('https://')) problems.push('PUBLIC_BASE_URL must be an https:// URL');
  }
  if (env.SMTP_URL === undefined) problems.push('SMTP_URL must be set: without it no e-mail reaches a shopper');
  if (env.SESSION_SECRET === undefined) problems.push(`SESSION_SECRET must be set to at least ${MIN_SECRET_BYTES} random bytes`);
  else if (secretBytes(env.SESSION_SECRET) < MIN_SECRET_BYTES || new Set(env.SESSION_SECRET).size < 10) {
    problems.push(`SESSION_SECRET must hold at least ${MIN_SECRET_BYTES} random bytes, e.g. openssl rand -hex 32`);
  }
  return problems;
}

export function loadConfig(source: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(source);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${describeIssues(parsed.error)}`);
  const env = parsed.data;
  if (env.NODE_ENV === 'production') {
    const problems = productionProblems(env);
    if (problems.length > 0) {
      throw new ConfigError(`Refusing to start in production: ${problems.join('; ')}`);
    }
  }
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    trustProxy: env.TRUST_PROXY,
    publicBaseUrl: env.PUBLIC_BASE_URL?.replace(/\/$/, ''),
    database: env.DATABASE_URL
      ? { url: env.DATABASE_URL }
      : { embedded: { port: env.EMBEDDED_PG_PORT, dataDir: env.EMBEDDED_PG_DIR } },
    bank: bankConfig(env),
    callbackAllow: env.SINOPAC_CALLBACK_ALLOW,
    sessionSecret: env.SESSION_SECRET,
    metricsToken: env.METRICS_TOKEN,
    atmExpireDays: env.ATM_EXPIRE_DAYS,
    cardExpMinutes: env.CARD_EXP_MINUTES,
    jobs: {
      reconcileAfterMinutes: env.RECONCILE_AFTER_MINUTES,
      reconcileEverySeconds: env.RECONCILE_EVERY_SECONDS,
      atmExpiryGraceMinutes: env.ATM_EXPIRY_GRACE_MINUTES,
      stockHoldMinutes: env.STOCK_HOLD_MINUTES,
    },
    admin: adminConfig(env),
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM ?? defaultMailFrom(env.PUBLIC_BASE_URL) },
    logLevel: env.LOG_LEVEL,
  };
}
