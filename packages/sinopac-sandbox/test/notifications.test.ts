import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StartSandboxOptions } from '../src/server';
import { startReceiver, type Receiver, type Responder } from './support/sandbox-receiver';
import { atmOrder, startTestSandbox, TEST_SHOP, type TestSandbox } from './support/sandbox-harness';

const INTERVAL = 40;
const ADVANCE_MS = 20;
let sb: TestSandbox | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
  vi.useRealTimers();
  await sb?.close();
  await receiver?.close();
  sb = undefined;
  receiver = undefined;
});

async function setUp(responder?: Responder, options: Partial<StartSandboxOptions> = {}): Promise<{ sb: TestSandbox; receiver: Receiver }> {
  // The sandbox's retries run on setTimeout. Its time passes as the wall clock's, and a test that
  // checks nothing more is sent jumps it forward instead of waiting. (HTTP runs on Node's own timers.)
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true, advanceTimeDelta: ADVANCE_MS });
  receiver = await startReceiver(responder);
  sb = await startTestSandbox({ notifyIntervalMs: INTERVAL, ...options });
  return { sb, receiver };
}

/** Creates an ATM order notifying `url` and pays it, which starts a notification. */
async function paidOrder(s: TestSandbox, url: string): Promise<{ orderNo: string; payToken: string }> {
  const request = atmOrder(s.clock, { BackendURL: url });
  expect((await s.client.call('OrderCreate', request)).message.Status).toBe('S');
  const orderNo = String(request.OrderNo);
  return { orderNo, payToken: s.running.sandbox.control.pay({ orderNo }).payToken };
}

const notificationsOf = (s: TestSandbox, orderNo: string) => s.running.sandbox.control.order({ orderNo }).notifications;

const until = (condition: () => boolean, timeout = 3_000) =>
  vi.waitFor(() => {
    if (!condition()) throw new Error('condition not met in time');
  }, { timeout, interval: 10 });

describe('BackendURL notifications', () => {
  it('retries every interval until the answer is exactly {"Status":"S"}, then stops', async () => {
    const answers = [
      { status: 500, body: 'oops' },
      { body: '{"Status":"F"}' },
      { body: '{"Status":"S","Message":"ok"}' },
      { status: 503, body: '{"Status":"S"}' },
      { body: ' { "Status" : "S" } ' },
    ];
    const { sb, receiver } = await setUp((_r, i) => answers[i] ?? { body: '{"Status":"S"}' }, { maxDeliveries: 6 });
    const { orderNo, payToken } = await paidOrder(sb, receiver.url);
    const received = await receiver.waitFor(5);
    expect(received.map((r) => r.json)).toEqual(Array(5).fill({ ShopNo: TEST_SHOP.shopNo, PayToken: payToken }));
    // The retries wait on the faked clock, which follows real time in steps of ADVANCE_MS, so a gap
    // seen in real time may fall short of the interval by up to a step; a retry sent at once would not.
    for (let i = 1; i < 5; i++) expect(received[i]!.at - received[i - 1]!.at).toBeGreaterThanOrEqual(INTERVAL - ADVANCE_MS - 5);
    await until(() => notificationsOf(sb, orderNo)[0]?.state === 'acknowledged');
    const [notification] = notificationsOf(sb, orderNo);
    expect(notification!.deliveries.map((d) => [d.attempt, d.statusCode, d.outcome])).toEqual([
      [1, 500, 'rejected'], [2, 200, 'rejected'], [3, 200, 'rejected'], [4, 503, 'rejected'], [5, 200, 'acknowledged'],
    ]);
    expect(notification!.deliveries[0]!.body).toBe('oops');
    // Any retry still due would start, and count an attempt, within these.
    await vi.advanceTimersByTimeAsync(INTERVAL * 3);
    expect(notificationsOf(sb, orderNo)[0]!.attempts).toBe(5);
    expect(receiver.received).toHaveLength(5);
  });

  it('gives up after maxDeliveries deliveries in total (5 by default) and records it', async () => {
    const { sb, receiver } = await setUp(() => ({ status: 500 }));
    const { orderNo } = await paidOrder(sb, receiver.url);
    await receiver.waitFor(5);
    await until(() => notificationsOf(sb, orderNo)[0]?.state === 'gave-up');
    await vi.advanceTimersByTimeAsync(INTERVAL * 3);
    expect(receiver.received).toHaveLength(5);
    expect(notificationsOf(sb, orderNo)[0]).toMatchObject({ state: 'gave-up', attempts: 5 });
    expect(sb.logger.lines.some((line) => line.includes('given up after 5 attempts'))).toBe(true);
  });

  it('counts a slow answer as a timeout and an unreachable URL as an error', async () => {
    const { sb, receiver } = await setUp((_r, i) => (i === 0 ? { delayMs: 1_000, body: '{"Status":"S"}' } : { body: '{"Status":"S"}' }),
      { notifyTimeoutMs: 250 });
    const slow = await paidOrder(sb, receiver.url);
    await until(() => notificationsOf(sb, slow.orderNo)[0]?.state === 'acknowledged');
    expect(notificationsOf(sb, slow.orderNo)[0]!.deliveries.map((d) => d.outcome)).toEqual(['timeout', 'acknowledged']);

    const closed = await startReceiver();
    const unreachableUrl = closed.url;
    await closed.close();
    const unreachable = await paidOrder(sb, unreachableUrl);
    await until(() => notificationsOf(sb, unreachable.orderNo)[0]?.state === 'gave-up');
    const deliveries = notificationsOf(sb, unreachable.orderNo)[0]!.deliveries;
    expect(deliveries.map((d) => d.outcome)).toEqual(Array(5).fill('error'));
    expect(deliveries[0]!.error).toBe('ECONNREFUSED');
  });

  it('re-sends the latest payment result on request', async () => {
    const { sb, receiver } = await setUp();
    const { orderNo, payToken } = await paidOrder(sb, receiver.url);
    await receiver.waitFor(1);
    const again = sb.running.sandbox.control.resendNotification({ orderNo });
    expect(again.payToken).toBe(payToken);
    const received = await receiver.waitFor(2);
    expect(received[1]!.json).toEqual({ ShopNo: TEST_SHOP.shopNo, PayToken: payToken });
    await until(() => notificationsOf(sb, orderNo).every((n) => n.state === 'acknowledged'));
    expect(notificationsOf(sb, orderNo)).toHaveLength(2);
  });

  it('stops pending retries when the sandbox closes', async () => {
    const { sb, receiver } = await setUp(() => ({ status: 500 }), { notifyIntervalMs: 100 });
    const { orderNo } = await paidOrder(sb, receiver.url);
    await receiver.waitFor(1);
    await until(() => notificationsOf(sb, orderNo)[0]?.deliveries?.length === 1);
    await sb.close();
    await vi.advanceTimersByTimeAsync(300);
    expect(notificationsOf(sb, orderNo)[0]).toMatchObject({ state: 'cancelled', attempts: 1 });
    expect(receiver.received).toHaveLength(1);
  });
});

