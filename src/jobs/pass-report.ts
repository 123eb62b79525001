// What one pass of a payment job did, attempt by attempt: for its log line and for tests.
import type { Logger } from 'pino';
import type { BankCheck } from '../payments/bank-check';
import type { ApplyResult } from '../payments/apply-result';

export interface AttemptReport {
  paymentId: string;
  /** What the bank said, as checkWithBank read it; "error" when handling the attempt threw. */
  check: BankCheck['kind'] | 'error';
  /** What settling did, when there was something to settle. */
  applied?: ApplyResult['kind'];
}

// Bounded, so that a pass stays short however many attempts are waiting; the rest go to the next
// pass, earliest due first, in the same run while passes come back full (bank-pace.ts).
export const ATTEMPTS_PER_PASS = 50;

export function logPass(logger: Logger, job: string, reports: readonly { applied?: string }[]): void {
  if (reports.length === 0) return;
  const applied = reports.filter((report) => report.applied === 'applied').length;
  logger.info({ job, asked: reports.length, applied, reports }, `${job}: asked the bank about ${reports.length} item(s)`);
}
