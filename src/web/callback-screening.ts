// Cheap refusals in front of the bank callbacks, so that forged deliveries do not become bank calls.
// Every token the intake cannot answer from the PayToken log costs a Nonce and an OrderPayQuery
// round trip at the bank, and a flood of made-up PayTokens would spend the merchant's standing with
// the bank on nothing. So, before the intake and without asking anyone:
// - notifications from outside SINOPAC_CALLBACK_ALLOW (the bank's source addresses), when it is set;
// - tokens in a shape the bank never issues;
// - a token this process found unknown at the bank a short while ago (the same answer again).
// And right before the intake would ask the bank (askBank), two budgets of lookups of tokens that
// turn out unknown, kept in PostgreSQL so that every process of the shop spends the same ones:
// one per client address (an IPv6 client by its /64, web/client-address.ts), and one for the whole
// shop, which forgers spread over many addresses meet. A lookup is charged before it is made and
// given back when the token turns out to be the bank's. Notifications from SINOPAC_CALLBACK_ALLOW,
// when it is set, are the bank's own and do not spend the shop's budget, so forgers cannot hold
// up genuine payments with it.
// The bank itself sends unknown tokens almost never, a notification refused with {"Status":"F"}
// comes again ten minutes later, a shopper's return is sent to the confirming page (its order
// is paid by the notification), and the bank check asks about every open attempt anyway: a spent
// budget costs a genuine payment at most a delay.
import { isIP } from 'node:net';
import type { Options } from 'express-rate-limit';
import type { Database } from '../db/prisma';
import { clientAddressKey, parseAllowList } from './client-address';
import { PostgresRateLimitStore } from './rate-limit-store';
import { PAY_TOKEN_SHAPE } from '../sinopac/shop-bank';

export interface CallbackScreeningSettings {
  /** CIDRs the bank's notification may come from; empty or absent: any address. */
  allow?: readonly string[];
  /** Lookups of tokens that turned out unknown, per client address and window, before new ones are refused. */
  unknownPerAddress?: number;
  /** The same for the whole shop, all processes and addresses together. */
  unknownShopWide?: number;
  windowMs?: number;
}

export type Screening =
  | {
      verdict: 'pass';
      /** Charges the budgets for one bank lookup of the token; false when one of them is spent. */
      askBank(): Promise<boolean>;
      /** How handling the token ended: a charge is given back unless the token turned out unknown. */
      settle(outcome: string): void;
    }
  | { verdict: 'address_not_allowed' | 'malformed_token' | 'known_unknown' };

const DEFAULT_UNKNOWN_PER_ADDRESS = 20;
const DEFAULT_UNKNOWN_SHOP_WIDE = 100;
// The bank retries a notification every ten minutes: a window of that length spans one round of them.
const DEFAULT_WINDOW_MS = 10 * 60_000;
const REMEMBERED_UNKNOWN_TOKENS = 10_000;

export interface CallbackScreening {
  notification(address: string | undefined, payToken: string): Promise<Screening>;
  return(address: string | undefined, payToken: string): Promise<Screening>;
}

export function createCallbackScreening(db: Database, settings: CallbackScreeningSettings = {}, clock: () => number = Date.now): CallbackScreening {
  const allowed = settings.allow?.length ? parseAllowList(settings.allow) : undefined;
  const perAddress = settings.unknownPerAddress ?? DEFAULT_UNKNOWN_PER_ADDRESS;
  const shopWide = settings.unknownShopWide ?? DEFAULT_UNKNOWN_SHOP_WIDE;
  const windowMs = settings.windowMs ?? DEFAULT_WINDOW_MS;
  const budgets = new PostgresRateLimitStore(db, 'unknown-paytoken:');
  budgets.init({ windowMs } as Options);
  // Insertion order is age order: the oldest entry is the first to go.
  const unknownTokens = new Map<string, number>();
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

  /** The budget keys one lookup is charged to, or false (and nothing charged) when one is spent. */
  async function charge(keys: readonly string[]): Promise<readonly string[] | false> {
    // Both in one statement: a single round trip on the path of every new genuine token.
    const counts = await budgets.addEach(keys);
    if (counts.every(({ totalHits }, index) => totalHits <= (keys[index] === SHOP_KEY ? shopWide : perAddress))) return keys;
    await giveBack(keys);
    return false;
  }

  function giveBack(keys: readonly string[]): Promise<unknown> {
    return budgets.takeBack(keys);
  }

  function screen(address: string, payToken: string, spendsShopBudget: boolean): Promise<Screening> {
    if (!PAY_TOKEN_SHAPE.test(payToken)) return Promise.resolve({ verdict: 'malformed_token' });
    const until = unknownTokens.get(payToken);
    if (until !== undefined) {
      if (until > clock()) return Promise.resolve({ verdict: 'known_unknown' });
      unknownTokens.delete(payToken);
    }
    const keys = [`address:${clientAddressKey(address)}`, ...(spendsShopBudget ? [SHOP_KEY] : [])];
    let charged: readonly string[] = [];
    const askBank = async () => {
      const taken = await charge(keys);
      if (taken) charged = taken;
      return taken !== false;
    };
    const release = (outcome: string) => {
      if (outcome !== 'unknown' && charged.length > 0) void giveBack(charged).catch(() => undefined);
    };
    // A copy of a token being looked up waits for that lookup, and costs nothing more: if the
    // token turned out unknown, the copy is answered as such without a second bank call.
    const first = inLookup.get(payToken);
    if (first) {
      return first.then((outcome) =>
        outcome === 'unknown'
          ? { verdict: 'known_unknown' }
          : { verdict: 'pass', askBank, settle: release },
      );
    }
    let announce: (outcome: string) => void = () => {};
    inLookup.set(payToken, new Promise((resolve) => (announce = resolve)));
    return Promise.resolve({
      verdict: 'pass',
      askBank,
      settle(outcome) {
        inLookup.delete(payToken);
        announce(outcome);
        if (outcome === 'unknown') rememberUnknown(payToken);
        release(outcome);
      },
    });
  }

  return {
    notification(address = '', payToken) {
      if (!isAllowed(address)) return Promise.resolve({ verdict: 'address_not_allowed' });
      // Behind an allow-list a notification comes from the bank's own addresses.
      return screen(address, payToken, allowed === undefined);
    },
    // The return comes from the shopper's browser, from any address: no allow-list, and the shop's budget.
    return(address = '', payToken) {
      return screen(address, payToken, true);
    },
  };
}

const SHOP_KEY = 'shop';
