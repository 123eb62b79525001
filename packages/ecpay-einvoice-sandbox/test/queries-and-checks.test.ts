import { describe, expect, it } from 'vitest';
import { issueData } from './support/client';
import { useSandbox } from './support/sandbox';

const { client, sandbox } = await useSandbox({ invoiceTrack: { letters: 'ZZ', from: 18003921, to: 18009999 } });

describe('GetIssue', () => {
  it('finds an invoice by RelateNumber, in any letter case, and by number and date, with the fixture\'s fields', async () => {
    const issued = (await client.call('Issue', issueData({ RelateNumber: 'Order42', CustomerIdentifier: '97025978', CustomerName: '綠界科技股份有限公司', CustomerAddr: '台北市南港區' }))).data;
    const byRelate = (await client.call('GetIssue', { RelateNumber: 'ORDER42' })).data;
    const byNumber = (await client.call('GetIssue', { InvoiceNo: issued.InvoiceNo, InvoiceDate: '2025-01-15' })).data;
    expect(byNumber).toEqual(byRelate);
    expect(byRelate).toMatchObject({
      RtnCode: 1,
      RtnMsg: '查詢成功',
      IIS_Mer_ID: '2000132',
      IIS_Number: 'ZZ18003921',
      IIS_Relate_Number: 'Order42',
      IIS_Identifier: '97025978',
      IIS_Customer_Name: '綠界科技股份有限公司',
      IIS_Type: '07',
      IIS_Category: 'B2C',
      IIS_Tax_Type: '1',
      IIS_Tax_Rate: 0.05,
      IIS_Tax_Amount: 14,
      IIS_Sales_Amount: 300,
      IIS_Carrier_Type: '1',
      IIS_Carrier_Num: expect.stringMatching(/^[0-9a-f]{32}$/),
      IIS_Create_Date: '2025-01-15 10:20:30',
      IIS_Issue_Status: '1',
      IIS_Invalid_Status: '0',
      IIS_Remain_Allowance_Amt: 300,
      IIS_Print_Flag: '0',
      IIS_Random_Number: issued.RandomNumber,
      PosBarCode: `11402ZZ18003921${String(issued.RandomNumber)}`,
      Items: issueData().Items,
    });
  });

  it('writes 0000000000 as the identifier of an invoice without 統編', async () => {
    await client.call('Issue', issueData({ RelateNumber: 'NOTAXID1' }));
    expect((await client.call('GetIssue', { RelateNumber: 'NOTAXID1' })).data.IIS_Identifier).toBe('0000000000');
  });

  it('answers 2 for a RelateNumber or number it does not know', async () => {
    expect((await client.call('GetIssue', { RelateNumber: 'NEVER' })).data).toEqual({ RtnCode: 2, RtnMsg: '查無發票資料，請重新確認' });
    expect((await client.call('GetIssue', { InvoiceNo: 'ZZ00000001', InvoiceDate: '2025-01-15' })).data.RtnCode).toBe(2);
  });

  it('refuses a query with neither RelateNumber nor InvoiceNo and InvoiceDate', async () => {
    expect((await client.call('GetIssue', { InvoiceNo: 'ZZ18003921' })).data.RtnCode).toBe(1200000);
  });
});

describe('CheckBarcode', () => {
  it('says a well-formed mobile barcode exists, except the sandbox\'s unregistered one', async () => {
    expect((await client.call('CheckBarcode', { BarCode: '/ABC+1.-' })).data).toMatchObject({ RtnCode: 1, IsExist: 'Y' });
    expect((await client.call('CheckBarcode', { BarCode: '/0000000' })).data).toMatchObject({ RtnCode: 1, IsExist: 'N' });
  });

  it('refuses a barcode that is not / and 7 of [0-9A-Z.+-]', async () => {
    for (const BarCode of ['/abc1234', 'ABC12345', '/ABC123', '/ABC12345', '/ABC_123']) {
      expect((await client.call('CheckBarcode', { BarCode })).data.RtnCode).toBe(1200000);
    }
  });
});

