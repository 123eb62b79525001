// What the back office lets the merchant give back.
import { describe, expect, it } from 'vitest';
import { refundActions, refundProblem, refundableAmount } from '../../src/admin/refunds';
import type { Payment } from '../../src/generated/prisma/client';

const payment = (fields: Partial<Payment> = {}): Payment => ({
  id: 'p1', orderId: 'o1', orderNo: 'FS1', payType: 'card', amount: 150_000, status: 'paid', tsNo: 'NA000100000001', refundedAmount: 0, autoBilling: false, ...fields,
} as Payment);

describe('refund rules', () => {
  const requested = { status: 'requested' as const, amount: 20_000 };
  const failed = { status: 'failed' as const, amount: 150_000 };

  it('what is left is paid, less refunded, less refunds still waiting for the bank', () => {
    expect(refundableAmount(payment({ refundedAmount: 50_000 }), [requested, failed])).toBe(80_000);
  });

  it('refunds only card attempts that took money, by a positive amount up to what is left', () => {
    expect(refundProblem(payment({ payType: 'atm' }), [], { kind: 'refund', amount: 100 })).toBe('not_card');
    expect(refundProblem(payment({ status: 'pending' }), [], { kind: 'refund', amount: 100 })).toBe('not_paid');
    expect(refundProblem(payment(), [], { kind: 'refund', amount: 0 })).toBe('not_positive');
    expect(refundProblem(payment(), [requested], { kind: 'refund', amount: 130_001 })).toBe('over_remaining');
    expect(refundProblem(payment(), [requested], { kind: 'refund', amount: 130_000 })).toBeUndefined();
  });

  it('cancels an authorisation only whole, before any refund', () => {
    expect(refundProblem(payment(), [failed], { kind: 'cancel', amount: 150_000 })).toBeUndefined();
    expect(refundProblem(payment(), [requested], { kind: 'cancel', amount: 150_000 })).toBe('already_refunded');
    expect(refundProblem(payment({ refundedAmount: 100 }), [], { kind: 'cancel', amount: 150_000 })).toBe('already_refunded');
  });

  it('cancels no authorisation the bank captured at once (AutoBilling Y, as the shop always sends)', () => {
    expect(refundProblem(payment({ autoBilling: true }), [], { kind: 'cancel', amount: 150_000 })).toBe('captured');
    expect(refundActions(payment({ autoBilling: true }), [])).toEqual({ refundable: 150_000, canRefund: true, canCancel: false });
  });

  it('holds back the amount of a refund waiting for review, as of one waiting for the bank', () => {
    expect(refundableAmount(payment(), [{ status: 'needs_review', amount: 30_000 }])).toBe(120_000);
  });

  it('offers the buttons that would be accepted', () => {
    expect(refundActions(payment(), [])).toEqual({ refundable: 150_000, canRefund: true, canCancel: true });
    expect(refundActions(payment({ refundedAmount: 150_000, status: 'refunded' }), [])).toEqual({ refundable: 0, canRefund: false, canCancel: false });
    expect(refundActions(payment({ status: 'pending' }), [])).toEqual({ refundable: 150_000, canRefund: false, canCancel: false });
  });
});
