// The back-office password is kept only as a scrypt hash (node:crypto), written as
// "scrypt:N:r:p:salt:hash" with base64url salt and hash, so the cost can be raised later without
// invalidating hashes already in the environment. Colons rather than the usual "$", which shells,
// docker-compose and .env expanders would try to substitute.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PREFIX = 'scrypt';
const SEPARATOR = ':';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's minimum for scrypt (N = 2^17, r = 8, p = 1): 128 MiB and a few hundred milliseconds per
 * login, slow for guessing, fine for one merchant. Hashes made at a lower cost (2^15 before) still
 * verify, at the cost written in them; `npm run admin:hash-password` makes a new one at this cost.
 */
export const DEFAULT_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, cost: ScryptCost, length: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes, more than Node's default ceiling (32 MiB) at our cost: allow twice that.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `cost` is part of the result, so lowering it (as tests do, for speed) never weakens other hashes. */
export async function hashAdminPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, cost, KEY_LENGTH);
  return [PREFIX, cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join(SEPARATOR);
}

export class PasswordHashFormatError extends Error {
  override name = 'PasswordHashFormatError';
}

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

const INTEGER = /^[1-9]\d{0,9}$/;

/** Checked once when the back office is set up, so a mistyped hash fails at start-up, not at login. */
export function parseAdminPasswordHash(stored: string): ParsedHash {
  const [prefix, n, r, p, salt, key, ...rest] = stored.split(SEPARATOR);
  if (prefix !== PREFIX || rest.length > 0 || ![n, r, p].every((v) => v !== undefined && INTEGER.test(v)) || !salt || !key) {
    throw new PasswordHashFormatError('ADMIN_PASSWORD_HASH is not a "scrypt:N:r:p:salt:hash" value (npm run admin:hash-password)');
  }
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  // Beyond 2^20 every login would need gigabytes.
  if ((cost.N & (cost.N - 1)) !== 0 || cost.N > 2 ** 20 || cost.r > 32 || cost.p > 16) {
    throw new PasswordHashFormatError('scrypt cost out of range: N a power of two up to 2^20, r up to 32, p up to 16');
  }
  const parsed = { cost, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
  // A short (or empty) key would compare equal to almost anything: refuse it outright.
  if (parsed.salt.length < SALT_LENGTH || parsed.key.length < KEY_LENGTH) {
    throw new PasswordHashFormatError(`ADMIN_PASSWORD_HASH needs a salt of ${SALT_LENGTH} and a hash of ${KEY_LENGTH} bytes or more`);
  }
  return parsed;
}

export async function verifyAdminPassword(password: string, stored: ParsedHash): Promise<boolean> {
  const key = await derive(password, stored.salt, stored.cost, stored.key.length);
  return timingSafeEqual(key, stored.key);
}
