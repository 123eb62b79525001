import type { EinvoiceMerchant } from './crypto';
import type { InvoiceTrack } from './invoices';

/** ECPay's public stage merchant (PROTOCOL.md): the sandbox's merchant when none is given. Stage only. */
export const STAGE_MERCHANT: EinvoiceMerchant = { merchantId: '2000132', hashKey: 'ejCk326UnaZWKisg', hashIV: 'q9jcZX8Ib9LM8wYk' };

export const DEFAULT_INVOICE_TRACK: InvoiceTrack = { letters: 'AB', from: 10_000_000, to: 99_999_999 };

/** The sandbox logs plain sentences; it never passes a HashKey or HashIV to its logger. */
export interface EinvoiceSandboxLogger {
  info(...a: unknown[]): void;
  warn(...a: unknown[]): void;
  error(...a: unknown[]): void;
}

export interface StartEinvoiceSandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The time of invoice dates, the void window and the timestamps' 10-minute validity. */
  clock?: () => Date;
  /** Default [STAGE_MERCHANT]. */
  merchants?: EinvoiceMerchant[];
  /** 字軌, e.g. { letters: 'AB', from: 10000000, to: 10049999 }. */
  invoiceTrack?: InvoiceTrack;
  /** Default: silent. */
  logger?: EinvoiceSandboxLogger;
}

export interface ResolvedOptions {
  clock: () => Date;
  merchants: readonly EinvoiceMerchant[];
  invoiceTrack: InvoiceTrack;
  logger: EinvoiceSandboxLogger;
}

const silentLogger: EinvoiceSandboxLogger = { info() {}, warn() {}, error() {} };

/** Defaults filled in and the options checked, so a mistake fails at start and not on the first call. */
export function resolveOptions(options: StartEinvoiceSandboxOptions): ResolvedOptions {
  const merchants = options.merchants ?? [STAGE_MERCHANT];
  if (merchants.length === 0) throw new Error('merchants: give at least one, or leave it out for the stage merchant');
  for (const m of merchants) {
    if (Buffer.byteLength(m.hashKey) !== 16 || Buffer.byteLength(m.hashIV) !== 16) {
      throw new Error(`merchant ${m.merchantId}: HashKey and HashIV are 16 bytes each (AES-128)`);
    }
  }
  if (new Set(merchants.map((m) => m.merchantId)).size !== merchants.length) throw new Error('merchants: each MerchantID once');
  const track = options.invoiceTrack ?? DEFAULT_INVOICE_TRACK;
  const inRange = (n: number) => Number.isInteger(n) && n >= 0 && n <= 99_999_999;
  if (!/^[A-Z]{2}$/.test(track.letters) || !inRange(track.from) || !inRange(track.to) || track.from > track.to) {
    throw new Error('invoiceTrack: two uppercase letters and from ≤ to, both 0–99999999');
  }
  return {
    clock: options.clock ?? (() => new Date()),
    merchants,
    invoiceTrack: track,
    logger: options.logger ?? silentLogger,
  };
}
