// The pay types a new attempt of an order may use: a card always, ATM only within the bank's cap on
// one transfer (an order over it would be refused by the bank after the shopper chose it).
import { z } from 'zod';
import { PayType as PayTypes, type Order, type PayType } from '../generated/prisma/client';
import { ATM_MAX_AMOUNT } from '../sinopac/messages';

export function payOptions(order: Pick<Order, 'totalTwd'>): PayType[] {
  return order.totalTwd * 100 <= ATM_MAX_AMOUNT ? ['C', 'A'] : ['C'];
}

/** What the order and result pages' pay buttons send; without a choice, the order's own pay type. */
export const newAttemptForm = z.object({ payType: z.enum([PayTypes.C, PayTypes.A]).optional() });
