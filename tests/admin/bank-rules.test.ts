// What the back office reads from the bank's PayStatus, and what it lets the merchant give back.
import { describe, expect, it } from 'vitest';
import { entryMismatches, outcomeOfPayStatus } from '../../src/admin/bank-pay-status';
import { refundActions, refundProblem, refundableAmount } from '../../src/admin/refund-rules';
import type { Payment } from '../../src/generated/prisma/client';
import type { OrderQueryEntry } from '../../src/sinopac/messages';

const entry = (fields: Partial<OrderQueryEntry>): OrderQueryEntry => ({
  OrderNo: 'FS1', TSNo: 'NA000100000001', Amount: 150_000, PayType: 'C', PayStatus: '1C400', ATMParam: undefined, CardParam: undefined, ...fields,
} as OrderQueryEntry);

const payment = (fields: Partial<Payment> = {}): Payment => ({
  id: 'p1', orderId: 'o1', orderNo: 'FS1', payType: 'C', amount: 150_000, status: 'paid', tsNo: 'NA000100000001', refundedAmount: 0, ...fields,
} as Payment);

describe('PayStatus', () => {
  it.each([
    ['1A400', 'paid'], ['1A900', 'paid'], ['1C300', 'paid'], ['1C400', 'paid'], ['1C900', 'paid'],
    ['1A250', 'expired'], ['1C250', 'expired'], ['1C350', 'expired'],
    ['1C351', 'cancelled'],
  ])('%s is %s', (code, kind) => {
    expect(outcomeOfPayStatus(entry({ PayStatus: code }))?.kind).toBe(kind);
  });

  it.each(['1A200', '1C200', '1F200', '1M400'])('%s gives nothing to settle', (code) => {
    expect(outcomeOfPayStatus(entry({ PayStatus: code }))).toBeUndefined();
  });

  it('a paid status carries the pay time (Taipei), TSNo and last four digits', () => {
    expect(outcomeOfPayStatus(entry({ PayDate: '202603011030', CardParam: { RightCCNo: '3145' } as OrderQueryEntry['CardParam'] }))).toEqual({
      kind: 'paid', tsNo: 'NA000100000001', payDate: new Date('2026-03-01T02:30:00Z'), cardLast4: '3145',
    });
    // An authorisation has no pay time yet; its approval time stands in.
    expect(outcomeOfPayStatus(entry({ PayStatus: '1C300', ApprovedDate: '202603011031' }))).toMatchObject({ payDate: new Date('2026-03-01T02:31:00Z') });
  });

  it('an answer about another amount, pay type or transaction is named as such', () => {
    expect(entryMismatches(entry({}), payment())).toEqual([]);
    expect(entryMismatches(entry({ Amount: 1, PayType: 'A', TSNo: 'X' }), payment())).toEqual([
      'Amount 1 is not 150000', 'PayType A is not C', 'TSNo X is not NA000100000001',
    ]);
  });
});

describe('refund rules', () => {
  const requested = { status: 'requested' as const, amount: 20_000 };
  const failed = { status: 'failed' as const, amount: 150_000 };

  it('what is left is paid, less refunded, less refunds still waiting for the bank', () => {
    expect(refundableAmount(payment({ refundedAmount: 50_000 }), [requested, failed])).toBe(80_000);
  });

  it('refunds only card attempts that took money, by a positive amount up to what is left', () => {
    expect(refundProblem(payment({ payType: 'A' }), [], { kind: 'refund', amount: 100 })).toBe('not_card');
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

  it('offers the buttons that would be accepted', () => {
    expect(refundActions(payment(), [])).toEqual({ refundable: 150_000, canRefund: true, canCancel: true });
    expect(refundActions(payment({ refundedAmount: 150_000, status: 'refunded' }), [])).toEqual({ refundable: 0, canRefund: false, canCancel: false });
    expect(refundActions(payment({ status: 'pending' }), [])).toEqual({ refundable: 150_000, canRefund: false, canCancel: false });
  });
});
