// The settlement's pure parts: reading the bank's dates, whose format is unknown, and the rules that
// pair bill lines with bookings where the whole-day test has no room for them.
import { describe, expect, it } from 'vitest';
import { parseBankDateTime } from '../../src/settlement/bank-dates';
import { matchDay, type BankLine, type ShopPayment, type ShopRefund } from '../../src/settlement/match';

describe('parseBankDateTime', () => {
  it.each([
    ['202506101305', '2025-06-10T05:05:00.000Z'],
    ['20250610130559', '2025-06-10T05:05:00.000Z'],
    ['2025-06-10 13:05', '2025-06-10T05:05:00.000Z'],
    ['2025/06/10T13:05:00', '2025-06-10T05:05:00.000Z'],
    ['2506101305', '2025-06-10T05:05:00.000Z'],
    ['20250610', '2025-06-09T16:00:00.000Z'],
    ['250610', '2025-06-09T16:00:00.000Z'],
  ])('reads %s as Taipei time', (text, iso) => {
    expect(parseBankDateTime(text)?.toISOString()).toBe(iso);
  });

  it.each(['', 'yesterday', '2025061', '202506311200', '202506102460', '2025061013051', undefined])('refuses %s', (text) => {
    expect(parseBankDateTime(text)).toBeUndefined();
  });
});

const DAY = '20250610';
const payment = (orderNo: string, amount: number, bookedDay: string | undefined = DAY): ShopPayment =>
  ({ paymentId: `pay-${orderNo}`, orderId: `order-${orderNo}`, orderNo, payType: 'card', amount, bookedDay });
const refund = (orderNo: string, amount: number, bookedDay = DAY): ShopRefund =>
  ({ refundId: `refund-${orderNo}-${amount}`, paymentId: `pay-${orderNo}`, orderId: `order-${orderNo}`, orderNo, payType: 'card', amount, bookedDay });
let position = 0;
const line = (orderNo: string, tsType: 'P' | 'R', amount: number): BankLine => ({ position: position++, orderNo, tsType, payType: 'card', amount });

describe('matchDay', () => {
  it('pairs several partial refunds of one order by amount, whatever order the bank lists them in', () => {
    const result = matchDay(DAY, [line('A1', 'R', 300), line('A1', 'R', 100)], {
      payments: [payment('A1', 1000, '20250609')],
      refunds: [refund('A1', 100), refund('A1', 300)],
    });
    expect(result.differences).toEqual([]);
    expect(result.bank).toEqual({ payments: 0, paymentAmount: 0, refunds: 2, refundAmount: 400 });
    expect(result.shop).toEqual({ payments: 0, paymentAmount: 0, refunds: 2, refundAmount: 400 });
  });

  it('calls a refund line where the shop booked a payment of the same order and day a type mismatch', () => {
    const result = matchDay(DAY, [line('B1', 'R', 500)], { payments: [payment('B1', 500)], refunds: [] });
    expect(result.differences.map((d) => [d.kind, d.tsType, d.bankAmount, d.shopAmount])).toEqual([['type_mismatch', 'R', 500, 500]]);
  });

  it('reports a refund the shop booked that the bill lacks, and one the bill has that the shop lacks', () => {
    const result = matchDay(DAY, [line('C1', 'P', 900), line('C2', 'R', 200)], {
      payments: [payment('C1', 900), payment('C2', 400, '20250601')],
      refunds: [refund('C1', 900)],
    });
    expect(result.differences.map((d) => [d.kind, d.orderNo, d.tsType, d.paymentId])).toEqual([
      ['missing_in_shop', 'C2', 'R', 'pay-C2'],
      ['missing_at_bank', 'C1', 'R', 'pay-C1'],
    ]);
  });

  it('matches a day of 100,000 lines, each with its own booking, and finds the few that differ', () => {
    const count = 100_000;
    const lines = Array.from({ length: count }, (_, i) => line(`D${i}`, 'P', 500));
    const payments = Array.from({ length: count }, (_, i) => payment(`D${i}`, i === 7 ? 600 : 500));
    payments.push(payment('D-extra', 800));
    lines.push(line('D-unknown', 'P', 300));
    const result = matchDay(DAY, lines, { payments: payments.reverse(), refunds: [] });
    expect(result.differences.map((d) => [d.kind, d.orderNo])).toEqual([
      ['amount_mismatch', 'D7'],
      ['missing_in_shop', 'D-unknown'],
      ['missing_at_bank', 'D-extra'],
    ]);
    expect(result.bank.payments).toBe(count + 1);
    expect(result.shop.payments).toBe(count + 1);
  });
});
