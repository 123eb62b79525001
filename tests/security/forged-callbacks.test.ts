// Forged bank callbacks must not turn into bank calls: a flood of made-up PayTokens from one address
// costs the shop at most a small budget of OrderPayQuery round trips, a token already found unknown
// is not asked about again, and with SINOPAC_CALLBACK_ALLOW set a notification from elsewhere costs
// nothing at all. A genuine payment still settles through it all.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { NOTIFY_PATH, RETURN_PATH } from '../../src/routes/payment-callbacks';
import { DEMO_SHOP } from '../../src/sandbox';
import { parseAllowList } from '../../src/web/callback-screening';
import { placeOrder } from '../payments/payment-flow-helpers';
import { eventually, startShopHarness, type ShopHarness } from '../support/shop-harness';

const BUDGET = 5;
const BANK_ADDRESSES = '203.0.113.0/24';
let shop: ShopHarness;

beforeAll(async () => {
  // The sandbox's own deliveries come from loopback, which the allow-list must let through too.
  shop = await startShopHarness({}, { callbackScreening: { allow: [BANK_ADDRESSES, '127.0.0.1'], unknownPerAddress: BUDGET } });
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
    const { payment } = await placeOrder(shop, 'A');

    // The sandbox delivers from its own address (loopback).
    shop.sandbox.sandbox.control.pay({ orderNo: payment.orderNo });

    await eventually(async () => (await shop.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status === 'paid');
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
