// The control API's newer routes over real HTTP: the clock, the exchange log, notification retries
// now, card approval with what the shop is sent, the badSign and answerDelayMs faults, and its errors.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExchangeLog } from '../src/exchanges';
import { silentLogger } from '../src/logger';
import { startSandbox } from '../src/server';
import { resultCode, type Message } from './support/sandbox-client';
import { startReceiver, type Receiver } from './support/sandbox-receiver';
import { atmOrder, cardOrder, START, startTestSandbox, taipeiDayAfter, TEST_SHOP, type TestSandbox } from './support/sandbox-harness';

let sb: TestSandbox;
let receiver: Receiver;
beforeAll(async () => {
  // Retries ten minutes apart, as at the bank: only notifications/retry makes them happen in a test.
  sb = await startTestSandbox({ notifyIntervalMs: 600_000 });
});
afterAll(() => sb.close());
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(async () => {
  await fetch(`${sb.running.origin}/__sandbox/reset`, { method: 'POST' });
  await receiver.close();
});

async function json(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${sb.running.origin}/__sandbox${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function create(message: Message): Promise<string> {
  expect((await sb.client.call('OrderCreate', message)).message.Status).toBe('S');
  return String(message.OrderNo);
}

describe('the clock', () => {
  it('moves by minutes, to an instant, and back, and says the Taipei date', async () => {
    expect((await json('GET', '/clock')).body).toEqual({
      now: START.toISOString(), taipeiDate: '20250610', taipeiMinute: '202506101200', offsetMs: 0,
    });
    expect((await json('POST', '/clock', { advanceMinutes: 90 })).body).toMatchObject({ taipeiMinute: '202506101330', offsetMs: 5_400_000 });
    expect((await json('POST', '/clock', { set: '2025-06-11T23:59:00+08:00' })).body)
      .toMatchObject({ now: '2025-06-11T15:59:00.000Z', taipeiDate: '20250611' });
    expect((await json('POST', '/clock', { reset: true })).body.offsetMs).toBe(0);
  });

  it('expires an ATM order after its ExpireDate and a card link after ExpMinutes', async () => {
    const atm = await create(atmOrder(sb.clock, { ATMParam: { ExpireDate: taipeiDayAfter(sb.clock, 1) } }));
    const card = await create(cardOrder({ CardParam: { AutoBilling: 'Y', ExpMinutes: 5 } }));
    await json('POST', '/clock', { advanceMinutes: 6 });
    expect((await json('GET', `/orders/${card}`)).body.payStatus).toBe('1C250');
    expect((await json('GET', `/orders/${atm}`)).body.payStatus).toBe('1A200');
    await json('POST', '/clock', { advanceMinutes: 2 * 24 * 60 });
    expect((await json('GET', `/orders/${atm}`)).body.payStatus).toBe('1A250');
    const { message } = await sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, OrderNo: atm });
    expect((message.OrderList as Message[])[0]!.PayStatus).toBe('1A250');
    expect(String(message.Date).slice(0, 8)).toBe('20250612');
  });

  it('moves the daily bill: tomorrow is refused today and answers once the clock is there', async () => {
    const tomorrow = taipeiDayAfter(sb.clock, 1);
    const early = await sb.client.call('BillQuery', { ShopNo: TEST_SHOP.shopNo, BillDate: tomorrow });
    expect(resultCode(early.message)).toBe('E2902');
    await json('POST', '/clock', { advanceMinutes: 24 * 60 });
    const orderNo = await create(atmOrder(sb.clock));
    await json('POST', `/orders/${orderNo}/pay`);
    const bill = await sb.client.call('BillQuery', { ShopNo: TEST_SHOP.shopNo, BillDate: tomorrow });
    expect(bill.message.Status).toBe('S');
    expect((bill.message.OrderList as Message[]).map((line) => line.OrderNo)).toEqual([orderNo]);
  });

  it('moves the system clock too, when the sandbox was given none', async () => {
    const standalone = await startSandbox({ shops: [TEST_SHOP], port: 0, logger: silentLogger });
    try {
      const control = `${standalone.origin}/__sandbox/clock`;
      const post = (body: unknown) => fetch(control, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const before = Date.now();
      expect((await post({ set: '2030-01-01T00:00:00+08:00' })).status).toBe(200);
      const shown = await (await fetch(control)).json() as { now: string; taipeiDate: string; offsetMs: number };
      expect(shown.taipeiDate).toBe('20300101');
      const elapsed = Date.now() - before;
      expect(new Date(shown.now).getTime() - Date.parse('2029-12-31T16:00:00Z')).toBeGreaterThanOrEqual(0);
      expect(new Date(shown.now).getTime() - Date.parse('2029-12-31T16:00:00Z')).toBeLessThanOrEqual(elapsed);
    } finally {
      await standalone.close();
    }
  });

  it('refuses a body that is not one of the three changes, saying why', async () => {
    const bad = await json('POST', '/clock', { set: 'tomorrow' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^invalid request: /);
    expect((await json('POST', '/clock', { advanceMinutes: 1, set: '2025-06-11T00:00:00Z' })).status).toBe(400);
    expect((await json('POST', '/clock', {})).status).toBe(400);
  });
});

describe('the exchange log', () => {
  it('keeps every Nonce and Order call with its Messages decrypted and its HTTP status', async () => {
    const orderNo = await create(cardOrder());
    await sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, OrderNo: orderNo });
    const refused = await sb.client.send('OrderCreate', cardOrder(), { nonce: 'x' });
    expect(refused.status).toBe(200);

    const all = (await json('GET', '/exchanges')).body as Message[];
    expect(all.map((e) => e.service ?? e.endpoint)).toEqual(['Nonce', 'OrderCreate', 'Nonce', 'OrderQuery', 'OrderCreate']);
    const [, created] = all;
    expect(created).toMatchObject({
      endpoint: 'Order', service: 'OrderCreate', shopNo: TEST_SHOP.shopNo, httpStatus: 200,
      request: { OrderNo: orderNo, PayType: 'C' },
      answer: { OrderNo: orderNo, Status: 'S', CardParam: { CardPayURL: expect.stringContaining('/PayCard?') } },
    });
    expect(new Date(String(created!.at)).toISOString()).toBe(START.toISOString());
    // The unknown nonce is refused before the Message is opened: no request, an E3001 answer.
    expect(all[4]!.request).toBeUndefined();
    expect(resultCode(all[4]!.answer as Message)).toBe('E3001');

    const forOrder = (await json('GET', `/exchanges?orderNo=${orderNo}`)).body as Message[];
    expect(forOrder.map((e) => e.service)).toEqual(['OrderCreate', 'OrderQuery']);
    expect((await json('GET', '/exchanges?service=Nonce')).body).toHaveLength(2);
  });

  it('records refusals without an envelope, and forgets on reset', async () => {
    const refused = await sb.keyedClient.nonceRaw({ ShopNo: 'TS0002_001' }, { keyId: 'wrong' });
    expect(refused.status).toBe(401);
    const [nonce] = (await json('GET', '/exchanges')).body as Message[];
    expect(nonce).toMatchObject({ endpoint: 'Nonce', shopNo: 'TS0002_001', httpStatus: 401, answer: { Code: 'E0103' } });
    await json('PUT', '/faults', { unavailable: true });
    expect((await sb.client.send('OrderQuery', { ShopNo: TEST_SHOP.shopNo, OrderNo: 'X1' })).status).toBe(503);
    const last = ((await json('GET', '/exchanges?service=Order')).body as Message[]).at(-1);
    expect(last).toMatchObject({ endpoint: 'Order', httpStatus: 503, answer: 'Service Unavailable (sandbox fault unavailable)' });
    await json('POST', '/reset');
    expect((await json('GET', '/exchanges')).body).toEqual([]);
  });

  it('keeps only the latest calls, and fewer when their Messages are large', () => {
    const log = new ExchangeLog(2, 1_000);
    for (const id of [1, 2, 3]) log.record({ at: START, endpoint: 'Nonce', httpStatus: 200, durationMs: id });
    expect(log.list().map((e) => e.durationMs)).toEqual([2, 3]);
    log.record({ at: START, endpoint: 'Order', httpStatus: 200, durationMs: 4, answer: { OrderList: ['x'.repeat(600)] } });
    log.record({ at: START, endpoint: 'Order', httpStatus: 200, durationMs: 5, answer: { OrderList: ['y'.repeat(600)] } });
    expect(log.list().map((e) => e.durationMs)).toEqual([5]);
  });
});

