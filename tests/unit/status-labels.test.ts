import { describe, expect, it } from 'vitest';
import { statusLabel } from '../../src/orders/status-labels';
import { $Enums } from '../../src/generated/prisma/client';

describe('status labels', () => {
  it('names every order and payment status in both languages', () => {
    for (const code of Object.values($Enums.OrderStatus)) {
      expect(statusLabel('order', code, 'zh-TW')).not.toBe(code);
      expect(statusLabel('order', code, 'en')).not.toBe(code);
    }
    for (const code of Object.values($Enums.PaymentStatus)) {
      expect(statusLabel('payment', code, 'zh-TW')).not.toBe(code);
      expect(statusLabel('payment', code, 'en')).not.toBe(code);
    }
  });

  it("turns the bank's PayStatus codes into words", () => {
    expect(statusLabel('bank', '1C400', 'zh-TW')).toBe('信用卡已請款');
    expect(statusLabel('bank', '1A200', 'en')).toBe('ATM: awaiting transfer');
  });

  it('shows an unknown code as itself', () => {
    expect(statusLabel('bank', '9Z999', 'en')).toBe('9Z999');
    expect(statusLabel('order', undefined, 'en')).toBe('');
  });
});
