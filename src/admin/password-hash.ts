// The back-office password is kept only as a scrypt hash (node:crypto), written as
// "scrypt$N$r$p$salt$hash" with base64url salt and hash, so the cost can be raised later without
// invalidating hashes already in the environment.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PREFIX = 'scrypt';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** About 32 MiB and a few hundred milliseconds per login: slow for guessing, fine for one merchant. */
export const DEFAULT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, cost: ScryptCost, length: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is exactly what the default cost needs, so allow twice that.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `cost` is part of the result, so lowering it (as tests do, for speed) never weakens other hashes. */
export async function hashAdminPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, cost, KEY_LENGTH);
  return [PREFIX, cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
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
  const [prefix, n, r, p, salt, key, ...rest] = stored.split('$');
  if (prefix !== PREFIX || rest.length > 0 || ![n, r, p].every((v) => v !== undefined && INTEGER.test(v)) || !salt || !key) {
    throw new PasswordHashFormatError('ADMIN_PASSWORD_HASH is not a "scrypt$N$r$p$salt$hash" value (npm run admin:hash-password)');
  }
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if ((cost.N & (cost.N - 1)) !== 0) throw new PasswordHashFormatError('scrypt N must be a power of two');
  return { cost, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}

export async function verifyAdminPassword(password: string, stored: ParsedHash): Promise<boolean> {
  const key = await derive(password, stored.salt, stored.cost, stored.key.length);
  return timingSafeEqual(key, stored.key);
}