describe('notification faults', () => {
  it('dropFirst K: the first K attempts are not sent but count as failed', async () => {
    const { sb, receiver } = await setUp(undefined, { faults: { dropFirst: 2 } });
    const { orderNo } = await paidOrder(sb, receiver.url);
    await until(() => notificationsOf(sb, orderNo)[0]?.state === 'acknowledged');
    expect(receiver.received).toHaveLength(1);
    expect(notificationsOf(sb, orderNo)[0]!.deliveries.map((d) => [d.attempt, d.outcome]))
      .toEqual([[1, 'dropped'], [2, 'dropped'], [3, 'acknowledged']]);
  });

  it('dropFirst beyond maxDeliveries: nothing is ever sent and the notification is given up', async () => {
    const { sb, receiver } = await setUp(undefined, { faults: { dropFirst: 10 }, maxDeliveries: 3 });
    const { orderNo } = await paidOrder(sb, receiver.url);
    await until(() => notificationsOf(sb, orderNo)[0]?.state === 'gave-up');
    expect(receiver.received).toHaveLength(0);
  });

  it('duplicate N: every attempt is sent N extra times concurrently', async () => {
    const { sb, receiver } = await setUp(undefined, { faults: { duplicate: 2 } });
    const { orderNo, payToken } = await paidOrder(sb, receiver.url);
    const received = await receiver.waitFor(3);
    expect(received.map((r) => (r.json as { PayToken: string }).PayToken)).toEqual([payToken, payToken, payToken]);
    await until(() => notificationsOf(sb, orderNo)[0]?.deliveries.length === 3);
    // All three belong to the first attempt: sent together, not as retries.
    expect(notificationsOf(sb, orderNo)[0]!.deliveries.map((d) => [d.attempt, d.copy]).sort())
      .toEqual([[1, 0], [1, 1], [1, 2]]);
    await vi.advanceTimersByTimeAsync(INTERVAL * 2);
    expect(notificationsOf(sb, orderNo)[0]!.attempts).toBe(1);
    expect(receiver.received).toHaveLength(3);
  });

  it('outOfOrder: notifications pending together are delivered newest first', async () => {
    const { sb, receiver } = await setUp(undefined, { faults: { outOfOrder: true }, outOfOrderWindowMs: 100 });
    const first = await paidOrder(sb, receiver.url);
    const second = await paidOrder(sb, receiver.url);
    const third = await paidOrder(sb, receiver.url);
    const received = await receiver.waitFor(3);
    expect(received.map((r) => (r.json as { PayToken: string }).PayToken)).toEqual([third.payToken, second.payToken, first.payToken]);
  });

  it('delayMs: each delivery waits before it is sent', async () => {
    const { sb, receiver } = await setUp(undefined, { faults: { delayMs: 150 } });
    const started = Date.now();
    await paidOrder(sb, receiver.url);
    const [delivered] = await receiver.waitFor(1);
    expect(delivered!.at - started).toBeGreaterThanOrEqual(150 - ADVANCE_MS - 5);
  });

  it("an order's own faults override the instance-wide ones, key by key", async () => {
    const { sb, receiver } = await setUp(undefined, { faults: { dropFirst: 1, duplicate: 1 } });
    const request = atmOrder(sb.clock, { BackendURL: receiver.url });
    await sb.client.call('OrderCreate', request);
    const orderNo = String(request.OrderNo);
    sb.running.sandbox.control.setOrderFaults({ orderNo }, { dropFirst: 0 });
    sb.running.sandbox.control.pay({ orderNo });
    await until(() => notificationsOf(sb, orderNo)[0]?.state === 'acknowledged');
    expect(notificationsOf(sb, orderNo)[0]!.deliveries.map((d) => [d.attempt, d.outcome]))
      .toEqual([[1, 'acknowledged'], [1, 'acknowledged']]);
  });
});
