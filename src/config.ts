// Every setting, read once from the environment and validated; a bad value stops start-up with
// a message that names the variable. Only this module reads process.env.
import { deflateRawSync } from 'node:zlib';
import { z } from 'zod';
import type { HashKeys } from './sinopac/crypto';
import { isBankTestHost, isPublicDemoValue } from './sinopac/test-environment';
import { isEcpayStageHost, isEcpayStageValue } from './einvoice/ecpay/stage';
import { parseAllowList } from './web/client-address';

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

// ECPay issues the e-invoice HashKey and HashIV as 16 letters and digits each.
const einvoiceKey = optionalText.refine((value) => value === undefined || /^[0-9A-Za-z]{16}$/.test(value), {
  message: 'must be the 16 letters and digits ECPay issued',
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
  // "test": a staging shop on the bank's test host, on purpose; every page then says "test mode".
  SINOPAC_ENVIRONMENT: z.enum(['production', 'test']).default('production'),
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
  METRICS_TOKEN: optionalText.refine((value) => value === undefined || estimatedSecretBits(value) >= MIN_TOKEN_BITS, {
    message: 'must be random, e.g. openssl rand -hex 32 (this one is too short or too regular)',
  }),
  ATM_EXPIRE_DAYS: integer(3, 1, 30),
  CARD_EXP_MINUTES: integer(10, 1, 30),
  BANK_CHECK_AFTER_MINUTES: integer(15, 1, 1440),
  JOBS_EVERY_SECONDS: integer(60, 5, 3600),
  SINOPAC_MAX_QUERIES_PER_SECOND: integer(20, 1, 100),
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
  // E-invoices (src/einvoice/): "off" for a merchant exempt from issuing them; else ECPay's B2C API.
  EINVOICE: z.enum(['on', 'off']).default('on'),
  EINVOICE_API_URL: optionalText.pipe(z.url().optional()),
  EINVOICE_MERCHANT_ID: optionalText,
  EINVOICE_HASH_KEY: einvoiceKey,
  EINVOICE_HASH_IV: einvoiceKey,
  EINVOICE_TIMEOUT_MS: integer(15_000, 100, 120_000),
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

const EINVOICE_VARIABLES = ['EINVOICE_API_URL', 'EINVOICE_MERCHANT_ID', 'EINVOICE_HASH_KEY', 'EINVOICE_HASH_IV'] as const;


/**
 * Who issues the shop's e-invoices: nobody (EINVOICE=off, a merchant exempt from issuing them), the
 * provider at apiUrl, or (nothing configured, never in production) the simulator the shop starts.
 */
export type EinvoiceConfig =
  | { mode: 'off' }
  | { mode: 'remote'; apiUrl: string; merchantId: string; hashKey: string; hashIV: string; timeoutMs: number }
  | { mode: 'embedded-sandbox'; timeoutMs: number };

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  /** Express's "trust proxy": a hop count, or the proxies' addresses, CIDR blocks and names. */
  trustProxy: number | string[];
  publicBaseUrl?: string;
  database: { url: string } | { embedded: { port: number; dataDir: string } };
  bank: BankConfig;
  /** True for a staging shop on the bank's test host (SINOPAC_ENVIRONMENT=test): every page says so. */
  bankTestMode: boolean;
  /** Whether a payment with the bank's published test card counts: everywhere but in production outside test mode. */
  publishedTestCardPays: boolean;
  /** Where the bank's notifications may come from; empty: anywhere. */
  callbackAllow: string[];
  sessionSecret?: string;
  metricsToken?: string;
  atmExpireDays: number;
  cardExpMinutes: number;
  /** The bank check and the ATM expiry (src/jobs/). */
  jobs: {
    /** An undecided attempt is first asked about at this age; later questions thin out (jobs/bank-check-schedule.ts). */
    bankCheckAfterMinutes: number;
    /** How often each job runs, across all instances together. */
    jobsEverySeconds: number;
    /** How long after an ATM deadline the attempt is expired, for transfers still being notified. */
    atmExpiryGraceMinutes: number;
    /** How long an unpaid order with no open attempt keeps its stock (jobs/release-stock-holds.ts). */
    stockHoldMinutes: number;
    /** The most questions a second the bank check and the ATM expiry ask the bank (jobs/bank-pace.ts). */
    maxBankQueriesPerSecond: number;
  };
  /** The merchant's back-office sign-in; absent, there is no back office. */
  admin?: { username: string; passwordHash: string };
  /** Where e-mails go: a real SMTP server, or (no smtpUrl, never in production) the sandbox's mail catcher. */
  mail: { smtpUrl?: string; from: string };
  einvoice: EinvoiceConfig;
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

function einvoiceConfig(env: z.infer<typeof schema>): EinvoiceConfig {
  if (env.EINVOICE === 'off') return { mode: 'off' };
  const given = EINVOICE_VARIABLES.filter((name) => env[name] !== undefined);
  if (given.length === 0) return { mode: 'embedded-sandbox', timeoutMs: env.EINVOICE_TIMEOUT_MS };
  const missing = EINVOICE_VARIABLES.filter((name) => env[name] === undefined);
  if (missing.length > 0) throw new ConfigError(`${missing.join(', ')} must be set along with ${given.join(', ')} (or EINVOICE=off)`);
  return {
    mode: 'remote',
    apiUrl: env.EINVOICE_API_URL!.replace(/\/$/, ''),
    merchantId: env.EINVOICE_MERCHANT_ID!,
    hashKey: env.EINVOICE_HASH_KEY!,
    hashIV: env.EINVOICE_HASH_IV!,
    timeoutMs: env.EINVOICE_TIMEOUT_MS,
  };
}

// A production shop issues real invoices or none: never through the simulator, nor with ECPay's
// public stage merchant or on its stage host, where an invoice is not an invoice.
function einvoiceProductionProblems(env: z.infer<typeof schema>): string[] {
  if (env.EINVOICE === 'off') return [];
  const problems: string[] = [];
  for (const name of EINVOICE_VARIABLES) {
    const value = env[name];
    if (value === undefined) problems.push(`${name} must be set (or EINVOICE=off for a merchant exempt from e-invoices)`);
    else if (isEcpayStageValue(value)) problems.push(`${name} must be the merchant's own, not ECPay's public stage value`);
  }
  if (env.EINVOICE_API_URL !== undefined) {
    if (!env.EINVOICE_API_URL.startsWith('https://')) problems.push('EINVOICE_API_URL must be an https:// URL');
    else if (isEcpayStageHost(env.EINVOICE_API_URL)) problems.push("EINVOICE_API_URL must be ECPay's production host, not its stage host");
  }
  return problems;
}

function defaultMailFrom(publicBaseUrl: string | undefined): string {
  const host = publicBaseUrl ? new URL(publicBaseUrl).hostname : 'localhost';
  return `"豐收商店 Fengshou Shop" <no-reply@${host}>`;
}

// Secrets are judged by how much they would cost to guess, not by the characters they use: the
// smallest of three estimates, in bits, of what the text holds. Each character's own frequency
// (Shannon), the steps between neighbouring characters (a sequence such as "abcdef…" or
// "0123…" is one step repeated), and what deflate leaves of it (a pattern repeated compresses to
// the pattern). 32 random bytes as hex or base64 estimate at 190 bits or more (20,000 samples each
// never fell below 193); "0123456789abcdef" repeated, at under 100.
const MIN_SECRET_BITS = 170;
// METRICS_TOKEN guards read-only counters: 16 random bytes (openssl rand -hex 16) are enough.
const MIN_TOKEN_BITS = 96;

function shannonBits(symbols: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const symbol of symbols) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= count * Math.log2(count / symbols.length);
  return bits;
}

export function estimatedSecretBits(secret: string): number {
  const codes = Array.from(secret, (character) => character.codePointAt(0)!);
  const steps = codes.slice(1).map((code, index) => code - codes[index]!);
  // Deflate's raw stream carries about two bytes of its own framing.
  const compressedBits = (deflateRawSync(Buffer.from(secret), { level: 9 }).length - 2) * 8;
  return Math.min(shannonBits(codes), shannonBits(steps), compressedBits);
}

/**
 * What is wrong with sending a password over SMTP_URL, read as nodemailer reads it
 * (createTransport({ url })): smtps:// is TLS from the first byte; smtp:// only upgrades with
 * STARTTLS when the server offers it, so anyone between can strip the offer and read the password,
 * unless `requireTLS=true` makes nodemailer refuse to go on without it. On smtp:// a `secure=true`
 * query is ignored (the scheme sets it first), and `tls.rejectUnauthorized=false` lets any
 * certificate through, so neither counts.
 */
function smtpPasswordProblem(smtpUrl: string): string | undefined {
  const url = new URL(smtpUrl);
  if (url.password === '') return undefined;
  if (url.searchParams.get('tls.rejectUnauthorized') === 'false') {
    return 'SMTP_URL carries a password but tls.rejectUnauthorized=false accepts any certificate';
  }
  if (url.protocol === 'smtps:' || url.searchParams.get('requireTLS') === 'true') return undefined;
  return 'SMTP_URL carries a password: use smtps:// (TLS, usually port 465) or smtp://…?requireTLS=true (STARTTLS, usually port 587)';
}

// A shop in production must never fall back to the embedded sandbox (its demo keys are public, and
// its test card would mark real orders paid) nor to the embedded database, must not send shoppers
// or the bank to a plain-HTTP origin, and must not take the bank's test host for the bank: its
// published test card would pay real orders there. A staging shop that means to use the test host
// says so (SINOPAC_ENVIRONMENT=test) and its pages say "test mode". Each problem names its
// variable, all at once.
function productionProblems(env: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  for (const name of ['SINOPAC_API_URL', ...BANK_VARIABLES] as const) {
    if (env[name] === undefined) problems.push(`${name} must be set (the embedded sandbox is for development only)`);
  }
  for (const name of BANK_VARIABLES) {
    const value = env[name];
    if (value !== undefined && isPublicDemoValue(value)) problems.push(`${name} must be the bank's, not the embedded sandbox's public demo value`);
  }
  if (env.SINOPAC_API_URL !== undefined) {
    if (!env.SINOPAC_API_URL.startsWith('https://')) problems.push('SINOPAC_API_URL must be an https:// URL');
    else if (isBankTestHost(env.SINOPAC_API_URL) && env.SINOPAC_ENVIRONMENT !== 'test') {
      problems.push("SINOPAC_API_URL must be the bank's production host: this is its public test host (set SINOPAC_ENVIRONMENT=test for a staging shop)");
    }
  }
  if (env.DATABASE_URL === undefined) problems.push('DATABASE_URL must be set (the embedded PostgreSQL is for development only)');
  if (env.PUBLIC_BASE_URL === undefined) problems.push('PUBLIC_BASE_URL must be set to the shop\'s public https:// origin');
  else if (!env.PUBLIC_BASE_URL.startsWith('https://')) problems.push('PUBLIC_BASE_URL must be an https:// URL');
  if (env.SMTP_URL === undefined) problems.push('SMTP_URL must be set: without it no e-mail reaches a shopper');
  else {
    const smtpProblem = smtpPasswordProblem(env.SMTP_URL);
    if (smtpProblem) problems.push(smtpProblem);
  }
  if (env.SESSION_SECRET === undefined) problems.push('SESSION_SECRET must be set to 32 random bytes, e.g. openssl rand -hex 32');
  else if (estimatedSecretBits(env.SESSION_SECRET) < MIN_SECRET_BITS) {
    problems.push('SESSION_SECRET must hold 32 random bytes, e.g. openssl rand -hex 32 (this one is too short or too regular)');
  }
  return [...problems, ...einvoiceProductionProblems(env)];
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
    bankTestMode: env.SINOPAC_ENVIRONMENT === 'test',
    publishedTestCardPays: env.NODE_ENV !== 'production' || env.SINOPAC_ENVIRONMENT === 'test',
    callbackAllow: env.SINOPAC_CALLBACK_ALLOW,
    sessionSecret: env.SESSION_SECRET,
    metricsToken: env.METRICS_TOKEN,
    atmExpireDays: env.ATM_EXPIRE_DAYS,
    cardExpMinutes: env.CARD_EXP_MINUTES,
    jobs: {
      bankCheckAfterMinutes: env.BANK_CHECK_AFTER_MINUTES,
      jobsEverySeconds: env.JOBS_EVERY_SECONDS,
      atmExpiryGraceMinutes: env.ATM_EXPIRY_GRACE_MINUTES,
      stockHoldMinutes: env.STOCK_HOLD_MINUTES,
      maxBankQueriesPerSecond: env.SINOPAC_MAX_QUERIES_PER_SECOND,
    },
    admin: adminConfig(env),
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM ?? defaultMailFrom(env.PUBLIC_BASE_URL) },
    einvoice: einvoiceConfig(env),
    logLevel: env.LOG_LEVEL,
  };
}
