// What `npx sinopac-sandbox` serves, from a file (`--config path`, else sandbox.json, sandbox.yaml or
// sandbox.yml in the working directory) or from the environment (SANDBOX_*, and SINOPAC_* for one
// shop), else the demo shop. Validated with zod so a mistake is named by its field, e.g.
// `shops[1].hashKeys.A2: 16 hexadecimal digits`. Keys a shop does not give are generated here.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { HashKeys } from './crypto';
import { DEMO_SHOP } from './demo-shop';
import type { SandboxShop } from './options';
import type { StartSandboxOptions } from './server';

const DEFAULT_PORT = 4010;
const CONFIG_FILES = ['sandbox.json', 'sandbox.yaml', 'sandbox.yml'];

/** A configuration the sandbox cannot start with; the message names the file or variable and the field. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

const hashKey = z.string().regex(/^[0-9A-Fa-f]{16}$/, '16 hexadecimal digits');
const origin = z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).refine((text) => {
  const url = new URL(text);
  return url.pathname === '/' && !url.search && !url.hash;
}, 'an origin only (scheme, host and port), with no path');

const shopSchema = z.strictObject({
  shopNo: z.string().regex(/^[A-Za-z0-9_]{1,20}$/, 'letters, digits or _ (at most 20), like NA0001_001'),
  hashKeys: z.strictObject({ A1: hashKey, A2: hashKey, B1: hashKey, B2: hashKey }).optional(),
  keyId: z.string().min(1).optional(),
  notifyOrigin: origin.optional(),
});

const fileSchema = z.strictObject({
  port: z.int().min(0).max(65_535).optional(),
  host: z.string().min(1).optional(),
  publicOrigin: origin.optional(),
  atmAutoPayDelayMs: z.int().min(0).nullable().optional(),
  notifyIntervalMs: z.int().min(1).optional(),
  maxDeliveries: z.int().min(1).optional(),
  shops: z.array(shopSchema).min(1, 'at least one shop').refine(
    (shops) => new Set(shops.map((shop) => shop.shopNo)).size === shops.length,
    'each shopNo once',
  ),
});

type ShopEntry = z.infer<typeof shopSchema>;

/** A shop as served, and how its keys came to be: the start-up text prints public and generated keys, never given ones. */
export interface ConfiguredShop {
  shop: SandboxShop;
  keys: 'demo' | 'generated' | 'given';
}

export interface Configuration {
  /** The file read, or 'environment' or 'demo'. */
  source: string;
  shops: ConfiguredShop[];
  options: StartSandboxOptions;
}

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`)).join('');
}

function validated<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${fieldPath(issue.path) || '(top level)'}: ${issue.message}`);
  throw new ConfigurationError(`${where} is not a valid sandbox configuration:\n${problems.join('\n')}`);
}

const generateKey = () => randomBytes(8).toString('hex').toUpperCase();

function configuredShop(entry: ShopEntry): ConfiguredShop {
  const given = entry.hashKeys;
  const hashKeys: HashKeys = given ?? { A1: generateKey(), A2: generateKey(), B1: generateKey(), B2: generateKey() };
  return {
    keys: given ? 'given' : 'generated',
    shop: {
      shopNo: entry.shopNo,
      hashKeys,
      ...(entry.keyId ? { keyId: entry.keyId } : {}),
      ...(entry.notifyOrigin ? { notifyOrigin: entry.notifyOrigin } : {}),
      ...(given ? {} : { showKeys: true }),
    },
  };
}

function readFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function fromFile(path: string, env: NodeJS.ProcessEnv): Configuration {
  const file = validated(fileSchema, readFile(path), path);
  const { shops, port, host, publicOrigin, ...timing } = file;
  const configured = shops.map(configuredShop);
  return {
    source: path,
    shops: configured,
    options: {
      ...environmentServer(env),
      ...(port === undefined ? {} : { port }),
      ...(host === undefined ? {} : { host }),
      ...(publicOrigin === undefined ? {} : { publicOrigin }),
      ...timing,
      shops: configured.map(({ shop }) => shop),
    },
  };
}

const serverVariables = z.object({
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT),
  SANDBOX_HOST: z.string().min(1).optional(),
  SANDBOX_PUBLIC_ORIGIN: origin.optional(),
});

