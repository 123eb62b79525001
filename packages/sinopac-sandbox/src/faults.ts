import { z } from 'zod';
import { resultCodes } from './codes';

/**
 * Fault injection, set for the whole sandbox or per order (an order's own value wins, key by key).
 * - duplicate N: every delivery attempt sends N extra copies concurrently.
 * - outOfOrder: first deliveries are held for a short window and released newest first.
 * - dropFirst K: the first K delivery attempts of each notification are not sent and count as failed.
 * - delayMs: each delivery attempt waits this long before sending.
 * - payQueryFail K / payQueryHang K: the next K OrderPayQuery calls answer HTTP 500 / never answer.
 * - wrongAmount D: OrderPayQuery and OrderQuery report the amount plus D (TWD×100).
 * - billOmit: BillQuery leaves the order's lines out.
 * - billAlter {…}: BillQuery reports these members instead of the order's own in its lines.
 * - billExtraLines N: BillQuery adds N payment lines of orders that never existed (instance-wide).
 * - unavailable: every Order call answers HTTP 503, as when the bank's API is down (instance-wide).
 * - createRefusal E: OrderCreate is refused with this result code, e.g. E0403 (instance-wide).
 * - badSign: every Order answer carries a Sign that does not verify (instance-wide).
 * - answerDelayMs D: every Nonce and Order call is answered D ms later (instance-wide).
 */
export const faultsSchema = z.strictObject({
  duplicate: z.number().int().min(0).max(20).optional(),
  outOfOrder: z.boolean().optional(),
  dropFirst: z.number().int().min(0).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
  payQueryFail: z.number().int().min(0).optional(),
  payQueryHang: z.number().int().min(0).optional(),
  wrongAmount: z.number().int().optional(),
  billOmit: z.boolean().optional(),
  billAlter: z
    .strictObject({
      Amount: z.number().int().min(0).optional(),
      PayType: z.enum(['A', 'C']).optional(),
      TSType: z.enum(['P', 'R']).optional(),
    })
    .optional(),
  billExtraLines: z.number().int().min(0).max(100_000).optional(),
  unavailable: z.boolean().optional(),
  createRefusal: z.enum(resultCodes).optional(),
  badSign: z.boolean().optional(),
  answerDelayMs: z.number().int().min(0).max(600_000).optional(),
});

export type Faults = z.infer<typeof faultsSchema>;

interface HasFaults {
  faults: Faults;
}

type PayQueryFault = 'fail' | 'hang';

export class FaultBook {
  #instance: Faults;

  constructor(initial: Faults = {}) {
    this.#instance = faultsSchema.parse(initial);
  }

  get instance(): Faults {
    return { ...this.#instance };
  }

  setInstance(faults: Faults): void {
    this.#instance = { ...faults };
  }

  effective(order?: HasFaults): Faults {
    return { ...this.#instance, ...definedOnly(order?.faults ?? {}) };
  }

  /** Counts down the payQuery counters; the order's own counter is used when it has one. */
  takePayQueryFault(order?: HasFaults): PayQueryFault | undefined {
    if (this.#take('payQueryFail', order)) return 'fail';
    if (this.#take('payQueryHang', order)) return 'hang';
    return undefined;
  }

  #take(name: 'payQueryFail' | 'payQueryHang', order?: HasFaults): boolean {
    const owner = order?.faults[name] !== undefined ? order.faults : this.#instance;
    const left = owner[name] ?? 0;
    if (left <= 0) return false;
    owner[name] = left - 1;
    return true;
  }
}

function definedOnly(faults: Faults): Faults {
  return Object.fromEntries(Object.entries(faults).filter(([, value]) => value !== undefined));
}
