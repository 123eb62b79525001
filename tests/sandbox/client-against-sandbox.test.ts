// The shop's SinopacClient completes every service against the sandbox package over real HTTP.
// The sandbox's own behaviour (notifications, faults, each result code) is its package's suite.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, startSandbox, type RunningSandbox } from 'sinopac-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SinopacClient } from '../../src/sinopac/client';
import { SinopacBusinessError, SinopacTransportError } from '../../src/sinopac/errors';
import { taipeiDayAfter } from '../../src/time/taipei';
import { APPROVED_CARD, getPage, parseForm, submitCardForm } from '../../packages/sinopac-sandbox/test/support/card-page';

const TEST_SHOP = {
  shopNo: 'TS0001_001',
  hashKeys: { A1: '0F2A4C6E8091B3D5', A2: 'F7E6D5C4B3A29180', B1: '00000000000000FF', B2: '123456789ABCDEF0' },
};
const KEYED_SHOP = {
  shopNo: 'TS0002_001',
  hashKeys: { A1: 'AAAAAAAAAAAAAAAA', A2: '5555555555555555', B1: '0123456789abcdef', B2: 'fedcba9876543210' },
  keyId: 'sandbox-test-key-0002',
};
const RETURN_URL = 'http://127.0.0.1:9/shop/sinopac/return';

let sequence = 0;
/** A fresh order number; it ends in a letter, so the sandbox's "ends in 9" rule never applies. */
const newOrderNo = (prefix: string) => `${prefix}${String(++sequence).padStart(5, '0')}${Date.now().toString(36)}A`;

let sandbox: RunningSandbox;
let client: SinopacClient;
// The shop's BackendURL: what the card payment's notification carried.
let notifications: Server;
const notified: Array<{ PayToken: string }> = [];
let notificationUrl: string;

beforeAll(async () => {
  sandbox = await startSandbox({ shops: [TEST_SHOP, KEYED_SHOP], port: 0, logger: silentLogger, atmAutoPayDelayMs: null });
  client = new SinopacClient({ apiUrl: sandbox.apiUrl, ...TEST_SHOP, timeoutMs: 2_000 });
  notifications = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      notified.push(JSON.parse(body) as { PayToken: string });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"Status":"S"}');
    });
  });
  await new Promise<void>((resolve) => notifications.listen(0, '127.0.0.1', resolve));
  notificationUrl = `http://127.0.0.1:${(notifications.address() as AddressInfo).port}/sinopac/notify`;
});
afterAll(async () => {
  await sandbox.close();
  notifications.closeAllConnections();
  await new Promise((resolve) => notifications.close(resolve));
});

const cardRequest = (autoBilling: 'Y' | 'N') => ({
  OrderNo: newOrderNo('SC'), Amount: 129900, PayType: 'C' as const, PrdtName: '精品咖啡豆', ReturnURL: RETURN_URL,
  BackendURL: notificationUrl, CardParam: { AutoBilling: autoBilling, ExpMinutes: 10 },
});

