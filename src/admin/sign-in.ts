// Signing in to the back office: the one merchant account and its password hash, the brakes on
// guessing, what a sign-in keeps in the shop's session, and the gate in front of every other page.
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Session, SessionData } from 'express-session';
import { HttpError } from '../web/errors';
import { takeNotice } from './notices';

// Does a username and password open the back office. There is one merchant account, configured in
// the environment; the answer takes as long for a wrong username as for a wrong password, so
// timing does not tell which one was wrong.
export interface AdminCredentials {
  username: string;
  /** scrypt hash from `npm run admin:hash-password`. */
  passwordHash: string;
}

export type CheckAdminLogin = (username: string, password: string) => Promise<boolean>;

const digest = (text: string) => createHash('sha256').update(text.normalize('NFKC')).digest();

export function adminLoginChecker(credentials: AdminCredentials): CheckAdminLogin {
  const hash = parseAdminPasswordHash(credentials.passwordHash);
  const expectedUser = digest(credentials.username);
  return async (username, password) => {
    // Both checks always run: equal-length digests make the username comparison constant-time too.
    const userMatches = timingSafeEqual(digest(username), expectedUser);
    const passwordMatches = await verifyAdminPassword(password, hash);
    return userMatches && passwordMatches;
  };
}

// The back-office password is kept only as a scrypt hash (node:crypto), written as
// "scrypt:N:r:p:salt:hash" with base64url salt and hash, so the cost can be raised later without
// invalidating hashes already in the environment. Colons rather than the usual "$", which shells,
// docker-compose and .env expanders would try to substitute.
const PREFIX = 'scrypt';
const SEPARATOR = ':';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's minimum for scrypt (N = 2^17, r = 8, p = 1): 128 MiB and a few hundred milliseconds per
 * login, slow for guessing, fine for one merchant. A hash verifies at the cost written in it, so one
 * made at a lower cost still signs in; `npm run admin:hash-password` makes a new one at this cost.
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

class PasswordHashFormatError extends Error {
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

// Brute-force brakes on the back-office sign-in that nobody else can use to lock the merchant out.
// Failures are counted per (username, address): a few are free, then each further attempt of that
// pair must wait twice as long as the last (2 s, 4 s, … up to 15 minutes), so guessing from one
// address slows to a crawl while the merchant, from their own address, is never held up by someone
// else's failures. Above that, one address may fail at most FAILURES_PER_ADDRESS times per window
// whatever names it tries, and all addresses together GLOBAL_FAILURES_PER_WINDOW times, a ceiling
// high enough that only a large distributed attack reaches it. The address is the client's key
// (web/client-address.ts): an IPv6 client is its /64.
//
// Every attempt counts as a failure from the moment it is let through, before its password is
// hashed, and a success gives its count back and clears its pair: counted only after the hash,
// thirty attempts sent at once would all pass a check that none of them had yet added to.
//
// The counts live in this process's memory: a shop on several processes multiplies what a guesser
// gets by their number, which still keeps guessing far too slow to matter.
const LOGIN_WINDOW_MS = 15 * 60_000;
export const FREE_FAILURES = 3;
export const MAX_DELAY_MS = 15 * 60_000;
export const FAILURES_PER_ADDRESS = 20;
export const GLOBAL_FAILURES_PER_WINDOW = 5_000;
/** A pair's failures are forgotten this long after its last one. */
const PAIR_MEMORY_MS = 24 * 3_600_000;
const MAX_PAIRS = 100_000;

export class LoginThrottledError extends HttpError {
  constructor(detail: string, retryAfterMs: number) {
    super(429, 'admin.login.throttled', detail, Math.ceil(retryAfterMs / 1000));
  }
}

/** The username as the check compares it, so " Merchant" and "merchant" share one count. */
function normalised(username: string): string {
  return username.trim().normalize('NFKC').toLowerCase();
}

/** A short digest that lets the log tie failures for one name together without holding the name. */
export function usernameDigest(username: string): string {
  return createHash('sha256').update(normalised(username)).digest('hex').slice(0, 12);
}

interface Count {
  failures: number;
  last: number;
}

export interface LoginThrottle {
  /** Throws LoginThrottledError when this attempt must wait; otherwise counts it as a failure. */
  attempt(username: string, address: string): void;
  /** The attempt was not made after all (it was never checked): its count is given back. */
  withdrawn(username: string, address: string): void;
  /** The attempt opened the back office: its count is given back and its pair forgotten. */
  succeeded(username: string, address: string): void;
}

/** The wait after `failures` failures of one pair. */
export function delayAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, 1000 * 2 ** (failures - FREE_FAILURES + 1));
}

