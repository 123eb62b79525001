// Forged bank callbacks must not turn into bank calls: a flood of made-up PayTokens from one address
// (an IPv6 one by its /64) costs the shop at most a small budget of OrderPayQuery round trips, from
// many addresses at most the shop's budget, a token already found unknown is not asked about again,
// and with SINOPAC_CALLBACK_ALLOW set a notification from elsewhere costs nothing at all. A genuine
// payment still settles through it all, and its return costs no bank call once it was notified.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { NOTIFY_PATH, RETURN_PATH } from '../../src/routes/payment-callbacks';
import { DEMO_SHOP } from 'sinopac-sandbox';
import { createCallbackScreening } from '../../src/web/callback-screening';
import { parseAllowList } from '../../src/web/client-address';
import { payOnCardPage, placeOrder } from '../payments/payment-flow-helpers';
import { APPROVED_CARD } from '../../packages/sinopac-sandbox/test/support/card-page';
import { eventually, startShopHarness, type ShopHarness } from '../support/shop-harness';

const BUDGET = 5;
const SHOP_BUDGET = 12;
// The bank's addresses for these tests, one IPv6 network among them.
const BANK_ADDRESSES = '203.0.113.0/24';
const BANK_V6_ADDRESSES = '2001:db8:5::/48';
let shop: ShopHarness;

beforeAll(async () => {
  // The sandbox's own deliveries come from loopback, which the allow-list must let through too.
  shop = await startShopHarness({}, {
    callbackScreening: { allow: [BANK_ADDRESSES, BANK_V6_ADDRESSES, '127.0.0.1'], unknownPerAddress: BUDGET, unknownShopWide: SHOP_BUDGET },
  });
});
afterAll(() => shop.close());

const forged = () => randomBytes(32).toString('hex');

function notify(from: string, payToken: string) {
  // The app trusts its loopback proxy's X-Forwarded-For, as behind the shop's reverse proxy.
  return fetch(new URL(NOTIFY_PATH, shop.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ ShopNo: DEMO_SHOP.shopNo, PayToken: payToken }),
  });
}

function returnFrom(from: string, payToken: string) {
  return fetch(new URL(RETURN_PATH, shop.baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': from },
    body: new URLSearchParams({ ShopNo: DEMO_SHOP.shopNo, PayToken: payToken }).toString(),
  });
}

/** OrderPayQuery round trips the shop has made so far. */
async function bankLookups(): Promise<number> {
  await shop.audit.flush();
  return shop.db.gatewayExchange.count({ where: { service: 'OrderPayQuery' } });
}

describe('forged notifications', () => {
  it(`200 made-up PayTokens from one address cost ${BUDGET} bank calls; the other 195 are refused without one`, async () => {
    const before = await bankLookups();

    const answers = [];
    for (let i = 0; i < 200; i++) {
      const response = await notify('203.0.113.50', forged());
      answers.push(`${response.status} ${await response.text()}`);
    }

    expect(answers.slice(0, BUDGET)).toEqual(Array(BUDGET).fill('200 {"Status":"S"}'));
    expect(answers.slice(BUDGET)).toEqual(Array(200 - BUDGET).fill('429 {"Status":"F"}'));
    expect((await bankLookups()) - before).toBe(BUDGET);
  });

  it('the same forgeries sent together cannot overrun the budget', async () => {
    const before = await bankLookups();

    const statuses = await Promise.all(Array.from({ length: 50 }, () => notify('203.0.113.51', forged()).then((r) => r.status)));

    expect(statuses.filter((status) => status === 200)).toHaveLength(BUDGET);
    expect((await bankLookups()) - before).toBe(BUDGET);
  });

  it('a PayToken the bank did not know is not asked about again', async () => {
    const token = forged();
    const before = await bankLookups();

    for (let i = 0; i < 10; i++) expect((await notify('203.0.113.52', token)).status).toBe(200);
    expect((await returnFrom('198.51.100.52', token)).status).toBe(400);

    expect((await bankLookups()) - before).toBe(1);
    expect(await shop.db.payToken.count({ where: { token } })).toBe(1);
  });

  it('copies of one made-up PayToken sent together cost one bank call', async () => {
    const token = forged();
    const before = await bankLookups();

    const answers = await Promise.all(Array.from({ length: 20 }, () => notify('203.0.113.55', token).then((r) => r.status)));

    expect(answers).toEqual(Array(20).fill(200));
    expect((await bankLookups()) - before).toBe(1);
  });

  it('a notification from outside SINOPAC_CALLBACK_ALLOW is refused before it is recorded or asked about', async () => {
    const token = forged();
    const before = await bankLookups();

    const response = await notify('198.51.100.60', token);

    expect([response.status, await response.text()]).toEqual([403, '{"Status":"F"}']);
    expect(await shop.db.payToken.count({ where: { token } })).toBe(0);
    expect(await bankLookups()).toBe(before);
  });

  it('a token in a shape the bank never issues costs no bank call', async () => {
    const before = await bankLookups();

    const response = await notify('203.0.113.53', 'short');

    expect(response.status).toBe(400);
    expect(await bankLookups()).toBe(before);
  });

  it('a forger spends only its own address’s budget: the bank’s deliveries still settle a payment', async () => {
    for (let i = 0; i <= BUDGET; i++) await notify('203.0.113.54', forged());
    expect((await notify('203.0.113.54', forged())).status).toBe(429);
    const { payment } = await placeOrder(shop, 'atm');

    // The sandbox delivers from its own address (loopback).
    shop.sandbox.sandbox.control.pay({ orderNo: payment.orderNo });

    await eventually(async () => (await shop.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status === 'paid');
  });
});

describe('genuine notifications', () => {
  it(`settle past the budget of their address: each gives its charge back once the bank knew its token`, async () => {
    // The sandbox delivers from loopback, whose budget is BUDGET lookups; twice as many payments, one after another.
    for (let i = 0; i < 2 * BUDGET; i++) {
      const { payment } = await placeOrder(shop, 'atm');
      shop.sandbox.sandbox.control.pay({ orderNo: payment.orderNo });
      await eventually(async () => (await shop.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status === 'paid');
    }
  });

  it('gives back every charge of genuine tokens looked up at once, by several processes', async () => {
    await shop.db.$executeRaw`DELETE FROM "RateLimitCounter" WHERE "key" LIKE 'unknown-paytoken:%'`;
    const processes = [createCallbackScreening(shop.db, { unknownShopWide: 1000, unknownPerAddress: 1000 }), createCallbackScreening(shop.db, { unknownShopWide: 1000, unknownPerAddress: 1000 })];
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const screened = await processes[i % 2]!.notification(`192.0.2.${i % 7}`, forged());
        if (screened.verdict !== 'pass') throw new Error(screened.verdict);
        expect(await screened.askBank()).toBe(true);
        screened.settle('applied');
      }),
    );
    await eventually(async () => {
      const counts = await shop.db.rateLimitCounter.findMany({ where: { key: { startsWith: 'unknown-paytoken:' } } });
      return counts.length === 8 && counts.every((count) => count.hits === 0);
    });
  });
});

