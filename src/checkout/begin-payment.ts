// Starts a payment attempt for an order and says where the shopper goes next: the bank's card
// page, or the order page, which shows the ATM account or, if the bank could not be used, why
// not and a button to try again.
import type { PayType } from '../generated/prisma/client';
import { PaymentStartError, startPaymentAttempt, type PaymentAttemptDependencies } from '../payments/start-attempt';

export async function beginPayment(deps: PaymentAttemptDependencies, order: { id: string; payType: PayType }): Promise<string> {
  const orderPage = `/orders/${order.id}`;
  try {
    const payment = await startPaymentAttempt(deps, { orderId: order.id, payType: order.payType });
    return payment.payType === 'C' && payment.cardPayUrl ? payment.cardPayUrl : orderPage;
  } catch (error) {
    // The attempt is recorded as create_failed, which the order page explains.
    if (!(error instanceof PaymentStartError)) throw error;
    deps.logger.warn({ orderId: order.id, reason: error.reason, bankCode: error.bankCode }, 'payment attempt could not start');
    return orderPage;
  }
}