export function createLoginThrottle(clock: () => number = Date.now): LoginThrottle {
  // Insertion order is age order, for dropping the oldest pair when there are too many.
  const pairs = new Map<string, Count>();
  const addresses = new Map<string, { since: number; failures: number }>();
  let global = { since: 0, failures: 0 };
  const pairKey = (username: string, address: string) => `${address}\u0000${normalised(username)}`;

  const windowed = (count: { since: number; failures: number } | undefined, now: number) =>
    count && now - count.since < LOGIN_WINDOW_MS ? count : { since: now, failures: 0 };

  const check = (username: string, address: string, now: number) => {
    const pair = pairs.get(pairKey(username, address));
    if (pair && now - pair.last < PAIR_MEMORY_MS) {
      const wait = pair.last + delayAfter(pair.failures) - now;
      if (wait > 0) throw new LoginThrottledError(`${pair.failures} failed sign-ins for this name from this address`, wait);
    }
    const byAddress = windowed(addresses.get(address), now);
    if (byAddress.failures >= FAILURES_PER_ADDRESS) {
      throw new LoginThrottledError('too many failed sign-ins from this address', byAddress.since + LOGIN_WINDOW_MS - now);
    }
    global = windowed(global, now);
    if (global.failures >= GLOBAL_FAILURES_PER_WINDOW) {
      throw new LoginThrottledError('too many failed sign-ins from everywhere', global.since + LOGIN_WINDOW_MS - now);
    }
  };

  // The address's and everyone's counts of this window, less one: what an attempt that did not fail adds back.
  const giveBack = (address: string, now: number) => {
    const byAddress = addresses.get(address);
    if (byAddress && now - byAddress.since < LOGIN_WINDOW_MS) byAddress.failures = Math.max(0, byAddress.failures - 1);
    global = windowed(global, now);
    global.failures = Math.max(0, global.failures - 1);
  };

  return {
    attempt(username, address) {
      const now = clock();
      check(username, address, now);
      const key = pairKey(username, address);
      const pair = pairs.get(key);
      const failures = pair && now - pair.last < PAIR_MEMORY_MS ? pair.failures + 1 : 1;
      pairs.delete(key);
      pairs.set(key, { failures, last: now });
      if (pairs.size > MAX_PAIRS) pairs.delete(pairs.keys().next().value!);
      const byAddress = windowed(addresses.get(address), now);
      addresses.set(address, { ...byAddress, failures: byAddress.failures + 1 });
      global.failures += 1;
      // Keep only this window's addresses.
      if (addresses.size > MAX_PAIRS) {
        for (const [known, count] of addresses) if (now - count.since >= LOGIN_WINDOW_MS) addresses.delete(known);
      }
    },
    withdrawn(username, address) {
      const now = clock();
      const key = pairKey(username, address);
      const pair = pairs.get(key);
      if (pair && pair.failures > 1) pairs.set(key, { ...pair, failures: pair.failures - 1 });
      else pairs.delete(key);
      giveBack(address, now);
    },
    succeeded(username, address) {
      pairs.delete(pairKey(username, address));
      giveBack(address, clock());
    },
  };
}

// What a sign-in keeps in the shop's session: who is signed in and since when.
export interface AdminSignIn {
  username: string;
  /** The owner (the environment's account) or staff (src/admin/accounts.ts); absent on older sign-ins, which were the owner's. */
  role?: 'owner' | 'staff';
  /** Epoch milliseconds. */
  signedInAt: number;
}

declare module 'express-session' {
  interface SessionData {
    admin?: AdminSignIn;
  }
}

/** A sign-in lasts a working day, however active the shop's 30-day session cookie is. */
export const ADMIN_SIGN_IN_MS = 12 * 3_600_000;

export function signedInAdmin(session: Partial<SessionData>, now: Date): AdminSignIn | undefined {
  const admin = session.admin;
  if (!admin) return undefined;
  return now.getTime() - admin.signedInAt < ADMIN_SIGN_IN_MS ? admin : undefined;
}

/** A new session id on every sign-in, so a session id planted before signing in is worth nothing. */
export function startAdminSession(req: Request, admin: AdminSignIn): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((regenerateError) => {
      if (regenerateError) return reject(regenerateError);
      req.session.admin = admin;
      req.session.save((saveError) => (saveError ? reject(saveError) : resolve()));
    });
  });
}

export function endAdminSession(session: Session): Promise<void> {
  return new Promise((resolve, reject) => session.destroy((error) => (error ? reject(error) : resolve())));
}

// The gate in front of every back-office page: without a current sign-in, the answer is the login
// page and nothing else, whatever was asked (even a path that does not exist).
export const ADMIN_LOGIN_PATH = '/admin/login';

export function requireAdmin(clock: () => Date): RequestHandler {
  return (req, res, next) => {
    const admin = signedInAdmin(req.session, clock());
    if (!admin) {
      // Only a page someone was looking at is worth returning to; a form post is not repeated.
      const target = req.method === 'GET' ? `${ADMIN_LOGIN_PATH}?next=${encodeURIComponent(req.originalUrl)}` : ADMIN_LOGIN_PATH;
      res.redirect(303, target);
      return;
    }
    // Customer data and bank records: never kept by the browser's or a proxy's cache.
    res.set('Cache-Control', 'no-store');
    res.locals.admin = admin;
    res.locals.notice = takeNotice(req.session);
    next();
  };
}

/** Where to go after signing in: only a back-office path of this site, never another origin. */
export function afterLoginPath(next: unknown): string {
  if (typeof next !== 'string' || !/^\/admin(\/[\w\-./?=&%]*)?$/.test(next) || next.includes('//')) return '/admin/orders';
  return next.startsWith(ADMIN_LOGIN_PATH) ? '/admin/orders' : next;
}