const shopVariables = z.object({
  SANDBOX_NOTIFY_ORIGIN: origin.optional(),
  SINOPAC_SHOP_NO: shopSchema.shape.shopNo.optional(),
  SINOPAC_HASH_A1: hashKey.optional(),
  SINOPAC_HASH_A2: hashKey.optional(),
  SINOPAC_HASH_B1: hashKey.optional(),
  SINOPAC_HASH_B2: hashKey.optional(),
  SINOPAC_KEY_ID: z.string().min(1).optional(),
});

const KEY_VARIABLES = ['SINOPAC_HASH_A1', 'SINOPAC_HASH_A2', 'SINOPAC_HASH_B1', 'SINOPAC_HASH_B2'] as const;

/** The variables a schema names, an empty one counting as unset (as in a .env file). */
function variables<T>(schema: z.ZodObject & z.ZodType<T>, env: NodeJS.ProcessEnv): T {
  const given = Object.fromEntries(Object.keys(schema.shape).filter((name) => env[name]).map((name) => [name, env[name]]));
  return validated(schema, given, 'the environment');
}

/** Where to listen, from SANDBOX_PORT, SANDBOX_HOST and SANDBOX_PUBLIC_ORIGIN; a file's own values win. */
function environmentServer(env: NodeJS.ProcessEnv): StartSandboxOptions {
  const vars = variables(serverVariables, env);
  return {
    shops: [],
    port: vars.SANDBOX_PORT,
    ...(vars.SANDBOX_HOST ? { host: vars.SANDBOX_HOST } : {}),
    ...(vars.SANDBOX_PUBLIC_ORIGIN ? { publicOrigin: vars.SANDBOX_PUBLIC_ORIGIN } : {}),
  };
}

function fromEnvironment(env: NodeJS.ProcessEnv): Configuration {
  const vars = variables(shopVariables, env);
  const server = environmentServer(env);
  const notify = vars.SANDBOX_NOTIFY_ORIGIN ? { notifyOrigin: vars.SANDBOX_NOTIFY_ORIGIN } : {};
  const keysGiven = KEY_VARIABLES.filter((name) => vars[name]);
  if (!vars.SINOPAC_SHOP_NO) {
    if (keysGiven.length > 0 || vars.SINOPAC_KEY_ID) throw new ConfigurationError('the environment sets SinoPac keys but not SINOPAC_SHOP_NO');
    const demo: ConfiguredShop = { keys: 'demo', shop: { ...DEMO_SHOP, ...notify } };
    return { source: 'demo', shops: [demo], options: { ...server, shops: [demo.shop] } };
  }
  if (keysGiven.length > 0 && keysGiven.length < KEY_VARIABLES.length) {
    const missing = KEY_VARIABLES.filter((name) => !vars[name]);
    throw new ConfigurationError(`set all four of ${KEY_VARIABLES.join(', ')} or none (to have them generated); missing: ${missing.join(', ')}`);
  }
  const shop = configuredShop({
    shopNo: vars.SINOPAC_SHOP_NO,
    ...(keysGiven.length > 0 ? { hashKeys: { A1: vars.SINOPAC_HASH_A1!, A2: vars.SINOPAC_HASH_A2!, B1: vars.SINOPAC_HASH_B1!, B2: vars.SINOPAC_HASH_B2! } } : {}),
    ...(vars.SINOPAC_KEY_ID ? { keyId: vars.SINOPAC_KEY_ID } : {}),
    ...notify,
  });
  return { source: 'environment', shops: [shop], options: { ...server, shops: [shop.shop] } };
}

/**
 * The configuration for a start with these arguments, in this directory and environment: `--config
 * <path>` (or `--config=<path>`), else the first of sandbox.json, sandbox.yaml, sandbox.yml here,
 * else the environment's shop, else the demo shop.
 */
export function loadConfiguration(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Configuration {
  let path: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--config') {
      path = args[++i];
      if (!path) throw new ConfigurationError('--config needs a file path');
    } else if (arg.startsWith('--config=')) {
      path = arg.slice('--config='.length);
    } else {
      throw new ConfigurationError(`unknown argument ${arg}; the only option is --config <file>`);
    }
  }
  if (path) return fromFile(resolve(cwd, path), env);
  const found = CONFIG_FILES.map((name) => resolve(cwd, name)).find((candidate) => existsSync(candidate));
  return found ? fromFile(found, env) : fromEnvironment(env);
}
