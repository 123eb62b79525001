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

const sizeOf = (entry: Omit<ExchangeRecord, 'id'>) =>
  (entry.request ? JSON.stringify(entry.request).length : 0) + (entry.answer === undefined ? 0 : JSON.stringify(entry.answer).length);

/**
 * The latest exchanges, oldest first: at most `capacity` of them, and fewer when their Messages add
 * up to more than `maxChars` (a BillQuery of a busy day, or OrderQuery's 300 rows, is large).
 */
export class ExchangeLog {
  readonly #records: Array<{ record: ExchangeRecord; size: number }> = [];
  #nextId = 1;
  #chars = 0;

  constructor(private readonly capacity: number, private readonly maxChars: number) {}

  record(entry: Omit<ExchangeRecord, 'id'>): void {
    const size = sizeOf(entry);
    this.#records.push({ record: { id: this.#nextId++, ...entry }, size });
    this.#chars += size;
    while (this.#records.length > this.capacity || (this.#chars > this.maxChars && this.#records.length > 1)) {
      this.#chars -= this.#records.shift()!.size;
    }
  }

  list(filter: ExchangeFilter = {}): ExchangeRecord[] {
    return this.#records.map(({ record }) => record).filter((r) =>
      (filter.shopNo === undefined || r.shopNo === filter.shopNo) &&
      (filter.service === undefined || (r.service ?? r.endpoint) === filter.service) &&
      (filter.orderNo === undefined || mentions(r.request, filter.orderNo) || mentions(r.answer, filter.orderNo)));
  }

  clear(): void {
    this.#records.length = 0;
    this.#chars = 0;
  }
}
