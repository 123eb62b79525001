import { describe, expect, it } from 'vitest';
import { startEinvoiceSandbox } from '../src/server';
import { EinvoiceTestClient, issueData, TestClock } from './support/client';
import { useSandbox } from './support/sandbox';

const { client, sandbox } = await useSandbox();
const control = (path: string, init?: RequestInit) => fetch(`${sandbox.origin}/control${path}`, init);
const putFaults = (body: unknown) => control('/faults', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('faults', () => {
  it('answers a given RtnCode for the next n calls of one service without performing them', async () => {
    sandbox.control.setFaults({ rtnCode: { op: 'Issue', code: 9000001, count: 2 } });
    const data = issueData();
    for (let i = 0; i < 2; i++) {
      expect((await client.call('Issue', data)).data).toEqual({ RtnCode: 9000001, RtnMsg: '呼叫財政部API失敗' });
    }
    expect(sandbox.control.invoices()).toEqual([]);
    expect((await client.call('CheckLoveCode', { LoveCode: '919' })).data.RtnCode).toBe(1);
    expect((await client.call('Issue', data)).data.RtnCode).toBe(1);
    expect(sandbox.control.faults()).toEqual({});
  });

  it('applies a fault without op to whichever service comes next', async () => {
    sandbox.control.setFaults({ rtnCode: { code: 9999999 } });
    expect((await client.call('CheckBarcode', { BarCode: '/ABC1234' })).data.RtnCode).toBe(9999999);
    expect((await client.call('CheckBarcode', { BarCode: '/ABC1234' })).data.RtnCode).toBe(1);
  });

  it('rate-limits with HTTP 403 before reading the request', async () => {
    sandbox.control.setFaults({ rateLimit: { count: 2 } });
    for (let i = 0; i < 2; i++) {
      const response = await client.post('Issue', 'not even JSON');
      expect(response.status).toBe(403);
      await response.body?.cancel();
    }
    expect((await client.call('Issue', issueData())).status).toBe(200);
  });

  it('performs the service but loses its answer: the client times out, and GetIssue finds the invoice', async () => {
    sandbox.control.setFaults({ timeout: { op: 'Issue' } });
    const data = issueData();
    // The client gives up once the sandbox has issued the invoice and kept the answer, as a timeout would.
    const gaveUp = new AbortController();
    const call = client.call('Issue', data, { signal: gaveUp.signal });
    await expect.poll(() => sandbox.control.faults()).toEqual({});
    expect(sandbox.control.invoices().map((i) => i.relateNumber)).toEqual([data.RelateNumber]);
    gaveUp.abort();
    await expect(call).rejects.toThrow(/abort/i);
    expect((await client.call('Issue', data)).data.RtnCode).toBe(5070357);
    const found = await client.call('GetIssue', { RelateNumber: data.RelateNumber });
    expect(found.data).toMatchObject({ RtnCode: 1, IIS_Relate_Number: data.RelateNumber });
  });

  it('delays an answer by the given time', async () => {
    sandbox.control.setFaults({ delay: { op: 'CheckLoveCode', ms: 400 } });
    const started = performance.now();
    expect((await client.call('CheckLoveCode', { LoveCode: '876' })).data.RtnCode).toBe(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('refuses faults that are not valid, in-process', () => {
    expect(() => sandbox.control.setFaults({ rtnCode: { code: 1 } })).toThrow();
    expect(() => sandbox.control.setFaults({ timeout: { count: 0 } })).toThrow();
  });
});

describe('the control API under /control', () => {
  it('sets, reads and clears faults as JSON', async () => {
    const set = await putFaults({ rtnCode: { op: 'Invalid', code: 9000001, count: 3 } });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ rtnCode: { op: 'Invalid', code: 9000001, count: 3 } });
    expect(await (await control('/faults')).json()).toEqual({ rtnCode: { op: 'Invalid', code: 9000001, count: 3 } });
    expect((await putFaults({})).status).toBe(200);
    expect(sandbox.control.faults()).toEqual({});
  });

  it('answers 400 naming the problem for faults that are not valid, and keeps the faults in force', async () => {
    sandbox.control.setFaults({ rateLimit: { count: 1 } });
    for (const body of [{ rtnCode: { code: 'x' } }, { unknownFault: {} }, { delay: { ms: -1 } }]) {
      const response = await putFaults(body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid faults', issues: expect.any(Array) });
    }
    const malformed = await control('/faults', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(malformed.status).toBe(400);
    expect(sandbox.control.faults()).toEqual({ rateLimit: { count: 1 } });
  });

  it('lists invoices with their allowances and voids, and resets', async () => {
    const issued = (await client.call('Issue', issueData({ RelateNumber: 'LISTED1' }))).data;
    await client.call('Allowance', {
      InvoiceNo: issued.InvoiceNo, InvoiceDate: '2025-01-15', AllowanceNotify: 'N', AllowanceAmount: 60,
      Items: [{ ItemSeq: 1, ItemName: '運費退還', ItemCount: 1, ItemWord: '式', ItemPrice: 60, ItemAmount: 60 }],
    });
    const listed = await (await control('/invoices')).json();
    expect(listed).toEqual(sandbox.control.invoices());
    expect(listed).toMatchObject([{ invoiceNo: issued.InvoiceNo, relateNumber: 'LISTED1', status: 'issued', remainingAllowance: 240, allowances: [{ amount: 60, status: 'valid' }] }]);
    expect((await control('/reset', { method: 'POST' })).status).toBe(204);
    expect(sandbox.control.invoices()).toEqual([]);
    const again = (await client.call('Issue', issueData())).data;
    expect(again.InvoiceNo).toBe(issued.InvoiceNo);
  });
});

describe('closing', () => {
  it('ends a held answer when the sandbox closes', async () => {
    const clock = new TestClock(new Date());
    const own = await startEinvoiceSandbox({ clock: clock.now });
    own.control.setFaults({ timeout: {} });
    const pending = new EinvoiceTestClient(own.apiUrl, clock).call('CheckLoveCode', { LoveCode: '919' });
    await expect.poll(() => own.control.faults()).toEqual({});
    await own.close();
    await expect(pending).rejects.toThrow();
  });
});
