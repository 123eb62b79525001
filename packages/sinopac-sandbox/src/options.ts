import { deriveHashId, type HashKeys } from './crypto';
import type { Faults } from './faults';
import { consoleLogger, type SandboxLogger } from './logger';
import type { Mailbox } from './mail-catcher';

export interface SandboxShop {
  shopNo: string;
  hashKeys: HashKeys;
  /** When set, every Nonce and Order call must carry it in the X-KeyID header. */
  keyId?: string;
  /**
   * Where this shop's notifications really go, e.g. http://host.docker.internal:3000: the BackendURL
   * of OrderCreate keeps its path and query but gets this origin, for a shop behind NAT or in a container.
   */
  notifyOrigin?: string;
  /**
   * Whether the console may show the four keys in full: true only for public keys (the demo shop) and keys
   * the sandbox generated. Keys given to it may be a real shop's, so by default the console masks them.
   */
  showKeys?: boolean;
}

export interface SandboxOptions {
  shops: SandboxShop[];
  /** Origin the shopper's browser uses for the card and ATM pages; defaults to the Host the API was called on. */
  publicOrigin?: string;
  clock?: () => Date;
  /** Time between BackendURL delivery attempts (default 10 minutes). */
  notifyIntervalMs?: number;
  /** Deliveries in total, the first included (default 5). */
  maxDeliveries?: number;
  /** How long one delivery may take before it counts as failed (default 10 s). */
  notifyTimeoutMs?: number;
  /** Delay before an ATM order is paid by itself (default 5 minutes); null never pays automatically. */
  atmAutoPayDelayMs?: number | null;
  nonceTtlMs?: number;
  /** Instance-wide fault set (see faults.ts). */
  faults?: Faults;
  /** How long the outOfOrder fault holds first deliveries before releasing them newest first (default 200 ms). */
  outOfOrderWindowMs?: number;
  logger?: SandboxLogger;
  fetch?: typeof fetch;
  /** Mails caught on loopback (mail-catcher.ts), shown on the console's Mail page; without it there is no such page. */
  mailbox?: Mailbox;
}

/** A shop as the sandbox keeps it: the HashID is derived once and the four keys are not kept. */
export interface ShopKeys {
  shopNo: string;
  hashId: string;
  keyId?: string;
  notifyOrigin?: string;
}

/** The URL a notification is delivered to: the order's BackendURL, under the shop's notifyOrigin when it has one. */
export function deliveryUrl(shop: ShopKeys | undefined, backendUrl: string): string {
  if (!shop?.notifyOrigin) return backendUrl;
  const url = new URL(backendUrl);
  return `${shop.notifyOrigin}${url.pathname}${url.search}`;
}

export interface ResolvedOptions {
  shops: ReadonlyMap<string, ShopKeys>;
  publicOrigin: string | undefined;
  clock: () => Date;
  notifyIntervalMs: number;
  maxDeliveries: number;
  notifyTimeoutMs: number;
  atmAutoPayDelayMs: number | null;
  nonceTtlMs: number;
  faults: Faults;
  outOfOrderWindowMs: number;
  logger: SandboxLogger;
  fetch: typeof fetch;
}

export const DEFAULTS = {
  notifyIntervalMs: 10 * 60_000,
  maxDeliveries: 5,
  notifyTimeoutMs: 10_000,
  atmAutoPayDelayMs: 5 * 60_000,
  nonceTtlMs: 60_000,
  outOfOrderWindowMs: 200,
} as const;

export function resolveOptions(options: SandboxOptions): ResolvedOptions {
  const shops = new Map<string, ShopKeys>();
  for (const shop of options.shops) {
    if (shops.has(shop.shopNo)) throw new Error(`sandbox shop ${shop.shopNo} is configured twice`);
    shops.set(shop.shopNo, {
      shopNo: shop.shopNo,
      hashId: deriveHashId(shop.hashKeys),
      ...(shop.keyId ? { keyId: shop.keyId } : {}),
      ...(shop.notifyOrigin ? { notifyOrigin: new URL(shop.notifyOrigin).origin } : {}),
    });
  }
  if (shops.size === 0) throw new Error('the sandbox needs at least one shop');
  const maxDeliveries = options.maxDeliveries ?? DEFAULTS.maxDeliveries;
  if (!Number.isInteger(maxDeliveries) || maxDeliveries < 1) throw new Error('maxDeliveries must be a positive integer');
  return {
    shops,
    publicOrigin: options.publicOrigin?.replace(/\/+$/, ''),
    clock: options.clock ?? (() => new Date()),
    notifyIntervalMs: options.notifyIntervalMs ?? DEFAULTS.notifyIntervalMs,
    maxDeliveries,
    notifyTimeoutMs: options.notifyTimeoutMs ?? DEFAULTS.notifyTimeoutMs,
    atmAutoPayDelayMs: options.atmAutoPayDelayMs === undefined ? DEFAULTS.atmAutoPayDelayMs : options.atmAutoPayDelayMs,
    nonceTtlMs: options.nonceTtlMs ?? DEFAULTS.nonceTtlMs,
    faults: options.faults ?? {},
    outOfOrderWindowMs: options.outOfOrderWindowMs ?? DEFAULTS.outOfOrderWindowMs,
    logger: options.logger ?? consoleLogger,
    fetch: options.fetch ?? globalThis.fetch,
  };
}