describe('CheckLoveCode', () => {
  it.each([
    ['919', '財團法人創世社會福利基金會'],
    ['876', '財團法人心路社會福利基金會'],
    ['8585', '財團法人台灣兒童暨家庭扶助基金會'],
    ['25885', '財團法人伊甸社會福利基金會'],
    ['88888', '中華民國兒童癌症基金會'],
    ['2085', '台灣兒童暨家庭扶助基金會（北台南家扶中心）'],
  ])('knows %s, %s', async (LoveCode, OrganName) => {
    expect((await client.call('CheckLoveCode', { LoveCode })).data).toEqual({ RtnCode: 1, RtnMsg: '執行成功', IsExist: 'Y', OrganName });
  });

  it('says an unknown well-formed code does not exist', async () => {
    expect((await client.call('CheckLoveCode', { LoveCode: '1234567' })).data).toEqual({ RtnCode: 1, RtnMsg: '執行成功', IsExist: 'N' });
  });

  it('answers 2020001 for a code that is not 3–7 digits', async () => {
    for (const LoveCode of ['12', '12345678', '91a']) {
      expect((await client.call('CheckLoveCode', { LoveCode })).data.RtnCode).toBe(2020001);
    }
  });
});

describe('InvoiceNotify', () => {
  it('records a notice of an issued invoice and of an allowance', async () => {
    const issued = (await client.call('Issue', issueData())).data;
    const notice = { InvoiceNo: issued.InvoiceNo, NotifyMail: 'buyer@example.com', Notify: 'E', Notified: 'C' };
    expect((await client.call('InvoiceNotify', { ...notice, InvoiceTag: 'I' })).data).toEqual({ RtnCode: 1, RtnMsg: '發送通知成功' });
    const allowance = (await client.call('Allowance', {
      InvoiceNo: issued.InvoiceNo, InvoiceDate: '2025-01-15', AllowanceNotify: 'N', AllowanceAmount: 60,
      Items: [{ ItemSeq: 1, ItemName: '運費退還', ItemCount: 1, ItemWord: '式', ItemPrice: 60, ItemAmount: 60 }],
    })).data;
    expect((await client.call('InvoiceNotify', { ...notice, InvoiceTag: 'A', AllowanceNo: allowance.IA_Allow_No })).data.RtnCode).toBe(1);
    expect(sandbox.control.invoices()[0]!.notices).toEqual([
      { tag: 'I', notify: 'E', notified: 'C', at: '2025-01-15 10:20:30' },
      { tag: 'A', notify: 'E', notified: 'C', allowanceNo: allowance.IA_Allow_No, at: '2025-01-15 10:20:30' },
    ]);
  });

  it('refuses a notice without the address its channel needs, for an unknown invoice, or an allowance tag without an allowance', async () => {
    const issued = (await client.call('Issue', issueData())).data;
    const base = { InvoiceNo: issued.InvoiceNo, Notified: 'C', InvoiceTag: 'I' };
    expect((await client.call('InvoiceNotify', { ...base, Notify: 'E' })).data.RtnCode).toBe(1200000);
    expect((await client.call('InvoiceNotify', { ...base, Notify: 'S', NotifyMail: 'a@example.com' })).data.RtnCode).toBe(1200000);
    expect((await client.call('InvoiceNotify', { ...base, Notify: 'S', Phone: '0912345678', InvoiceNo: 'ZZ00000000' })).data.RtnCode).toBe(2);
    expect((await client.call('InvoiceNotify', { ...base, Notify: 'S', Phone: '0912345678', InvoiceTag: 'AI' })).data.RtnCode).toBe(1200000);
    expect((await client.call('InvoiceNotify', { ...base, Notify: 'S', Phone: '0912345678', InvoiceTag: 'AI', AllowanceNo: '2025011510200001' })).data.RtnCode).toBe(2000039);
    expect(sandbox.control.invoices()[0]!.notices).toEqual([]);
  });
});
