// Cheap refusals in front of the bank callbacks, so that forged deliveries do not become bank calls.
// Every delivery the intake takes costs a Nonce and an OrderPayQuery round trip at the bank, and a
// flood of made-up PayTokens would spend the merchant's standing with the bank on nothing. So,
// before the intake and without asking anyone:
// - notifications from outside SINOPAC_CALLBACK_ALLOW (the bank's source addresses), when it is set;
// - tokens in a shape the bank never issues;
// - a token this process found unknown at the bank a short while ago (the same answer again);
// - new tokens from an address whose recent tokens turned out unknown too often: a forger's.
// The bank itself sends unknown tokens almost never, and a notification refused here with
// {"Status":"F"} comes again ten minutes later (and the reconciler asks about every open attempt
// anyway), so the budget costs a genuine payment at most a delay.
//
// The memory is this process's own: each process of a shop spends its own budget at the bank.
import { BlockList, isIP } from 'node:net';

export interface CallbackScreeningSettings {
  /** CIDRs the BackendURL notification may come from; empty or absent: any address. */
  allow?: readonly string[];
  /** Lookups of tokens that turned out unknown, per address and window, before new ones are refused. */
  unknownPerAddress?: number;
  windowMs?: number;
}

export type Screening =
  | { verdict: 'pass'; settle(outcome: string): void }
  | { verdict: 'address_not_allowed' | 'malformed_token' | 'known_unknown' | 'unknown_budget_spent' };

// Spec: X(64) in the notification, X(100) in OrderPayQuery; 64 hex digits in every sample seen.
const TOKEN_SHAPE = /^[A-Za-z0-9+/=_.-]{16,100}$/;
const DEFAULT_UNKNOWN_PER_ADDRESS = 20;
// The bank retries a notification every ten minutes: a window of that length spans one round of them.
const DEFAULT_WINDOW_MS = 10 * 60_000;
const REMEMBERED_UNKNOWN_TOKENS = 10_000;

export class CallbackAllowListError extends Error {
  override name = 'CallbackAllowListError';
}

/** "203.0.113.0/24, 2001:db8::/32, 198.51.100.7" as a BlockList; throws naming the entry it cannot read. */
export function parseAllowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefixText, ...rest] = entry.trim().split('/');
    const family = isIP(address);
    const maxPrefix = family === 6 ? 128 : 32;
    const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
    if (family === 0 || rest.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix) {
      throw new CallbackAllowListError(`"${entry}" is not an address or CIDR block`);
    }
    list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

export interface CallbackScreening {
  notification(address: string | undefined, payToken: string): Promise<Screening>;
  return(address: string | undefined, payToken: string): Promise<Screening>;
}

export function createCallbackScreening(settings: CallbackScreeningSettings = {}, clock: () => number = Date.now): CallbackScreening {
  const allowed = settings.allow?.length ? parseAllowList(settings.allow) : undefined;
  const budget = settings.unknownPerAddress ?? DEFAULT_UNKNOWN_PER_ADDRESS;
  const windowMs = settings.windowMs ?? DEFAULT_WINDOW_MS;
  // Insertion order is age order: the oldest entry is the first to go.
  const unknownTokens = new Map<string, number>();
  const spentBy = new Map<string, { since: number; spent: number }>();
  const inLookup = new Map<string, Promise<string>>();

  const isAllowed = (address: string) => {
    if (!allowed) return true;
    const family = isIP(address);
    return family !== 0 && allowed.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };

  function rememberUnknown(token: string) {
    unknownTokens.delete(token);
    unknownTokens.set(token, clock() + windowMs);
    if (unknownTokens.size > REMEMBERED_UNKNOWN_TOKENS) unknownTokens.delete(unknownTokens.keys().next().value!);
  }

  function account(address: string) {
    const now = clock();
    let entry = spentBy.get(address);
    if (!entry || now - entry.since >= windowMs) {
      entry = { since: now, spent: 0 };
      spentBy.set(address, entry);
    }
    return entry;
  }

  function screen(address: string, payToken: string): Promise<Screening> {
    if (!TOKEN_SHAPE.test(payToken)) return Promise.resolve({ verdict: 'malformed_token' });
    const until = unknownTokens.get(payToken);
    if (until !== undefined) {
      if (until > clock()) return Promise.resolve({ verdict: 'known_unknown' });
      unknownTokens.delete(payToken);
    }
    // A copy of a token being looked up now waits for that lookup, and costs nothing more: if the
    // token turned out unknown, the copy is answered as such without a second bank call.
    const first = inLookup.get(payToken);
    if (first) {
      return first.then((outcome) => (outcome === 'unknown' ? { verdict: 'known_unknown' } : { verdict: 'pass', settle: () => {} }));
    }
    const entry = account(address);
    if (entry.spent >= budget) return Promise.resolve({ verdict: 'unknown_budget_spent' });
    // Charged before the lookup, so that a flood of concurrent forgeries cannot all pass at once;
    // given back when the token turns out to be known.
    entry.spent += 1;
    let announce: (outcome: string) => void = () => {};
    inLookup.set(payToken, new Promise((resolve) => (announce = resolve)));
    return Promise.resolve({
      verdict: 'pass',
      settle(outcome) {
        inLookup.delete(payToken);
        announce(outcome);
        if (outcome === 'unknown') rememberUnknown(payToken);
        else if (spentBy.get(address) === entry) entry.spent -= 1;
      },
    });
  }

  // Forget windows long over, so that the map holds only the addresses of the last window.
  const sweep = setInterval(() => {
    const now = clock();
    for (const [address, entry] of spentBy) if (now - entry.since >= windowMs) spentBy.delete(address);
  }, windowMs);
  sweep.unref();

  return {
    notification(address = '', payToken) {
      if (!isAllowed(address)) return Promise.resolve({ verdict: 'address_not_allowed' });
      return screen(address, payToken);
    },
    // The return comes from the shopper's browser, from any address: no allow-list.
    return(address = '', payToken) {
      return screen(address, payToken);
    },
  };
}
