// For tests that need an attempt the bank has created: its Payment, or a failure that says why none started.
import type { Payment } from '../../src/generated/prisma/client';
import { startPaymentAttempt, type PaymentAttemptDependencies } from '../../src/payments/start-attempt';

export async function startedAttempt(deps: PaymentAttemptDependencies, input: { orderId: string; payType: 'atm' | 'card' }): Promise<Payment> {
  const result = await startPaymentAttempt(deps, input);
  if (result.kind !== 'started') throw new Error(`no attempt started for order ${input.orderId}: ${JSON.stringify(result)}`);
  return result.payment;
}
