// OrderCreate prepared ahead (SinopacClient.prepareOrderCreate): its nonce is fetched when it is
// prepared, used by one call, and a failure to fetch it surfaces only in the call that uses it.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SinopacClient, type SinopacExchange } from '../../src/sinopac/client';
import type { HashKeys } from '../../src/sinopac/crypto';
import { SinopacTransportError } from '../../src/sinopac/errors';
import type { OrderCreateParams } from '../../src/sinopac/messages';
import { FakeBank } from '../support/fake-bank';

const SHOP_NO = 'NA0249_001';
const HASH_KEYS: HashKeys = {
  A1: randomBytes(8).toString('hex').toUpperCase(),
  A2: randomBytes(8).toString('hex').toUpperCase(),
  B1: randomBytes(8).toString('hex').toUpperCase(),
  B2: randomBytes(8).toString('hex').toUpperCase(),
};

const cardOrder = (orderNo: string): OrderCreateParams => ({
  OrderNo: orderNo,
  Amount: 129_900,
  PayType: 'C',
  PrdtName: '茶葉禮盒',
  ReturnURL: 'https://shop.example/return',
  CardParam: { AutoBilling: 'Y', ExpMinutes: 15 },
});

/** Waits for the fake bank to have been called, polling the event loop rather than sleeping a fixed time. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5000 ms');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('an OrderCreate prepared ahead', () => {
  let bank: FakeBank;
  let exchanges: SinopacExchange[];
  const client = () =>
    new SinopacClient({ apiUrl: bank.url, shopNo: SHOP_NO, hashKeys: HASH_KEYS, timeoutMs: 2_000, onExchange: (exchange) => exchanges.push(exchange) });
  const endpoints = () => bank.calls.map((call) => call.endpoint);

  beforeEach(async () => {
    bank = await FakeBank.start({ shopNo: SHOP_NO, hashKeys: HASH_KEYS });
    exchanges = [];
  });
  afterEach(() => bank.close());

  it('asks for its nonce at once and sends the order with it when told to', async () => {
    const prepared = client().prepareOrderCreate();
    await until(() => bank.calls.length === 1);
    expect(endpoints()).toEqual(['Nonce']);

    const answer = await prepared.send(cardOrder('C202405200101'));
    expect(answer.OrderNo).toBe('C202405200101');
    expect(endpoints()).toEqual(['Nonce', 'Order']);
    expect(bank.orders[0]).toMatchObject({ service: 'OrderCreate', signValid: true });
    expect(exchanges.map((exchange) => [exchange.service, exchange.outcome])).toEqual([['OrderCreate', 'ok']]);
  });

  it('uses its nonce once: sent again, it fetches another', async () => {
    const prepared = client().prepareOrderCreate();
    await prepared.send(cardOrder('C202405200102'));
    await prepared.send(cardOrder('C202405200103'));

    expect(endpoints()).toEqual(['Nonce', 'Order', 'Nonce', 'Order']);
    expect(new Set(bank.orders.map((order) => order.requestNonce)).size).toBe(2);
  });

  it('reports a nonce it could not get in the call that needed it, and not at all when never sent', async () => {
    bank.misbehaviour = { httpStatus: { endpoint: 'Nonce', status: 503 } };
    const c = client();
    // Never sent: its failed nonce must not become an unhandled rejection, which fails the run.
    c.prepareOrderCreate();
    const prepared = c.prepareOrderCreate();
    await until(() => bank.calls.length === 2);

    const error = await prepared.send(cardOrder('C202405200104')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinopacTransportError);
    expect(error).toMatchObject({ reason: 'http_status', endpoint: 'Nonce' });
    expect(endpoints()).toEqual(['Nonce', 'Nonce']);
    expect(exchanges.map((exchange) => [exchange.service, exchange.outcome, exchange.errorCode])).toEqual([['OrderCreate', 'transport_error', 'http_status']]);
  });
});
