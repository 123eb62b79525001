import { randomBytes, randomInt } from 'node:crypto';
import type { ResultCode } from './codes';
import { TAIPEI_OFFSET_MS } from './taipei-time';

// Milliseconds between 0001-01-01 and 1970-01-01: the bank's nonces carry .NET DateTime.Ticks/10000.
const DOTNET_EPOCH_OFFSET_MS = 62_135_596_800_000;

/** A nonce in the bank's observed shape (§1.1): Base64 of `<ms>.<d>:<64 hex>`, 108 characters. */
export function mintNonce(now: Date): string {
  const ticksMs = now.getTime() + TAIPEI_OFFSET_MS + DOTNET_EPOCH_OFFSET_MS;
  const text = `${ticksMs}.${randomInt(10)}:${randomBytes(32).toString('hex')}`;
  return Buffer.from(text, 'ascii').toString('base64');
}

interface IssuedNonce {
  shopNo: string;
  ip: string;
  issuedAt: number;
  used: boolean;
}

/**
 * Issued nonces: each lives `ttlMs`, is good for one Order call, from the IP and shop it was issued to.
 * Unknown → E3001; reused, or presented by another IP or shop → E3002; too old → E3003.
 */
export class NonceStore {
  // Insertion order is issue order, so pruning can stop at the first young entry.
  readonly #issued = new Map<string, IssuedNonce>();
  #lastPrune = 0;

  constructor(private readonly clock: () => Date, private readonly ttlMs: number) {}

  issue(shopNo: string, ip: string): string {
    const now = this.clock();
    this.#prune(now.getTime());
    const nonce = mintNonce(now);
    this.#issued.set(nonce, { shopNo, ip, issuedAt: now.getTime(), used: false });
    return nonce;
  }

  /** Marks the nonce used; returns the rejection code, or undefined when it is acceptable. */
  consume(nonce: string, shopNo: string, ip: string): ResultCode | undefined {
    const entry = this.#issued.get(nonce);
    if (!entry) return 'E3001';
    if (entry.used || entry.ip !== ip || entry.shopNo !== shopNo) return 'E3002';
    entry.used = true;
    if (this.clock().getTime() - entry.issuedAt > this.ttlMs) return 'E3003';
    return undefined;
  }

  // Entries are kept twice their lifetime so a late caller still hears "expired" rather than "unknown".
  #prune(now: number): void {
    if (now - this.#lastPrune < this.ttlMs) return;
    this.#lastPrune = now;
    for (const [nonce, entry] of this.#issued) {
      if (now - entry.issuedAt <= 2 * this.ttlMs) break;
      this.#issued.delete(nonce);
    }
  }
}
