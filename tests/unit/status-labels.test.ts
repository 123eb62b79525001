import { describe, expect, it } from 'vitest';
import { failureLabel, statusLabel, statusTone } from '../../src/orders/status-labels';
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

  it('names every e-invoice recipient in both languages', () => {
    for (const code of Object.values($Enums.InvoiceRecipient)) {
      expect(statusLabel('invoiceRecipient', code, 'zh-TW')).not.toBe(code);
      expect(statusLabel('invoiceRecipient', code, 'en')).not.toBe(code);
    }
  });

  it('names every invoice status, step, action and outcome in both languages, and a refused invoice as not issued yet to the shopper', () => {
    const kinds = [
      ['invoice', $Enums.InvoiceStatus], ['shopperInvoice', $Enums.InvoiceStatus], ['invoiceAction', $Enums.InvoiceAction],
      ['invoiceOutcome', $Enums.InvoiceOutcome], ['invoiceStep', $Enums.InvoiceStepKind],
    ] as const;
    for (const [kind, codes] of kinds) {
      for (const code of Object.values(codes)) {
        expect(statusLabel(kind, code, 'zh-TW'), `${kind} ${code}`).not.toBe(code);
        expect(statusLabel(kind, code, 'en'), `${kind} ${code}`).not.toBe(code);
      }
    }
    expect(statusLabel('invoice', 'refused', 'en')).toBe('Refused by the provider');
    expect(statusLabel('shopperInvoice', 'refused', 'zh-TW')).toBe(statusLabel('shopperInvoice', 'pending', 'zh-TW'));
    expect(statusTone('invoice', 'issued')).toBe('success');
    expect(statusTone('invoice', 'refused')).toBe('danger');
  });

  it("turns the bank's PayStatus codes into words", () => {
    expect(statusLabel('bank', '1C400', 'zh-TW')).toBe('信用卡已請款');
    expect(statusLabel('bank', '1A200', 'en')).toBe('ATM: awaiting transfer');
  });

  it('shows an unknown code as itself', () => {
    expect(statusLabel('bank', '9Z999', 'en')).toBe('9Z999');
    expect(statusLabel('order', undefined, 'en')).toBe('');
  });

  it("says why a payment failed in words, from the bank's code or its family", () => {
    expect(failureLabel('E2701', 'zh-TW')).toContain('發卡銀行沒有核准');
    expect(failureLabel('E2799', 'en')).toBe('The bank did not complete the transaction.');
    expect(failureLabel('X1234', 'en')).toBe('The bank did not approve this payment.');
    expect(failureLabel(null, 'zh-TW')).not.toContain('null');
  });

  it('gives waiting and paid different badge colours', () => {
    expect(statusTone('order', 'awaiting_payment')).toBe('warning');
    expect(statusTone('order', 'paid')).toBe('success');
    expect(statusTone('payment', 'failed')).toBe('danger');
  });
});
