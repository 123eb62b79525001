import { describe, expect, it } from 'vitest';
import { invoiceColumns, isValidTaxId, readInvoiceChoice } from '../../src/checkout/invoice-choice';
import { CHECKOUT_FIELDS, readCheckoutForm } from '../../src/checkout/checkout-form';

const CUSTOMER = {
  name: '王小明', email: 'xiaoming@example.tw', phone: '0912345678',
  postcode: '106', city: '臺北市', district: '大安區', street: '復興南路一段 390 號', payType: 'card',
};

describe("the 統一編號 check, as the Ministry of Finance changed it on 2023-04-01 (the e-invoice specification's worked examples)", () => {
  it.each([
    ['53212539', true, 'S = 30: valid under both rules'],
    ['97025978', true, "ECPay's own example, S = 50"],
    ['10458574', true, 'the 7th digit 7: S = 29, S + 1 = 30'],
    ['24546863', true, 'S = 45: valid under ÷5, invalid under the old ÷10'],
    ['88117126', false, 'S = 41'],
  ])('%s is %s (%s)', (taxId, valid) => {
    expect(isValidTaxId(taxId)).toBe(valid);
  });

  it('needs exactly 8 digits', () => {
    for (const taxId of ['5321253', '532125390', '5321253A', '']) expect(isValidTaxId(taxId)).toBe(false);
  });

  it('refuses a 7th digit 7 whose sum is neither a multiple of 5 nor one short of one', () => {
    // As 10458574 but the last digit 6: S = 31, S + 1 = 32.
    expect(isValidTaxId('10458576')).toBe(false);
  });
});

