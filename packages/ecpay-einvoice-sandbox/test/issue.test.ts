import { describe, expect, it } from 'vitest';
import { issueData } from './support/client';
import { useSandbox } from './support/sandbox';

const { client, clock, sandbox } = await useSandbox({ invoiceTrack: { letters: 'ZX', from: 10000000, to: 10000002 } });

const issue = async (overrides: Record<string, unknown>) => (await client.call('Issue', issueData(overrides))).data;

describe('Issue', () => {
  it('numbers invoices from the track, with a 4-digit random number and the Taiwan date and time', async () => {
    const first = await issue({});
    const second = await issue({});
    expect(first).toEqual({ RtnCode: 1, RtnMsg: '開立發票成功', InvoiceNo: 'ZX10000000', InvoiceDate: '2025-01-15 10:20:30', RandomNumber: expect.stringMatching(/^\d{4}$/) });
    expect(second.InvoiceNo).toBe('ZX10000001');
  });

  it('dates an invoice issued at 23:30 UTC on the next Taiwan day', async () => {
    clock.set('2025-02-28T16:30:00Z');
    expect((await issue({})).InvoiceDate).toBe('2025-03-01 00:30:00');
  });

  it('answers 1100040 once the track is used up, and issues nothing', async () => {
    for (let i = 0; i < 3; i++) expect((await issue({})).RtnCode).toBe(1);
    expect(await issue({})).toMatchObject({ RtnCode: 1100040, RtnMsg: '發票字軌已用完' });
    expect(sandbox.control.invoices()).toHaveLength(3);
  });

  it('answers 5070357 for a RelateNumber the merchant used before, in any letter case', async () => {
    expect((await issue({ RelateNumber: 'ORDER0001' })).RtnCode).toBe(1);
    expect(await issue({ RelateNumber: 'order0001' })).toMatchObject({ RtnCode: 5070357, RtnMsg: expect.stringContaining('自訂編號重覆') });
    expect(sandbox.control.invoices()).toHaveLength(1);
  });
});

describe('Issue: print × donation × 統編 × carrier (PROTOCOL.md rule 1)', () => {
  const taxId = { CustomerIdentifier: '53212539', CustomerName: '豐收商行有限公司', CustomerAddr: '台北市信義區市府路1號' };
  const printed = { Print: '1', CustomerName: '王小明', CustomerAddr: '台北市南港區經貿二路1號' };
  const none = { CarrierType: '', CarrierNum: '' };
  const barcode = { CarrierType: '3', CarrierNum: '/ABC+1.-' };
  const certificate = { CarrierType: '2', CarrierNum: 'AB12345678901234' };
  const donation = { Donation: '1', LoveCode: '919' };

  it.each([
    ['member carrier, not printed', {}],
    ['mobile barcode, not printed', barcode],
    ['citizen certificate, not printed', certificate],
    ['EasyCard with both card numbers', { CarrierType: '4', CarrierNum: 'E1234567', CarrierNum2: '1234567890' }],
    ['donation with no carrier', { ...none, ...donation }],
    ['donation with a carrier', { ...barcode, ...donation }],
    ['printed, no carrier, no 統編', { ...none, ...printed }],
    ['統編, no carrier, printed', { ...none, ...taxId, Print: '1' }],
    ['統編 with the member carrier, not printed', { ...taxId }],
    ['統編 with a citizen certificate, not printed', { ...taxId, ...certificate }],
    ['統編 with a mobile barcode, not printed', { ...taxId, ...barcode }],
    ['統編 with a mobile barcode, printed', { ...taxId, ...barcode, Print: '1' }],
  ])('issues: %s', async (_name, overrides) => {
    expect(await issue(overrides)).toMatchObject({ RtnCode: 1 });
  });

  it.each([
    ['a carrier and Print=1 without 統編', { ...barcode, ...printed }, 5000015],
    ['the member carrier and Print=1 without 統編', { ...printed }, 5000015],
    ['統編 with the member carrier and Print=1', { ...taxId, Print: '1' }, 5000015],
    ['統編 with a citizen certificate and Print=1', { ...taxId, ...certificate, Print: '1' }, 5000015],
    ['統編, no carrier, Print=0', { ...none, ...taxId }, 5000028],
    ['a 統編 that fails the checksum', { ...taxId, CustomerIdentifier: '88117126' }, 1200125],
    ['a 統編 of 7 digits', { ...taxId, CustomerIdentifier: '5321253' }, 1200125],
    ['a donation without LoveCode', { ...none, Donation: '1' }, 2020001],
    ['a LoveCode of 2 digits', { ...none, Donation: '1', LoveCode: '91' }, 2020001],
    ['a LoveCode of 8 digits', { ...none, Donation: '1', LoveCode: '12345678' }, 2020001],
    ['a LoveCode with a letter', { ...none, Donation: '1', LoveCode: '91A' }, 2020001],
    ['a donation printed', { ...none, ...donation, ...printed }, 1200000],
    ['a donation with 統編', { ...none, ...donation, ...taxId }, 1200000],
    ['a LoveCode without Donation=1', { LoveCode: '919' }, 1200000],
    ['no carrier, no donation, not printed', { ...none }, 1200000],
    ['printed without CustomerAddr', { ...none, Print: '1', CustomerName: '王小明' }, 1200000],
    ['a mobile barcode in lowercase', { CarrierType: '3', CarrierNum: '/abc1234' }, 1200000],
    ['a mobile barcode of 7 characters', { CarrierType: '3', CarrierNum: '/ABC123' }, 1200000],
    ['a mobile barcode without its slash', { CarrierType: '3', CarrierNum: 'ABC12345' }, 1200000],
    ['a citizen certificate of 13 digits', { CarrierType: '2', CarrierNum: 'AB1234567890123' }, 1200000],
    ['a citizen certificate in lowercase', { CarrierType: '2', CarrierNum: 'ab12345678901234' }, 1200000],
    ['a CarrierNum with no carrier', { ...printed, CarrierType: '', CarrierNum: '/ABC1234' }, 1200000],
    ['an EasyCard without its visible number', { CarrierType: '4', CarrierNum: 'E1234567' }, 1200000],
    ['a CarrierType that does not exist', { CarrierType: '6' }, 1200000],
    ['neither phone nor e-mail', { CustomerEmail: '' }, 1200000],
  ])('refuses %s with %i', async (_name, overrides, code) => {
    expect(await issue(overrides)).toMatchObject({ RtnCode: code });
    expect(sandbox.control.invoices()).toEqual([]);
  });
});