describe('paying through the control API', () => {
  it('approves a card order and answers with what the ReturnURL and BackendURL are sent', async () => {
    const orderNo = await create(cardOrder({ BackendURL: receiver.url }));
    const paid = await json('POST', `/orders/${orderNo}/pay`, { outcome: 'approved' });
    expect(paid.status).toBe(200);
    const { payToken } = paid.body.payment;
    expect(paid.body.returnPost).toEqual({ url: 'http://127.0.0.1:9/shop/sinopac/return', fields: { ShopNo: TEST_SHOP.shopNo, PayToken: payToken } });
    expect(paid.body.notification).toMatchObject({ url: receiver.url, payToken, orderNo });
    const [received] = await receiver.waitFor(1);
    expect(received!.json).toEqual({ ShopNo: TEST_SHOP.shopNo, PayToken: payToken });
    const { message } = await sb.client.call('OrderPayQuery', { ShopNo: TEST_SHOP.shopNo, PayToken: payToken });
    expect(message.TSResultContent).toMatchObject({ Status: 'S', APType: 'PayOut', OrderNo: orderNo });
    expect(paid.body.tsResultContent).toEqual(message.TSResultContent);
  });

  it('declines a card order: the payment result says F, the link is used up, and the BackendURL is not notified', async () => {
    const orderNo = await create(cardOrder({ BackendURL: receiver.url }));
    const declined = await json('POST', `/orders/${orderNo}/pay`, { outcome: 'declined' });
    const { payToken } = declined.body.payment;
    expect(declined.body.payment.status).toBe('F');
    expect(declined.body.tsResultContent).toMatchObject({ Status: 'F', Description: expect.stringMatching(/^E2701 /) });
    // The shopper still returns with the PayToken (§5.2), but the bank notifies payments only (§5.1).
    expect(declined.body.returnPost).toEqual({ url: 'http://127.0.0.1:9/shop/sinopac/return', fields: { ShopNo: TEST_SHOP.shopNo, PayToken: payToken } });
    expect(declined.body.notification).toBeUndefined();
    expect((await json('GET', `/notifications?orderNo=${orderNo}`)).body).toEqual([]);
    expect((await json('POST', `/orders/${orderNo}/notify`)).status).toBe(409);
    const { message } = await sb.client.call('OrderPayQuery', { ShopNo: TEST_SHOP.shopNo, PayToken: payToken });
    expect(message.TSResultContent).toMatchObject({ Status: 'F' });
    expect((await json('POST', `/orders/${orderNo}/pay`, { outcome: 'approved' })).body.code).toBe('E2001');
    // Another order's payment, notified after it, is the only delivery the receiver gets.
    const paidNo = await create(atmOrder(sb.clock, { BackendURL: receiver.url }));
    const paid = await json('POST', `/orders/${paidNo}/pay`);
    const [only] = await receiver.waitFor(1);
    expect(only!.json).toEqual({ ShopNo: TEST_SHOP.shopNo, PayToken: paid.body.payment.payToken });
    expect((await json('GET', '/deliveries')).body.map((d: Message) => d.orderNo)).not.toContain(orderNo);
  });

  it('refuses an outcome for an ATM order', async () => {
    const orderNo = await create(atmOrder(sb.clock));
    const refused = await json('POST', `/orders/${orderNo}/pay`, { outcome: 'declined' });
    expect(refused).toMatchObject({ status: 400, body: { error: expect.stringContaining('ATM order') } });
    expect((await json('GET', `/orders/${orderNo}`)).body.payStatus).toBe('1A200');
  });
});

