import { describe, expect, it } from 'vitest';
import { issueData } from './support/client';
import { useSandbox } from './support/sandbox';

const { client, clock, sandbox } = await useSandbox();

/** Issues a 300 TWD invoice at the Taiwan time `at` (ISO with +08:00) and returns its number and date. */
async function issued(at = '2025-01-15T10:20:30+08:00') {
  clock.set(at);
  const { data } = await client.call('Issue', issueData());
  expect(data.RtnCode).toBe(1);
  return { InvoiceNo: data.InvoiceNo as string, InvoiceDate: (data.InvoiceDate as string).slice(0, 10) };
}

const voidIt = async (invoice: { InvoiceNo: string; InvoiceDate: string }) =>
  (await client.call('Invalid', { ...invoice, Reason: '訂單取消' })).data;

const allow = async (invoice: { InvoiceNo: string; InvoiceDate: string }, amount: number) =>
  (await client.call('Allowance', {
    ...invoice,
    AllowanceNotify: 'E',
    NotifyMail: 'buyer@example.com',
    AllowanceAmount: amount,
    Items: [{ ItemSeq: 1, ItemName: '部分退款', ItemCount: 1, ItemWord: '式', ItemPrice: amount, ItemTaxType: '1', ItemAmount: amount }],
  })).data;

describe('Invalid (void)', () => {
  it('voids an invoice, which GetIssue then reports', async () => {
    const invoice = await issued();
    expect(await voidIt(invoice)).toEqual({ RtnCode: 1, RtnMsg: '作廢發票成功', InvoiceNo: invoice.InvoiceNo });
    const { data } = await client.call('GetIssue', invoice);
    expect(data.IIS_Invalid_Status).toBe('1');
    expect(sandbox.control.invoices()[0]).toMatchObject({ status: 'void', voidReason: '訂單取消' });
  });

  it('accepts the invoice date with its time, as Odoo sends it', async () => {
    const invoice = await issued();
    expect((await voidIt({ ...invoice, InvoiceDate: `${invoice.InvoiceDate} 10:20:30` })).RtnCode).toBe(1);
  });

  it('answers 5070453 for a second void', async () => {
    const invoice = await issued();
    await voidIt(invoice);
    expect(await voidIt(invoice)).toMatchObject({ RtnCode: 5070453, RtnMsg: '該發票已被作廢過' });
  });

  it('answers 5070450 over an allowance, and voids once the allowance is voided', async () => {
    const invoice = await issued();
    const allowance = await allow(invoice, 100);
    expect(await voidIt(invoice)).toMatchObject({ RtnCode: 5070450, RtnMsg: '該發票已被折讓過，無法直接作廢' });
    const voided = await client.call('AllowanceInvalid', { InvoiceNo: invoice.InvoiceNo, AllowanceNo: allowance.IA_Allow_No, Reason: '退款取消' });
    expect(voided.data.RtnCode).toBe(1);
    expect((await voidIt(invoice)).RtnCode).toBe(1);
  });

  it('answers 2 for an invoice number it never issued, or a date that is not the invoice\'s', async () => {
    const invoice = await issued();
    expect(await voidIt({ InvoiceNo: 'AB99999999', InvoiceDate: invoice.InvoiceDate })).toMatchObject({ RtnCode: 2, RtnMsg: '查無發票資料，請重新確認' });
    expect((await voidIt({ ...invoice, InvoiceDate: '2025-01-16' })).RtnCode).toBe(2);
  });

  it('refuses a void without Reason', async () => {
    const invoice = await issued();
    expect((await client.call('Invalid', invoice)).data.RtnCode).toBe(1200000);
  });
});

describe('the void window: 23:59:59 Taiwan time on the 13th of the odd month after the period (rule 5)', () => {
  it('voids a January invoice at noon on 13 March', async () => {
    const invoice = await issued('2025-01-20T10:00:00+08:00');
    clock.set('2025-03-13T12:00:00+08:00');
    expect((await voidIt(invoice)).RtnCode).toBe(1);
  });

  it('voids a February invoice at 23:59:59 on 13 March', async () => {
    const invoice = await issued('2025-02-27T10:00:00+08:00');
    clock.set('2025-03-13T23:59:59+08:00');
    expect((await voidIt(invoice)).RtnCode).toBe(1);
  });

  it('refuses to void a January invoice at 00:00:01 on 14 March, and still allows an allowance for all of it', async () => {
    const invoice = await issued('2025-01-20T10:00:00+08:00');
    clock.set('2025-03-14T00:00:01+08:00');
    expect(await voidIt(invoice)).toMatchObject({ RtnCode: 5070500 });
    expect((await allow(invoice, 300)).RtnCode).toBe(1);
  });

  it('counts in Taiwan time: 16:00:01 UTC on 13 March is already the 14th', async () => {
    const invoice = await issued('2025-02-10T10:00:00+08:00');
    clock.set('2025-03-13T16:00:01Z');
    expect((await voidIt(invoice)).RtnCode).toBe(5070500);
  });

  it('does not close on the 14th of an even month: a March invoice voids on 14 April', async () => {
    const invoice = await issued('2025-03-05T10:00:00+08:00');
    clock.set('2025-04-14T00:00:01+08:00');
    expect((await voidIt(invoice)).RtnCode).toBe(1);
  });

  it('closes a December invoice\'s window on 13 January of the next year', async () => {
    const open = await issued('2025-12-30T10:00:00+08:00');
    const late = await issued('2025-12-31T10:00:00+08:00');
    clock.set('2026-01-13T23:00:00+08:00');
    expect((await voidIt(open)).RtnCode).toBe(1);
    clock.set('2026-01-14T00:00:01+08:00');
    expect((await voidIt(late)).RtnCode).toBe(5070500);
  });
});