describe('SinopacClient against the sandbox', () => {
  it('creates an ATM order and finds it with OrderQuery', async () => {
    const OrderNo = newOrderNo('SA');
    const created = await client.orderCreate({
      OrderNo, Amount: 50000, PayType: 'A', PrdtName: '虛擬帳號訂單', ReturnURL: RETURN_URL,
      ATMParam: { ExpireDate: taipeiDayAfter(new Date(), 3).yyyyMMdd },
    });
    expect(created).toMatchObject({ OrderNo, PayType: 'A', Amount: 50000, Status: 'S' });
    if (created.PayType !== 'A') throw new Error('expected an ATM answer');
    expect(created.ATMParam.AtmPayNo).toMatch(/^99922\d{9}$/);

    const found = await client.orderQuery({ OrderNo });
    expect(found.OrderList).toHaveLength(1);
    expect(found.OrderList[0]).toMatchObject({ OrderNo, PayStatus: '1A200', Amount: 50000 });
  });

  it('pays a card order on the card page and reads the result with OrderPayQuery', async () => {
    const request = cardRequest('Y');
    const created = await client.orderCreate(request);
    if (created.PayType !== 'C') throw new Error('expected a card answer');
    const result = await submitCardForm(await getPage(created.CardParam.CardPayURL), APPROVED_CARD);
    const { PayToken } = parseForm(result.text, 'return-form').fields;

    const paid = await client.orderPayQuery({ PayToken: PayToken! });
    expect(paid.TSResultContent).toMatchObject({ OrderNo: request.OrderNo, Status: 'S', APType: 'PayOut', Amount: 129900 });
    await expect.poll(() => notified.map((n) => n.PayToken)).toContain(PayToken);
  });

  it('captures, refunds and cancels with OrderMaintain', async () => {
    const captured = cardRequest('N');
    await client.orderCreate(captured);
    sandbox.sandbox.control.pay({ orderNo: captured.OrderNo });
    expect(await client.orderMaintain({ OrderNo: captured.OrderNo, Command: 'P' })).toMatchObject({ Status: 'S', Command: 'P' });
    expect(await client.orderMaintain({ OrderNo: captured.OrderNo, Command: 'R', Amount: 29900 })).toMatchObject({ Amount: 29900 });

    const cancelled = cardRequest('N');
    await client.orderCreate(cancelled);
    sandbox.sandbox.control.pay({ orderNo: cancelled.OrderNo });
    expect(await client.orderMaintain({ OrderNo: cancelled.OrderNo, Command: 'C' })).toMatchObject({ Status: 'S', Command: 'C' });
    const [entry] = (await client.orderQuery({ OrderNo: cancelled.OrderNo })).OrderList;
    expect(entry!.PayStatus).toBe('1C351');
  });

  it('turns a Status F answer into a SinopacBusinessError with its code', async () => {
    const request = cardRequest('Y');
    await client.orderCreate(request);
    const error = await client.orderCreate(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinopacBusinessError);
    expect((error as SinopacBusinessError).code).toBe('E0302');
    const refused = await client.orderMaintain({ OrderNo: request.OrderNo, Command: 'C' }).catch((e: unknown) => e);
    expect((refused as SinopacBusinessError).code).toBe('E2001');
  });

  it('sends the X-KeyID of a shop that needs one', async () => {
    const keyed = new SinopacClient({ apiUrl: sandbox.apiUrl, ...KEYED_SHOP, timeoutMs: 2_000 });
    expect((await keyed.orderQuery({ PayFlag: 'Y' })).Status).toBe('S');
    const wrong = new SinopacClient({ apiUrl: sandbox.apiUrl, ...KEYED_SHOP, keyId: 'wrong-key', timeoutMs: 2_000 });
    const error = await wrong.orderQuery({ PayFlag: 'Y' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinopacTransportError);
    expect((error as SinopacTransportError).httpStatus).toBe(401);
  });

  it('sees the payQueryFail and payQueryHang faults as transport errors', async () => {
    const request = cardRequest('Y');
    await client.orderCreate(request);
    const { payToken } = sandbox.sandbox.control.pay({ orderNo: request.OrderNo });
    sandbox.sandbox.control.setOrderFaults({ orderNo: request.OrderNo }, { payQueryFail: 1, payQueryHang: 1 });
    const hurried = new SinopacClient({ apiUrl: sandbox.apiUrl, ...TEST_SHOP, timeoutMs: 500 });

    const failed = await hurried.orderPayQuery({ PayToken: payToken }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ reason: 'http_status', httpStatus: 500 });
    const hung = await hurried.orderPayQuery({ PayToken: payToken }).catch((e: unknown) => e);
    expect(hung).toMatchObject({ reason: 'timeout' });
    expect((await hurried.orderPayQuery({ PayToken: payToken })).TSResultContent.Status).toBe('S');
  });
});
