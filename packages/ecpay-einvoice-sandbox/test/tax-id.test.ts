import { describe, expect, it } from 'vitest';
import { isValidTaxId } from '../src/tax-id';

describe('the 統一編號 checksum as in force since 2023-04-01 (PROTOCOL.md rule 7)', () => {
  it.each([
    ['53212539', 'S = 30, valid under both rules'],
    ['97025978', "ECPay's own, S = 50"],
    ['10458574', 'the 7th digit 7, S + 1 = 30'],
    ['24546863', 'S = 45, valid only under the ÷5 rule'],
  ])('accepts %s (%s)', (taxId) => {
    expect(isValidTaxId(taxId)).toBe(true);
  });

  it('refuses 88117126 (S = 41)', () => {
    expect(isValidTaxId('88117126')).toBe(false);
  });

  it.each(['1234567', '123456789', '5321253A', ''])('refuses %j, which is not 8 digits', (taxId) => {
    expect(isValidTaxId(taxId)).toBe(false);
  });
});