describe('Allowance and AllowanceInvalid', () => {
  it('credits part of an invoice and reports what is left', async () => {
    const invoice = await issued();
    clock.set('2025-01-16T09:30:00+08:00');
    expect(await allow(invoice, 100)).toEqual({
      RtnCode: 1,
      RtnMsg: '折讓開立成功',
      IA_Allow_No: expect.stringMatching(/^202501160930\d{4}$/),
      IA_Invoice_No: invoice.InvoiceNo,
      IA_Date: '2025-01-16 09:30:00',
      IA_Remain_Allowance_Amt: 200,
    });
  });

  it('takes refunds in several parts up to the whole, then answers 2000034', async () => {
    const invoice = await issued();
    expect((await allow(invoice, 100)).IA_Remain_Allowance_Amt).toBe(200);
    expect(await allow(invoice, 201)).toMatchObject({ RtnCode: 2000034, RtnMsg: '無足夠金額可以折讓' });
    expect((await allow(invoice, 150)).IA_Remain_Allowance_Amt).toBe(50);
    expect((await allow(invoice, 50)).IA_Remain_Allowance_Amt).toBe(0);
    expect((await allow(invoice, 1)).RtnCode).toBe(2000034);
    expect(sandbox.control.invoices()[0]!.allowances.map((a) => a.amount)).toEqual([100, 150, 50]);
  });

  it('gives back what a voided allowance credited, and answers 2000063 for a second void of it', async () => {
    const invoice = await issued();
    const allowance = await allow(invoice, 300);
    const cancel = { InvoiceNo: invoice.InvoiceNo, AllowanceNo: allowance.IA_Allow_No, Reason: '退款取消' };
    expect((await client.call('AllowanceInvalid', cancel)).data).toEqual({ RtnCode: 1, RtnMsg: '作廢折讓成功', IA_Invoice_No: invoice.InvoiceNo });
    expect((await client.call('AllowanceInvalid', cancel)).data).toMatchObject({ RtnCode: 2000063, RtnMsg: '該折讓單已作廢過' });
    expect((await client.call('GetIssue', invoice)).data.IIS_Remain_Allowance_Amt).toBe(300);
  });

  it('answers 2000039 for an allowance number the invoice does not have', async () => {
    const invoice = await issued();
    const { data } = await client.call('AllowanceInvalid', { InvoiceNo: invoice.InvoiceNo, AllowanceNo: '2025011510200001', Reason: 'x' });
    expect(data).toMatchObject({ RtnCode: 2000039 });
  });

  it('answers 2 for an allowance on an unknown invoice, and 5070453 on a voided one', async () => {
    const invoice = await issued();
    expect((await allow({ ...invoice, InvoiceNo: 'AB99999999' }, 100)).RtnCode).toBe(2);
    await voidIt(invoice);
    expect((await allow(invoice, 100)).RtnCode).toBe(5070453);
  });

  it('refuses an allowance whose items do not add up to AllowanceAmount, or that asks for e-mail without an address', async () => {
    const invoice = await issued();
    const { data } = await client.call('Allowance', {
      ...invoice, AllowanceNotify: 'N', AllowanceAmount: 100,
      Items: [{ ItemSeq: 1, ItemName: '退款', ItemCount: 1, ItemWord: '式', ItemPrice: 90, ItemAmount: 90 }],
    });
    expect(data).toMatchObject({ RtnCode: 1200000, RtnMsg: expect.stringContaining('AllowanceAmount') });
    const noMail = await client.call('Allowance', {
      ...invoice, AllowanceNotify: 'E', AllowanceAmount: 100,
      Items: [{ ItemSeq: 1, ItemName: '退款', ItemCount: 1, ItemWord: '式', ItemPrice: 100, ItemAmount: 100 }],
    });
    expect(noMail.data).toMatchObject({ RtnCode: 1200000, RtnMsg: expect.stringContaining('NotifyMail') });
  });

  it('answers GetAllowance with the allowance and its status', async () => {
    const invoice = await issued();
    const allowance = await allow(invoice, 120);
    const query = { InvoiceNo: invoice.InvoiceNo, AllowanceNo: allowance.IA_Allow_No };
    expect((await client.call('GetAllowance', query)).data).toMatchObject({
      RtnCode: 1, IA_Allow_No: allowance.IA_Allow_No, IA_Invoice_No: invoice.InvoiceNo, IA_Invalid_Status: '0', IA_Total_Amount: 120, IA_Remain_Allowance_Amt: 180,
    });
    await client.call('AllowanceInvalid', { ...query, Reason: '取消' });
    expect((await client.call('GetAllowance', query)).data).toMatchObject({ IA_Invalid_Status: '1', IA_Remain_Allowance_Amt: 300 });
  });
});
