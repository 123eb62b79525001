// What the bank's answers mean (src/sinopac/bank-answers.ts): PayStatus, refund flags, result
// codes, and whether an answer is about the attempt at all.
import { describe, expect, it } from 'vitest';
import type { Payment } from '../../src/generated/prisma/client';
import { answerMismatches as entryMismatches, paymentOfOrderEntry as outcomeOfPayStatus, refundsOfOrderEntry, resultCodeOf } from '../../src/sinopac/bank-answers';
import type { OrderQueryEntry } from '../../src/sinopac/messages';

const entry = (fields: Partial<OrderQueryEntry>): OrderQueryEntry => ({
  OrderNo: 'FS1', TSNo: 'NA000100000001', Amount: 150_000, PayType: 'C', PayStatus: '1C400', ATMParam: undefined, CardParam: undefined, ...fields,
} as OrderQueryEntry);

const payment = (fields: Partial<Payment> = {}): Payment => ({
  id: 'p1', orderId: 'o1', orderNo: 'FS1', payType: 'card', amount: 150_000, status: 'paid', tsNo: 'NA000100000001', refundedAmount: 0, ...fields,
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

  it("names the bank's published test card when the shop does not take it, and only then", () => {
    const testCard = entry({ CardParam: { LeftCCNo: '499937', RightCCNo: '3145' } as OrderQueryEntry['CardParam'] });
    expect(entryMismatches(testCard, payment(), { publishedTestCardPays: false })).toEqual([
      "the card is the bank's published test card, which pays nothing outside test mode",
    ]);
    expect(entryMismatches(testCard, payment(), { publishedTestCardPays: true })).toEqual([]);
    expect(entryMismatches(testCard, payment())).toEqual([]);
    const otherCard = entry({ CardParam: { LeftCCNo: '499937', RightCCNo: '3146' } as OrderQueryEntry['CardParam'] });
    expect(entryMismatches(otherCard, payment(), { publishedTestCardPays: false })).toEqual([]);
  });

  it('an answer about another amount, pay type or transaction is named as such', () => {
    expect(entryMismatches(entry({}), payment())).toEqual([]);
    expect(entryMismatches(entry({ Amount: 1, PayType: 'A', TSNo: 'X' }), payment())).toEqual([
      'Amount 1 is not 150000', 'PayType A is not C', 'TSNo X is not NA000100000001',
    ]);
  });
});

describe('refunds and result codes', () => {
  it('reads RefundFlag as a count and RefundStatus as the latest refund’s state', () => {
    expect(refundsOfOrderEntry(entry({ RefundFlag: 'N' }))).toEqual({ count: 0, latest: 'none' });
    expect(refundsOfOrderEntry(entry({ RefundFlag: 'Y', RefundStatus: '2C900' }))).toEqual({ count: 1, latest: 'done' });
    expect(refundsOfOrderEntry(entry({ RefundFlag: 'R', RefundStatus: '2C400' }))).toEqual({ count: 'several', latest: 'in_progress' });
    expect(refundsOfOrderEntry(entry({ RefundFlag: 'Y', RefundStatus: '2F900' }))).toEqual({ count: 1, latest: 'failed' });
  });

  it('finds the code at the start of a Description, and nothing in other text', () => {
    expect(resultCodeOf('E2001 – 訂單狀態不符')).toBe('E2001');
    expect(resultCodeOf('S0000 – 處理成功')).toBe('S0000');
    expect(resultCodeOf('E20011 – too long')).toBeUndefined();
    expect(resultCodeOf(undefined)).toBeUndefined();
  });
});
