import { z } from 'zod';

const count = z.number().int().min(1).max(1_000_000).optional();
const op = z.string().min(1).max(40).optional();

/**
 * Faults to inject, each for the next `count` calls (default 1) of the service `op` (default any):
 * - timeout: the service is performed but its answer is held until the client gives up (the lost answer).
 * - rtnCode: the service is not performed and answers this RtnCode, e.g. 9000001 (MOF unavailable).
 * - rateLimit: HTTP 403 before anything is read, as ECPay answers a caller that calls too fast.
 * - delay: the answer leaves `ms` milliseconds late.
 */
export const faultsSchema = z.strictObject({
  timeout: z.strictObject({ op, count }).optional(),
  rtnCode: z.strictObject({ op, code: z.number().int().refine((code) => code !== 1, 'a fault code is not 1'), count }).optional(),
  rateLimit: z.strictObject({ count }).optional(),
  delay: z.strictObject({ op, ms: z.number().int().min(1).max(600_000), count }).optional(),
});

export type Faults = z.infer<typeof faultsSchema>;
type FaultName = keyof Faults;

export class FaultBook {
  #faults: Faults = {};

  current(): Faults {
    return structuredClone(this.#faults);
  }

  set(faults: Faults): void {
    this.#faults = structuredClone(faultsSchema.parse(faults));
  }

  /** The fault `name` if it applies to a call of `service`, counting the call against it. */
  take<N extends FaultName>(name: N, service: string): NonNullable<Faults[N]> | undefined {
    const fault = this.#faults[name];
    if (!fault || ('op' in fault && fault.op !== undefined && fault.op !== service)) return undefined;
    const left = (fault.count ?? 1) - 1;
    if (left > 0) this.#faults[name] = { ...fault, count: left };
    else delete this.#faults[name];
    return fault;
  }
}