describe('notifications', () => {
  it('fires the waiting retry now and lists the notification with both deliveries', async () => {
    receiver.respondWith((_n, index) => (index === 0 ? { status: 500 } : { body: '{"Status":"S"}' }));
    const orderNo = await create(atmOrder(sb.clock, { BackendURL: receiver.url }));
    await json('POST', `/orders/${orderNo}/pay`);
    await receiver.waitFor(1);
    // The retry is scheduled once the first delivery's answer has been read.
    await vi.waitFor(async () => expect((await json('GET', `/deliveries?orderNo=${orderNo}`)).body).toHaveLength(1));
    expect((await json('POST', `/notifications/retry?orderNo=${orderNo}`)).body).toMatchObject([{ orderNo, attempts: 1 }]);
    await receiver.waitFor(2);
    const listed = await vi.waitFor(async () => {
      const [notification] = (await json('GET', `/notifications?orderNo=${orderNo}`)).body as Message[];
      expect(notification!.state).toBe('acknowledged');
      return notification!;
    });
    expect(listed.attempts).toBe(2);
    expect((listed.deliveries as Message[]).map((d) => d.outcome)).toEqual(['rejected', 'acknowledged']);
    expect((await json('POST', '/notifications/retry')).body).toEqual([]);
  });

  it('validates the filter', async () => {
    expect((await json('GET', '/notifications?orderNo=')).status).toBe(400);
    expect((await json('GET', '/notifications?colour=red')).status).toBe(400);
  });
});

