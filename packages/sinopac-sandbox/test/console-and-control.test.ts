import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { postRaw, resultCode, type Message } from './support/sandbox-client';
import { getPage } from './support/card-page';
import { startReceiver, type Receiver } from './support/sandbox-receiver';
import { atmOrder, cardOrder, startTestSandbox, TEST_SHOP, type TestSandbox } from './support/sandbox-harness';

let sb: TestSandbox;
let receiver: Receiver;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb.close());
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(async () => {
  await fetch(`${sb.running.origin}/__sandbox/reset`, { method: 'POST' });
  await receiver.close();
});

const api = (path: string) => `${sb.running.origin}/__sandbox${path}`;

async function json(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(api(path), {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function create(message: Message): Promise<string> {
  expect((await sb.client.call('OrderCreate', message)).message.Status).toBe('S');
  return String(message.OrderNo);
}

/** Presses a console button: POSTs its form like a browser and follows the 303 back to the console. */
async function press(orderNo: string, action: string): Promise<{ location: string; page: string }> {
  const consolePage = await getPage(`${sb.running.origin}/console`);
  const form = new RegExp(`<form method="post" action="([^"]*/${orderNo}/${action})"`).exec(consolePage.text);
  expect(form, `${action} button for ${orderNo}`).not.toBeNull();
  const response = await fetch(new URL(form![1]!, sb.running.origin), { method: 'POST', redirect: 'manual' });
  expect(response.status).toBe(303);
  const location = response.headers.get('location')!;
  return { location, page: (await getPage(new URL(location, sb.running.origin).toString())).text };
}

describe('console page', () => {
  it('lists orders with PayType, amount, PayStatus and notification deliveries', async () => {
    const atm = await create(atmOrder(sb.clock, { BackendURL: receiver.url }));
    const card = await create(cardOrder());
    sb.running.sandbox.control.pay({ orderNo: atm });
    await receiver.waitFor(1);
    const page = await getPage(`${sb.running.origin}/console`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('SinoPac 模擬器主控台');
    const rowOf = (orderNo: string) => new RegExp(`<tr data-order-no="${orderNo}">[\\s\\S]*?</tr>`).exec(page.text)![0];
    expect(rowOf(atm)).toContain('ATM');
    expect(rowOf(atm)).toContain('NT$ 500');
    expect(rowOf(atm)).toContain('1A400');
    expect(rowOf(atm)).toMatch(/第 1 次：(acknowledged|rejected)/);
    expect(rowOf(card)).toContain('信用卡');
    expect(rowOf(card)).toContain('NT$ 1,299');
    expect(rowOf(card)).toContain('1C200');
    expect(rowOf(card)).toContain('data-action="expire"');
    expect(rowOf(card)).not.toContain('data-action="pay"');
  });

  it('pays an ATM order now, expires another, and re-sends a notification', async () => {
    const paid = await create(atmOrder(sb.clock, { BackendURL: receiver.url }));
    const expired = await create(atmOrder(sb.clock));

    const afterPay = await press(paid, 'pay');
    expect(afterPay.location).toMatch(/^\/console\?notice=/);
    expect(sb.running.sandbox.control.order({ orderNo: paid }).payStatus).toBe('1A400');
    const [first] = await receiver.waitFor(1);

    await press(expired, 'expire');
    expect(sb.running.sandbox.control.order({ orderNo: expired }).payStatus).toBe('1A250');

    const afterNotify = await press(paid, 'notify');
    expect(afterNotify.page).toContain('重送通知完成');
    const [, second] = await receiver.waitFor(2);
    expect(second!.json).toEqual(first!.json);
  });

  it('offers no re-send for a declined card, which the bank never notifies', async () => {
    const declined = await create(cardOrder({ BackendURL: receiver.url }));
    sb.running.sandbox.control.pay({ orderNo: declined }, 'declined');
    const page = await getPage(`${sb.running.origin}/console`);
    const row = new RegExp(`<tr data-order-no="${declined}">[\\s\\S]*?</tr>`).exec(page.text)![0];
    expect(row).not.toContain('data-action="notify"');
    expect(row).toContain('<td data-label="通知">—</td>');
  });

  it('shows expiries that fell due since the last look', async () => {
    const orderNo = await create(cardOrder({ CardParam: { AutoBilling: 'Y', ExpMinutes: 1 } }));
    sb.clock.advance(60_000);
    const listed = await json('GET', '/orders');
    expect(listed.body.find((o: Message) => o.orderNo === orderNo).payStatus).toBe('1C250');
    sb.clock.advance(-60_000);
  });

  it('reports a refused action on the page instead of failing', async () => {
    const orderNo = await create(atmOrder(sb.clock));
    const pay = await fetch(`${sb.running.origin}/console/orders/${TEST_SHOP.shopNo}/${orderNo}/pay`, { method: 'POST', redirect: 'manual' });
    expect(pay.status).toBe(303);
    const again = await fetch(`${sb.running.origin}/console/orders/${TEST_SHOP.shopNo}/${orderNo}/pay`, { method: 'POST', redirect: 'manual' });
    expect(again.headers.get('location')).toMatch(/^\/console\?error=/);
    const page = await getPage(new URL(again.headers.get('location')!, sb.running.origin).toString());
    expect(page.text).toContain('E2001');
  });
});

describe('control API', () => {
  it('lists and shows orders, pays card orders approved or declined, and lists deliveries', async () => {
    const approved = await create(cardOrder({ BackendURL: receiver.url }));
    const declined = await create(cardOrder());
    const list = await json('GET', '/orders');
    expect(list.body.map((o: Message) => o.orderNo).sort()).toEqual([approved, declined].sort());

    const paid = await json('POST', `/orders/${approved}/pay`, {});
    expect(paid.status).toBe(200);
    expect(paid.body.payment).toMatchObject({ status: 'S', apType: 'PayOut' });
    expect(paid.body.order).toMatchObject({ payStatus: '1C400', card: { leftCCNo: '499937', rightCCNo: '3145' } });
    const refused = await json('POST', `/orders/${declined}/pay`, { outcome: 'declined' });
    expect(refused.body.payment.status).toBe('F');
    expect((await json('GET', `/orders/${declined}`)).body.payStatus).toBe('1C200');

    await receiver.waitFor(1);
    const deliveries = await json('GET', `/deliveries?orderNo=${approved}`);
    expect(deliveries.body).toHaveLength(1);
    expect(deliveries.body[0]).toMatchObject({ orderNo: approved, attempt: 1, payToken: paid.body.payment.payToken });
  });

  it('answers unknown orders with 404, refused actions with 409 and bad bodies with 400', async () => {
    expect((await json('POST', '/orders/NOPE/pay', {})).status).toBe(404);
    const orderNo = await create(atmOrder(sb.clock));
    expect((await json('POST', `/orders/${orderNo}/notify`)).status).toBe(409);
    await json('POST', `/orders/${orderNo}/expire`);
    const payExpired = await json('POST', `/orders/${orderNo}/pay`, {});
    expect(payExpired).toMatchObject({ status: 409, body: { code: 'E2001' } });
    expect((await json('PUT', '/faults', { noSuchFault: 1 })).status).toBe(400);
    expect((await json('PUT', '/faults', { dropFirst: -1 })).status).toBe(400);
  });

  it('sets instance-wide faults and forgets everything on reset', async () => {
    expect((await json('PUT', '/faults', { duplicate: 2, outOfOrder: true })).body).toEqual({ duplicate: 2, outOfOrder: true });
    expect((await json('GET', '/faults')).body).toEqual({ duplicate: 2, outOfOrder: true });
    await create(atmOrder(sb.clock));
    expect((await fetch(api('/reset'), { method: 'POST' })).status).toBe(204);
    expect((await json('GET', '/faults')).body).toEqual({});
    expect((await json('GET', '/orders')).body).toEqual([]);
  });
});

describe('OrderPayQuery and amount faults', () => {
  async function paidCard(): Promise<{ orderNo: string; payToken: string }> {
    const orderNo = await create(cardOrder());
    return { orderNo, payToken: sb.running.sandbox.control.pay({ orderNo }).payToken };
  }

  const payQuery = (payToken: string, timeoutMs?: number) =>
    sb.client.send('OrderPayQuery', { ShopNo: TEST_SHOP.shopNo, PayToken: payToken }, timeoutMs === undefined ? {} : { timeoutMs });

  it('payQueryFail K: the next K OrderPayQuery calls for the order answer HTTP 500', async () => {
    const { orderNo, payToken } = await paidCard();
    expect((await json('PUT', `/orders/${orderNo}/faults`, { payQueryFail: 2 })).body.faults).toEqual({ payQueryFail: 2 });
    expect((await payQuery(payToken)).status).toBe(500);
    expect((await payQuery(payToken)).status).toBe(500);
    const third = await payQuery(payToken);
    expect(third.status).toBe(200);
    expect(sb.client.open(JSON.parse(third.text)).message.Status).toBe('S');
  });

  it('payQueryHang K: the next K calls never answer, and closing the sandbox does not wait for them', async () => {
    const { orderNo, payToken } = await paidCard();
    await json('PUT', `/orders/${orderNo}/faults`, { payQueryHang: 1 });
    await expect(payQuery(payToken, 300)).rejects.toThrow(/no answer within 300 ms/);
    expect((await payQuery(payToken, 2_000)).status).toBe(200);

    const other = await startTestSandbox();
    const otherOrder = cardOrder();
    await other.client.call('OrderCreate', otherOrder);
    const token = other.running.sandbox.control.pay({ orderNo: String(otherOrder.OrderNo) }).payToken;
    other.running.sandbox.control.setFaults({ payQueryHang: 1 });
    const hanging = other.client.send('OrderPayQuery', { ShopNo: TEST_SHOP.shopNo, PayToken: token });
    hanging.catch(() => {});
    // The sandbox holds the query once it has taken the fault.
    await vi.waitFor(() => expect(other.running.sandbox.control.faults().payQueryHang).toBe(0));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(hanging).rejects.toThrow();
  });

  it('instance-wide payQueryFail applies to any order', async () => {
    const { payToken } = await paidCard();
    await json('PUT', '/faults', { payQueryFail: 1 });
    expect((await payQuery(payToken)).status).toBe(500);
    expect((await payQuery(payToken)).status).toBe(200);
    expect((await json('GET', '/faults')).body).toEqual({ payQueryFail: 0 });
  });

  it('wrongAmount D: OrderPayQuery and OrderQuery report the amount plus D', async () => {
    const { orderNo, payToken } = await paidCard();
    await json('PUT', `/orders/${orderNo}/faults`, { wrongAmount: 100 });
    const content = (await sb.client.call('OrderPayQuery', { ShopNo: TEST_SHOP.shopNo, PayToken: payToken })).message.TSResultContent as Message;
    expect(content.Amount).toBe('130000');
    const { message } = await sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, OrderNo: orderNo });
    expect((message.OrderList as Message[])[0]!.Amount).toBe(130000);
    expect(resultCode(message)).toBe('S0000');
  });
});

describe('unknown paths', () => {
  it('answer 404 JSON', async () => {
    const reply = await postRaw(`${sb.running.origin}/funBIZ/QPay.WebAPI/api/Refund`, '{}');
    expect(reply.status).toBe(404);
  });
});