describe('Issue: amounts and fields (PROTOCOL.md rules 2–3)', () => {
  const item = (seq: number, count: number, price: number, amount: number) => ({ ItemSeq: seq, ItemName: `品項${seq}`, ItemCount: count, ItemWord: '個', ItemPrice: price, ItemTaxType: '1', ItemAmount: amount });

  it('answers 5000022 when SalesAmount is not the sum of the items', async () => {
    expect(await issue({ SalesAmount: 301 })).toMatchObject({ RtnCode: 5000022, RtnMsg: expect.stringContaining('與商品合計金額不符') });
  });

  it('accepts decimal item amounts whose sum rounds to SalesAmount', async () => {
    const answer = await issue({ SalesAmount: 100, Items: [item(1, 3, 33.3333, 99.9999), item(2, 1, 0.4, 0.4)] });
    expect(answer.RtnCode).toBe(1);
  });

  it.each([
    ['an ItemAmount that is not count × price', { SalesAmount: 250, Items: [item(1, 2, 100, 250)] }],
    ['two items with one ItemSeq', { SalesAmount: 200, Items: [item(1, 1, 100, 100), item(1, 1, 100, 100)] }],
    ['no items', { SalesAmount: 100, Items: [] }],
    ['a SalesAmount that is not an integer', { SalesAmount: 300.5 }],
    ['a SalesAmount sent as a string', { SalesAmount: '300' }],
    ['a RelateNumber of 31 characters', { RelateNumber: 'A'.repeat(31) }],
    ['a RelateNumber with a hyphen', { RelateNumber: 'ORDER-1' }],
    ['Print sent as a number', { Print: 0 }],
    ['TaxType 9 with items all of one tax type', { TaxType: '9' }],
    ['TaxType 4 without InvType 08', { TaxType: '4' }],
  ])('refuses %s with 1200000 naming the field', async (_name, overrides) => {
    const answer = await issue(overrides);
    expect(answer.RtnCode).toBe(1200000);
    expect(answer.RtnMsg).toMatch(/[A-Z][A-Za-z]+/);
  });

  it('answers 5000007 for a zero-rated invoice without ClearanceMark, and issues it with one', async () => {
    const zero = { TaxType: '2', Items: [{ ...item(1, 1, 300, 300), ItemTaxType: '2' }] };
    expect((await issue(zero)).RtnCode).toBe(5000007);
    expect((await issue({ ...zero, ClearanceMark: '1' })).RtnCode).toBe(1);
  });

  it('issues a mixed invoice of taxed and tax-free items', async () => {
    const answer = await issue({ TaxType: '9', Items: [item(1, 2, 120, 240), { ...item(2, 1, 60, 60), ItemTaxType: '3' }] });
    expect(answer.RtnCode).toBe(1);
  });
});