describe('faults', () => {
  it('badSign: answers carry a Sign that does not verify, until cleared', async () => {
    await json('PUT', '/faults', { badSign: true });
    await expect(sb.client.call('OrderCreate', cardOrder())).rejects.toThrow(/Sign does not match/);
    const [, exchange] = (await json('GET', '/exchanges')).body as Message[];
    expect(exchange).toMatchObject({ service: 'OrderCreate', badSign: true });
    await json('PUT', '/faults', {});
    expect((await sb.client.call('OrderCreate', cardOrder())).message.Status).toBe('S');
  });

  it('answerDelayMs: calls are held back, until cleared', async () => {
    await json('PUT', '/faults', { answerDelayMs: 600_000 });
    await expect(sb.client.nonceRaw({ ShopNo: TEST_SHOP.shopNo }, { timeoutMs: 300 })).rejects.toThrow(/no answer within 300 ms/);
    await json('PUT', '/faults', {});
    expect((await sb.client.nonceRaw({ ShopNo: TEST_SHOP.shopNo })).status).toBe(200);
  });
});

describe('errors', () => {
  it('answer JSON with a message: unknown route, unknown order, a body that is not JSON', async () => {
    const route = await json('GET', '/nothing-here');
    expect(route).toMatchObject({ status: 404, body: { error: expect.stringContaining('/openapi.json') } });
    expect(await json('GET', '/orders/NOPE')).toMatchObject({ status: 404, body: { error: 'no order NOPE' } });
    expect(await json('PUT', '/faults', '{"duplicate":')).toMatchObject({ status: 400, body: { error: 'the request body is not valid JSON' } });
    const form = await fetch(`${sb.running.origin}/__sandbox/faults`, { method: 'PUT', body: new URLSearchParams({ duplicate: '2' }) });
    expect(form.status).toBe(415);
    expect(await form.json()).toEqual({ error: 'send the body as JSON, with content-type: application/json' });
    expect((await json('POST', '/reset')).status).toBe(204);
  });
});
