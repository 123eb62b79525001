import type { ServiceMessage } from './envelope';

/**
 * One Nonce or Order call as the sandbox saw it: the Messages decrypted, so a test can read what a
 * client sent and what it was told without the keys. Messages hold no card data (cards are typed on
 * the card page only) and no keys.
 */
export interface ExchangeRecord {
  id: number;
  at: Date;
  endpoint: 'Nonce' | 'Order';
  /** The envelope's APIService; absent for Nonce calls and bodies that were not an envelope. */
  service?: string;
  shopNo?: string;
  httpStatus: number;
  durationMs: number;
  /** The decrypted request Message, when the sandbox got that far. */
  request?: ServiceMessage;
  /** The decrypted answer Message, the Nonce answer, or the plain JSON or text of a refusal. */
  answer?: unknown;
  /** The answer's Sign was corrupted by the badSign fault. */
  badSign?: boolean;
}

export interface ExchangeFilter {
  shopNo?: string;
  service?: string;
  orderNo?: string;
}

const mentions = (message: unknown, orderNo: string) =>
  typeof message === 'object' && message !== null && (message as ServiceMessage).OrderNo === orderNo;

/** The latest `capacity` exchanges, oldest first. */
export class ExchangeLog {
  readonly #records: ExchangeRecord[] = [];
  #nextId = 1;

  constructor(private readonly capacity: number) {}

  record(entry: Omit<ExchangeRecord, 'id'>): void {
    this.#records.push({ id: this.#nextId++, ...entry });
    if (this.#records.length > this.capacity) this.#records.splice(0, this.#records.length - this.capacity);
  }

  list(filter: ExchangeFilter = {}): ExchangeRecord[] {
    return this.#records.filter((r) =>
      (filter.shopNo === undefined || r.shopNo === filter.shopNo) &&
      (filter.service === undefined || (r.service ?? r.endpoint) === filter.service) &&
      (filter.orderNo === undefined || mentions(r.request, filter.orderNo) || mentions(r.answer, filter.orderNo)));
  }

  clear(): void {
    this.#records.length = 0;
  }
}
