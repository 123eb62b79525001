import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message } from './support/sandbox-client';
import { getPage } from './support/card-page';
import { startReceiver, type Receiver } from './support/sandbox-receiver';
import { atmOrder, newOrderNo, startTestSandbox, TEST_SHOP, type TestSandbox } from './support/sandbox-harness';

const AUTO_PAY_MS = 60;
let sb: TestSandbox | undefined;
let receiver: Receiver | undefined;

// The sandbox's delayed tasks (auto-pay) run on setTimeout, which these tests drive by hand; its
// HTTP runs on Node's own timers and is left alone.
const driveTimers = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

afterEach(async () => {
  vi.useRealTimers();
  await sb?.close();
  await receiver?.close();
  sb = undefined;
  receiver = undefined;
});

async function create(s: TestSandbox, overrides: Message = {}): Promise<{ orderNo: string; reply: Message }> {
  const request = atmOrder(s.clock, overrides);
  const { message } = await s.client.call('OrderCreate', request);
  expect(message.Status).toBe('S');
  return { orderNo: String(request.OrderNo), reply: message };
}

const payStatus = (s: TestSandbox, orderNo: string) => s.running.sandbox.control.order({ orderNo }).payStatus;

describe('ATM orders', () => {
  it('are paid automatically after the delay and notify the BackendURL', async () => {
    receiver = await startReceiver();
    sb = await startTestSandbox({ atmAutoPayDelayMs: AUTO_PAY_MS });
    const { orderNo } = await create(sb, { BackendURL: receiver.url });
    expect(payStatus(sb, orderNo)).toBe('1A200');
    const [notification] = await receiver.waitFor(1);
    expect(payStatus(sb, orderNo)).toBe('1A400');
    const { PayToken } = notification!.json as { PayToken: string };
    const { message } = await sb.client.call('OrderPayQuery', { ShopNo: TEST_SHOP.shopNo, PayToken });
    expect(message.TSResultContent).toMatchObject({ APType: 'PayOut', Status: 'S', OrderNo: orderNo, Amount: '50000' });
  });

  it('are never paid automatically when the OrderNo ends in 9, or when auto-pay is off', async () => {
    driveTimers();
    sb = await startTestSandbox({ atmAutoPayDelayMs: AUTO_PAY_MS });
    const { orderNo: endsIn9 } = await create(sb, { OrderNo: `${newOrderNo()}9` });
    const { orderNo: control } = await create(sb);
    await vi.advanceTimersByTimeAsync(AUTO_PAY_MS * 3);
    expect(payStatus(sb, control)).toBe('1A400');
    expect(payStatus(sb, endsIn9)).toBe('1A200');
    // ...but the console can still pay it.
    sb.running.sandbox.control.pay({ orderNo: endsIn9 });
    expect(payStatus(sb, endsIn9)).toBe('1A400');

    await sb.close();
    sb = await startTestSandbox({ atmAutoPayDelayMs: null });
    const { orderNo } = await create(sb);
    await vi.advanceTimersByTimeAsync(AUTO_PAY_MS * 3);
    expect(payStatus(sb, orderNo)).toBe('1A200');
  });

  it('expire after the end of their ExpireDate in Taipei (1A250) and are then never auto-paid', async () => {
    driveTimers();
    sb = await startTestSandbox({ atmAutoPayDelayMs: 400 });
    const { orderNo } = await create(sb, { ATMParam: { ExpireDate: '20250611' } });
    // 2025-06-11 23:59 Taipei is 15:59 UTC.
    sb.clock.set(new Date('2025-06-11T15:59:59Z'));
    expect(payStatus(sb, orderNo)).toBe('1A200');
    sb.clock.set(new Date('2025-06-11T16:00:00Z'));
    const { message } = await sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, PayType: 'A', PayFlag: 'O' });
    expect((message.OrderList as Message[]).map((o) => [o.OrderNo, o.PayStatus])).toEqual([[orderNo, '1A250']]);
    await vi.advanceTimersByTimeAsync(500);
    expect(payStatus(sb, orderNo)).toBe('1A250');
  });

  it('show the virtual account on the WebATM and OTP pages', async () => {
    sb = await startTestSandbox();
    const { reply } = await create(sb);
    const atm = reply.ATMParam as Message;
    for (const url of [atm.WebAtmURL, atm.OtpURL]) {
      const page = await getPage(String(url));
      expect(page.status).toBe(200);
      expect(page.text).toContain(String(atm.AtmPayNo));
      expect(page.text).toContain('NT$ 500');
    }
  });
});