describe('forged tokens spread over many addresses', () => {
  it(`from 40 addresses of one /64 and 30 outside addresses cost at most the budgets' bank calls; genuine payments still settle and return`, async () => {
    const before = await bankLookups();

    // 40 notifications, each from another address of one /64 inside the allowed block: one client.
    const fromOneNetwork = await Promise.all(
      Array.from({ length: 40 }, (_, i) => notify(`2001:db8:5:7::${(i + 1).toString(16)}`, forged()).then((r) => r.status)),
    );
    expect(fromOneNetwork.filter((status) => status === 200)).toHaveLength(BUDGET);
    expect(fromOneNetwork.filter((status) => status === 429)).toHaveLength(40 - BUDGET);
    expect((await bankLookups()) - before).toBe(BUDGET);

    // 30 returns, each from its own address: every address has budget left, the shop's runs out.
    const returns = [];
    for (let i = 0; i < 30; i++) {
      const response = await returnFrom(`198.51.100.${100 + i}`, forged());
      returns.push(`${response.status} ${response.headers.get('location') ?? ''}`);
    }
    expect(returns.filter((answer) => answer.startsWith('400'))).toHaveLength(SHOP_BUDGET);
    // A return past the budget is a shopper as far as the shop can tell: the confirming page, not an error.
    expect(returns.filter((answer) => answer === '303 /payments/confirming')).toHaveLength(30 - SHOP_BUDGET);
    expect((await bankLookups()) - before).toBe(BUDGET + SHOP_BUDGET);

    // Both budgets spent: a genuine card payment still settles by its notification (the bank's
    // addresses spend no shop budget), and its return is answered from the PayToken log.
    const { payment } = await placeOrder(shop, 'card');
    const form = await payOnCardPage(payment, APPROVED_CARD);
    await eventually(async () => (await shop.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status === 'paid');
    const lookupsBeforeReturn = await bankLookups();
    const genuineReturn = await returnFrom('198.51.100.200', form.fields.PayToken!);
    expect([genuineReturn.status, genuineReturn.headers.get('location')]).toEqual([303, `/orders/${payment.orderId}/result`]);
    expect(await bankLookups()).toBe(lookupsBeforeReturn);
  });

  it('is one budget for every process of the shop, kept in the database', async () => {
    // A new window (the test before spent the shop's budget), and two screenings on one database, as
    // two processes have; no allow-list, so notifications spend the shop's budget.
    await shop.db.$executeRaw`DELETE FROM "RateLimitCounter" WHERE "key" LIKE 'unknown-paytoken:%'`;
    const processes = [createCallbackScreening(shop.db, { unknownShopWide: 3, unknownPerAddress: 100 }), createCallbackScreening(shop.db, { unknownShopWide: 3, unknownPerAddress: 100 })];
    const asked: boolean[] = [];
    for (let i = 0; i < 8; i++) {
      const screened = await processes[i % 2]!.notification(`192.0.2.${i}`, forged());
      if (screened.verdict !== 'pass') throw new Error(screened.verdict);
      asked.push(await screened.askBank());
      screened.settle('unknown');
    }
    expect(asked).toEqual([true, true, true, false, false, false, false, false]);
  });
});

describe('SINOPAC_CALLBACK_ALLOW', () => {
  it('reads addresses and CIDR blocks of both families', () => {
    const list = parseAllowList(['203.0.113.0/24', '2001:db8::/32', '198.51.100.7']);
    expect(list.check('203.0.113.200', 'ipv4')).toBe(true);
    expect(list.check('198.51.100.7', 'ipv4')).toBe(true);
    expect(list.check('198.51.100.8', 'ipv4')).toBe(false);
    expect(list.check('2001:db8::1', 'ipv6')).toBe(true);
    expect(loadConfig({ SINOPAC_CALLBACK_ALLOW: '203.0.113.0/24, 198.51.100.7' }).callbackAllow).toEqual(['203.0.113.0/24', '198.51.100.7']);
    expect(loadConfig({}).callbackAllow).toEqual([]);
  });

  it('refuses at start-up an entry that is not an address or block, naming the variable', () => {
    expect(() => loadConfig({ SINOPAC_CALLBACK_ALLOW: '203.0.113.0/33' })).toThrow(ConfigError);
    expect(() => loadConfig({ SINOPAC_CALLBACK_ALLOW: 'bank.example' })).toThrow(/SINOPAC_CALLBACK_ALLOW/);
  });
});