describe('the invoice choice at checkout', () => {
  it('is the member carrier by default, and when chosen', () => {
    expect(readInvoiceChoice({})).toEqual({ choice: { recipient: 'member_carrier' } });
    expect(readInvoiceChoice({ invoiceRecipient: 'member_carrier', invoiceTaxId: 'junk left in a hidden field' })).toEqual({ choice: { recipient: 'member_carrier' } });
  });

  it.each([
    ['/ABC+123', '/ABC+123'],
    ['/abc.-12', '/ABC.-12'],
    [' /AB C+123 ', '/ABC+123'],
    ['／ＡＢＣ＋１２３', '/ABC+123'],
    ['／ａｂｃ－１２３', '/ABC-123'],
  ])('reads the mobile barcode %j as %s', (typed, stored) => {
    expect(readInvoiceChoice({ invoiceRecipient: 'mobile_barcode', invoiceBarcode: typed })).toEqual({ choice: { recipient: 'mobile_barcode', carrierNumber: stored } });
  });

  it.each(['ABC+1234', '/ABC+12', '/ABC+1234', '/ABC_123', '/ABC*123', '', undefined])('refuses %j as a mobile barcode', (typed) => {
    expect(readInvoiceChoice({ invoiceRecipient: 'mobile_barcode', invoiceBarcode: typed })).toEqual({ errors: { invoiceBarcode: 'checkout.error.invoiceBarcode' } });
  });

  it('reads a citizen certificate of 2 letters and 14 digits, in any width and case', () => {
    expect(readInvoiceChoice({ invoiceRecipient: 'citizen_certificate', invoiceCertificate: 'AB12345678901234' })).toEqual({ choice: { recipient: 'citizen_certificate', carrierNumber: 'AB12345678901234' } });
    expect(readInvoiceChoice({ invoiceRecipient: 'citizen_certificate', invoiceCertificate: 'ａｂ１２３４５６７８９０１２３４' })).toEqual({ choice: { recipient: 'citizen_certificate', carrierNumber: 'AB12345678901234' } });
    for (const typed of ['A123456789012345', 'AB1234567890123', 'AB123456789012345', 'ABC2345678901234']) {
      expect(readInvoiceChoice({ invoiceRecipient: 'citizen_certificate', invoiceCertificate: typed })).toEqual({ errors: { invoiceCertificate: 'checkout.error.invoiceCertificate' } });
    }
  });

  it('reads a company: a tax ID that passes the check (full-width, dashes, spaces allowed) and its name', () => {
    expect(readInvoiceChoice({ invoiceRecipient: 'company', invoiceTaxId: '２４５４ ６８６３', invoiceCompanyName: ' 豐收商行股份有限公司 ' })).toEqual({
      choice: { recipient: 'company', taxId: '24546863', companyName: '豐收商行股份有限公司' },
    });
    expect(readInvoiceChoice({ invoiceRecipient: 'company', invoiceTaxId: '1045-8574', invoiceCompanyName: 'ＡＢＣ Ltd.' })).toEqual({
      choice: { recipient: 'company', taxId: '10458574', companyName: 'ABC Ltd.' },
    });
  });

  it('names each wrong company field', () => {
    expect(readInvoiceChoice({ invoiceRecipient: 'company', invoiceTaxId: '88117126', invoiceCompanyName: '' })).toEqual({
      errors: { invoiceTaxId: 'checkout.error.invoiceTaxIdCheck', invoiceCompanyName: 'checkout.error.invoiceCompanyName' },
    });
    expect(readInvoiceChoice({ invoiceRecipient: 'company', invoiceTaxId: '1234567', invoiceCompanyName: '公'.repeat(61) })).toEqual({
      errors: { invoiceTaxId: 'checkout.error.invoiceTaxId', invoiceCompanyName: 'checkout.error.invoiceCompanyNameLength' },
    });
  });

  it('donates to a charity picked from the list, or to another code of 3 to 7 digits', () => {
    expect(readInvoiceChoice({ invoiceRecipient: 'donation', invoiceCharity: '919', invoiceDonationCode: 'ignored' })).toEqual({ choice: { recipient: 'donation', donationCode: '919' } });
    expect(readInvoiceChoice({ invoiceRecipient: 'donation', invoiceCharity: 'other', invoiceDonationCode: '７６５４３' })).toEqual({ choice: { recipient: 'donation', donationCode: '76543' } });
    for (const typed of ['12', '12345678', '12a4', '']) {
      expect(readInvoiceChoice({ invoiceRecipient: 'donation', invoiceCharity: 'other', invoiceDonationCode: typed })).toEqual({ errors: { invoiceDonationCode: 'checkout.error.invoiceDonationCode' } });
    }
    expect(readInvoiceChoice({ invoiceRecipient: 'donation', invoiceCharity: '1234' })).toEqual({ errors: { invoiceCharity: 'checkout.error.invoiceCharity' } });
  });

  it('refuses an unknown recipient', () => {
    expect(readInvoiceChoice({ invoiceRecipient: 'paper' })).toEqual({ errors: { invoiceRecipient: 'checkout.error.invoiceRecipient' } });
  });

  it('gives each choice exactly the Order columns the constraint asks for', () => {
    expect(invoiceColumns(null)).toEqual({ invoiceRecipient: null, invoiceCarrierNumber: null, invoiceTaxId: null, invoiceCompanyName: null, invoiceDonationCode: null });
    expect(invoiceColumns({ recipient: 'mobile_barcode', carrierNumber: '/ABC+123' })).toMatchObject({ invoiceRecipient: 'mobile_barcode', invoiceCarrierNumber: '/ABC+123', invoiceTaxId: null });
    expect(invoiceColumns({ recipient: 'company', taxId: '53212539', companyName: 'X' })).toMatchObject({ invoiceTaxId: '53212539', invoiceCompanyName: 'X', invoiceCarrierNumber: null });
    expect(invoiceColumns({ recipient: 'donation', donationCode: '919' })).toMatchObject({ invoiceDonationCode: '919', invoiceCarrierNumber: null });
  });
});

describe('the checkout form with the invoice choice', () => {
  it('reports the invoice errors beside the others, in the form order', () => {
    const read = readCheckoutForm({ ...CUSTOMER, phone: '123', invoiceRecipient: 'mobile_barcode', invoiceBarcode: 'x' });
    expect(read).toEqual({ errors: { phone: 'checkout.error.phone', invoiceBarcode: 'checkout.error.invoiceBarcode' } });
    expect(CHECKOUT_FIELDS.indexOf('street')).toBeLessThan(CHECKOUT_FIELDS.indexOf('invoiceRecipient'));
    expect(CHECKOUT_FIELDS.indexOf('invoiceDonationCode')).toBeLessThan(CHECKOUT_FIELDS.indexOf('payType'));
  });

  it('carries the choice, or none when the shop issues no e-invoices', () => {
    expect(readCheckoutForm({ ...CUSTOMER, invoiceRecipient: 'donation', invoiceCharity: '88888' })).toMatchObject({ form: { invoice: { recipient: 'donation', donationCode: '88888' } } });
    expect(readCheckoutForm({ ...CUSTOMER, invoiceRecipient: 'mobile_barcode', invoiceBarcode: 'bad' }, { einvoice: false })).toMatchObject({ form: { invoice: null } });
  });
});
