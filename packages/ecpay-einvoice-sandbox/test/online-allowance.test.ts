import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { checkMacValue } from '../src/crypto';
import { STAGE_MERCHANT } from '../src/options';
import { issueData } from './support/client';
import { useSandbox } from './support/sandbox';

const { client, clock, sandbox } = await useSandbox();

// The merchant's ReturnURL: records each form it receives and answers 1|OK.
const received: URLSearchParams[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => {
    received.push(new URLSearchParams(body));
    res.end('1|OK');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const returnUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/einvoice/allowance-consent`;
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

const agree = (allowanceNo: unknown) => fetch(`${sandbox.origin}/control/allowances/${String(allowanceNo)}/agree`, { method: 'POST' });

async function pendingAllowance(amount = 100) {
  const invoice = (await client.call('Issue', issueData())).data;
  const ref = { InvoiceNo: invoice.InvoiceNo as string, InvoiceDate: '2025-01-15' };
  const { data } = await client.call('AllowanceByCollegiate', {
    ...ref, AllowanceNotify: 'E', NotifyMail: 'buyer@example.com', CustomerName: '王小明', ReturnURL: returnUrl, AllowanceAmount: amount,
    Items: [{ ItemSeq: 1, ItemName: '部分退款', ItemCount: 1, ItemWord: '式', ItemPrice: amount, ItemTaxType: '1', ItemAmount: amount }],
  });
  return { ref, data };
}

describe('CheckMacValue', () => {
  it('reproduces the official vector', () => {
    const params = { RtnCode: '1', RtnMsg: '', IA_Allow_No: '1909181313013546', IA_Invoice_No: 'UV11100019', IA_Date: '2019-09-18 13:13:23', IIS_Remain_Allowance_Amt: '0' };
    expect(checkMacValue(params, STAGE_MERCHANT)).toBe('50A276E71DAE26343013958B405EEEA0');
  });
});

describe('the online allowance (AllowanceByCollegiate)', () => {
  it('is pending for 72 hours, holds its amount and bars a void', async () => {
    const { ref, data } = await pendingAllowance(100);
    expect(data).toEqual({
      RtnCode: 1, RtnMsg: '線上折讓開立成功', IA_Allow_No: expect.stringMatching(/^\d{16}$/), IA_Invoice_No: ref.InvoiceNo,
      IA_TempDate: '2025-01-15 10:20:30', IA_TempExpireDate: '2025-01-18 10:20:30', IA_Remain_Allowance_Amt: 200,
    });
    expect((await client.call('Invalid', { ...ref, Reason: '取消' })).data.RtnCode).toBe(5070450);
    expect(sandbox.control.invoices()[0]!.allowances).toMatchObject([{ status: 'pending', online: true, expiresAt: '2025-01-18 10:20:30' }]);
  });

  it('comes into force when the buyer agrees, and ReturnURL receives the result signed with CheckMacValue', async () => {
    const { ref, data } = await pendingAllowance(100);
    received.length = 0;
    clock.set('2025-01-16T09:00:00+08:00');
    const response = await agree(data.IA_Allow_No);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ url: returnUrl, status: 200, answer: '1|OK' });
    expect(received).toHaveLength(1);
    const form = Object.fromEntries(received[0]!);
    const { CheckMacValue, ...params } = form;
    expect(params).toEqual({ RtnCode: '1', RtnMsg: '', IA_Allow_No: data.IA_Allow_No, IA_Invoice_No: ref.InvoiceNo, IA_Date: '2025-01-16 09:00:00', IIS_Remain_Allowance_Amt: '200' });
    expect(CheckMacValue).toBe(checkMacValue(params, STAGE_MERCHANT));
    expect(sandbox.control.invoices()[0]!.allowances[0]).toMatchObject({ status: 'valid', agreedAt: '2025-01-16 09:00:00' });
    expect((await agree(data.IA_Allow_No)).status).toBe(409);
  });

  it('cannot be cancelled once agreed (5070250), but can be voided like a paper allowance', async () => {
    const { ref, data } = await pendingAllowance();
    await agree(data.IA_Allow_No);
    const cancel = { InvoiceNo: ref.InvoiceNo, AllowanceNo: data.IA_Allow_No, Reason: '取消' };
    expect((await client.call('AllowanceInvalidByCollegiate', cancel)).data).toMatchObject({ RtnCode: 5070250, RtnMsg: '無法取消已經同意的線上折讓單' });
    expect((await client.call('AllowanceInvalid', cancel)).data.RtnCode).toBe(1);
  });

  it('is cancelled while pending, once (2000063 after), which frees its amount', async () => {
    const { ref, data } = await pendingAllowance(300);
    const cancel = { InvoiceNo: ref.InvoiceNo, AllowanceNo: data.IA_Allow_No, Reason: '買方不同意' };
    expect((await client.call('AllowanceInvalid', cancel)).data.RtnCode).toBe(1200000);
    expect((await client.call('AllowanceInvalidByCollegiate', cancel)).data).toEqual({ RtnCode: 1, RtnMsg: '取消線上折讓成功', IA_Invoice_No: ref.InvoiceNo });
    expect((await client.call('AllowanceInvalidByCollegiate', cancel)).data.RtnCode).toBe(2000063);
    expect((await client.call('GetIssue', ref)).data.IIS_Remain_Allowance_Amt).toBe(300);
    expect((await agree(data.IA_Allow_No)).status).toBe(409);
  });

  it('expires unagreed after 72 hours: its amount is free again and the invoice can be voided', async () => {
    const { ref, data } = await pendingAllowance(300);
    clock.set('2025-01-18T10:20:31+08:00');
    expect(sandbox.control.invoices()[0]!.allowances[0]!.status).toBe('expired');
    expect((await client.call('GetIssue', ref)).data.IIS_Remain_Allowance_Amt).toBe(300);
    expect((await agree(data.IA_Allow_No)).status).toBe(409);
    expect((await client.call('Invalid', { ...ref, Reason: '取消' })).data.RtnCode).toBe(1);
  });

  it('answers 2000039 when asked to cancel a paper allowance as an online one', async () => {
    const { ref } = await pendingAllowance(100);
    const paper = (await client.call('Allowance', {
      ...ref, AllowanceNotify: 'N', AllowanceAmount: 50,
      Items: [{ ItemSeq: 1, ItemName: '退款', ItemCount: 1, ItemWord: '式', ItemPrice: 50, ItemAmount: 50 }],
    })).data;
    const { data } = await client.call('AllowanceInvalidByCollegiate', { InvoiceNo: ref.InvoiceNo, AllowanceNo: paper.IA_Allow_No, Reason: 'x' });
    expect(data.RtnCode).toBe(2000039);
  });

  it('refuses an online allowance not notified by e-mail, or without an http(s) ReturnURL', async () => {
    const invoice = (await client.call('Issue', issueData())).data;
    const base = {
      InvoiceNo: invoice.InvoiceNo, InvoiceDate: '2025-01-15', NotifyMail: 'buyer@example.com', NotifyPhone: '0912345678', AllowanceAmount: 10,
      Items: [{ ItemSeq: 1, ItemName: '退款', ItemCount: 1, ItemWord: '式', ItemPrice: 10, ItemAmount: 10 }],
    };
    expect((await client.call('AllowanceByCollegiate', { ...base, AllowanceNotify: 'A', ReturnURL: returnUrl })).data.RtnCode).toBe(1200000);
    expect((await client.call('AllowanceByCollegiate', { ...base, AllowanceNotify: 'E', ReturnURL: 'ftp://127.0.0.1/x' })).data.RtnCode).toBe(1200000);
    expect((await client.call('AllowanceByCollegiate', { ...base, AllowanceNotify: 'E' })).data.RtnCode).toBe(1200000);
    expect(sandbox.control.invoices()[0]!.allowances).toEqual([]);
  });

  it('answers 404 to agreeing to an allowance that does not exist', async () => {
    expect((await agree('2025011510200099')).status).toBe(404);
  });
});
