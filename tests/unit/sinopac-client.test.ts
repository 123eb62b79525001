import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpTransport, SinopacClient, type SinopacClientOptions, type SinopacExchange, type SinopacTransport } from '../../src/sinopac/client';
import { encryptMessage, hashId, ivFromNonce, type HashKeys } from '../../src/sinopac/crypto';
import {
  SinopacBusinessError,
  SinopacError,
  SinopacProtocolError,
  SinopacRequestError,
  SinopacTransportError,
} from '../../src/sinopac/errors';
import type { OrderCreateParams } from '../../src/sinopac/messages';
// The fake bank, not the sandbox: tampered envelopes, a Sign over another message, the wrong IV,
// raw bodies and every call's headers are below what the sandbox can be asked to say.
import { FakeBank } from '../support/fake-bank';

const SHOP_NO = 'NA0249_001';
const KEY_ID = 'b5e6986d-8636-4aa0-8c93-441ad14b2098';
// Fresh keys per run, so a leak cannot hide behind a fixture value that happens to be printed elsewhere.
const HASH_KEYS: HashKeys = {
  A1: randomBytes(8).toString('hex').toUpperCase(),
  A2: randomBytes(8).toString('hex').toUpperCase(),
  B1: randomBytes(8).toString('hex').toUpperCase(),
  B2: randomBytes(8).toString('hex').toUpperCase(),
};
const HASH_ID = hashId(HASH_KEYS);

const atmOrder = (orderNo: string): OrderCreateParams => ({
  OrderNo: orderNo,
  Amount: 50_000,
  PayType: 'A',
  PrdtName: '虛擬帳號訂單',
  ReturnURL: 'https://shop.example/return',
  BackendURL: 'https://shop.example/sinopac/notify',
  ATMParam: { ExpireDate: '20991231' },
});

const cardOrder = (orderNo: string): OrderCreateParams => ({
  OrderNo: orderNo,
  Amount: 129_900,
  PayType: 'C',
  PrdtName: '茶葉禮盒',
  ReturnURL: 'https://shop.example/return',
  CardParam: { AutoBilling: 'Y', ExpMinutes: 15 },
});

async function failure(promise: Promise<unknown>): Promise<SinopacError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof SinopacError)) throw new Error(`expected a SinopacError, got ${String(outcome)}`);
  return outcome;
}

describe('SinopacClient against a fake bank over HTTP', () => {
  let bank: FakeBank;
  let exchanges: SinopacExchange[];

  const client = (options: Partial<SinopacClientOptions> = {}) =>
    new SinopacClient({
      apiUrl: bank.url,
      shopNo: SHOP_NO,
      hashKeys: HASH_KEYS,
      keyId: KEY_ID,
      timeoutMs: 2_000,
      onExchange: (exchange) => exchanges.push(exchange),
      ...options,
    });

  beforeEach(async () => {
    bank = await FakeBank.start({ shopNo: SHOP_NO, hashKeys: HASH_KEYS });
    exchanges = [];
  });

  afterEach(async () => {
    await bank.close();
  });

  describe('round trips', () => {
    it('creates an ATM order and returns the virtual account', async () => {
      const result = await client().orderCreate({ ...atmOrder('A202405200001'), Memo: '', Param2: undefined });

      expect(result.Status).toBe('S');
      expect(result.PayType).toBe('A');
      if (result.PayType !== 'A') throw new Error('narrowing');
      expect(result.ATMParam.AtmPayNo).toMatch(/^99922\d{9}$/);
      expect(result.Amount).toBe(50_000);
      expect(result.TSNo).toBe('NA024900000001');

      const [order] = bank.orders;
      expect(order?.signValid).toBe(true);
      expect(order?.service).toBe('OrderCreate');
      // ShopNo and CurrencyID are filled in; empty optional members never reach the bank.
      expect(order?.message).toEqual({
        OrderNo: 'A202405200001',
        Amount: 50_000,
        PayType: 'A',
        PrdtName: '虛擬帳號訂單',
        ReturnURL: 'https://shop.example/return',
        BackendURL: 'https://shop.example/sinopac/notify',
        ATMParam: { ExpireDate: '20991231' },
        ShopNo: SHOP_NO,
        CurrencyID: 'TWD',
      });
    });

    it('creates a card order and returns the card page URL', async () => {
      const result = await client().orderCreate(cardOrder('C202405200001'));

      if (result.PayType !== 'C') throw new Error(`expected a card answer, got ${result.PayType}`);
      expect(result.CardParam.CardPayURL).toMatch(/^https:\/\/sandbox\.sinopac\.com\/.*PayCard/);
      expect(bank.orders[0]?.signValid).toBe(true);
      expect(bank.orders[0]?.message.CardParam).toEqual({ AutoBilling: 'Y', ExpMinutes: 15 });
      expect(bank.orders[0]?.message).not.toHaveProperty('ATMParam');
    });

    it('queries orders, turning nulls into absent members and keeping amounts as integers', async () => {
      const c = client();
      await c.orderCreate(atmOrder('A202405200002'));
      const found = await c.orderQuery({ OrderNo: 'A202405200002' });

      expect(found.Status).toBe('S');
      expect(found.OrderList).toHaveLength(1);
      const [entry] = found.OrderList;
      expect(entry).toMatchObject({ OrderNo: 'A202405200002', PayStatus: '1A200', Amount: 50_000, PayType: 'A' });
      expect(entry?.Param2).toBeUndefined();
      expect(entry?.CardParam).toBeUndefined();
      expect(entry?.ATMParam?.AtmPayNo).toBe('99922000000001');

      const none = await c.orderQuery({ OrderNo: 'NOPE0001' });
      expect(none.Description).toMatch(/^S0001/);
      expect(none.OrderList).toEqual([]);
    });

    it('queries a payment by PayToken and returns its Amount as an integer', async () => {
      const payToken = randomBytes(32).toString('hex');
      const result = await client().orderPayQuery({ PayToken: payToken });

      expect(bank.orders[0]?.message).toEqual({ ShopNo: SHOP_NO, PayToken: payToken });
      expect(result.PayToken).toBe(payToken);
      expect(result.TSResultContent.Amount).toBe(129_900);
      expect(result.TSResultContent).toMatchObject({ APType: 'PayOut', Status: 'S', OrderNo: 'C202405200001', RightCCNo: '3145' });
      expect(result.TSResultContent.Param2).toBeUndefined();
    });

    it('sends an OrderMaintain refund', async () => {
      const result = await client().orderMaintain({ OrderNo: 'C202405200001', Command: 'R', Amount: 10_000, Remark: '退貨' });

      expect(bank.orders[0]?.message).toEqual({ ShopNo: SHOP_NO, OrderNo: 'C202405200001', Command: 'R', Amount: 10_000, Remark: '退貨' });
      expect(bank.orders[0]?.signValid).toBe(true);
      expect(result).toMatchObject({ Status: 'S', OrderNo: 'C202405200001', Command: 'R', Amount: 10_000 });
    });

    it('fetches a fresh nonce per call and decrypts with the nonce of the answer', async () => {
      const c = client();
      await c.orderCreate(atmOrder('A202405200003'));
      await c.orderCreate(cardOrder('C202405200003'));

      const [first, second] = bank.orders;
      expect(first?.requestNonce).not.toBe(second?.requestNonce);
      expect(first?.responseNonce).toBeDefined();
      expect(first?.responseNonce).not.toBe(first?.requestNonce);
      expect(bank.calls.map((call) => call.endpoint)).toEqual(['Nonce', 'Order', 'Nonce', 'Order']);
    });

    it('sends X-KeyID and JSON content type on both calls when configured, and no X-KeyID otherwise', async () => {
      await client().orderPayQuery({ PayToken: 'abc123' });
      expect(bank.calls).toHaveLength(2);
      for (const call of bank.calls) {
        expect(call.headers['x-keyid']).toBe(KEY_ID);
        expect(call.headers['content-type']).toBe('application/json');
      }
      expect(JSON.parse(bank.calls[0]!.body)).toEqual({ ShopNo: SHOP_NO });
      expect(Object.keys(JSON.parse(bank.calls[1]!.body)).sort()).toEqual(['APIService', 'Message', 'Nonce', 'ShopNo', 'Sign', 'Version']);

      bank.calls.length = 0;
      await client({ keyId: undefined }).orderPayQuery({ PayToken: 'abc123' });
      expect(bank.calls.map((call) => call.headers['x-keyid'])).toEqual([undefined, undefined]);
    });

    it('reports each exchange without Nonce or Sign', async () => {
      const c = client();
      await c.orderCreate(atmOrder('A202405200004'));
      await failure(c.orderCreate(atmOrder('A202405200004')));
      await c.orderPayQuery({ PayToken: 'tok' });

      expect(exchanges.map((e) => [e.service, e.outcome, e.orderNo, e.errorCode])).toEqual([
        ['OrderCreate', 'ok', 'A202405200004', undefined],
        ['OrderCreate', 'business_error', 'A202405200004', 'E0302'],
        ['OrderPayQuery', 'ok', 'C202405200001', undefined],
      ]);
      for (const exchange of exchanges) {
        expect(exchange.request.ShopNo).toBe(SHOP_NO);
        expect(exchange.response).toBeDefined();
        expect(exchange.durationMs).toBeGreaterThanOrEqual(0);
        expect(JSON.stringify(exchange)).not.toMatch(/"(Nonce|Sign)"/);
      }
      expect(exchanges[0]?.response?.TSNo).toBe('NA024900000001');
    });
  });

  describe('refusals and untrusted answers', () => {
    it('turns Status F into a SinopacBusinessError carrying the code', async () => {
      const c = client();
      await c.orderCreate(atmOrder('A202405200010'));
      const error = await failure(c.orderCreate(atmOrder('A202405200010')));

      expect(error).toBeInstanceOf(SinopacBusinessError);
      const business = error as SinopacBusinessError;
      expect(business.code).toBe('E0302');
      expect(business.description).toBe('E0302 – 訂單編號重複');
      expect(business.service).toBe('OrderCreate');
      expect(business.message).toContain('訂單編號重複');
    });

    it('rejects an answer whose Sign was tampered with', async () => {
      bank.misbehaviour = {
        envelope: (e) => ({ ...e, Sign: (e.Sign!.startsWith('0') ? '1' : '0') + e.Sign!.slice(1) }),
      };
      const error = await failure(client().orderCreate(atmOrder('A202405200011')));

      expect(error).toBeInstanceOf(SinopacProtocolError);
      expect((error as SinopacProtocolError).reason).toBe('bad_signature');
      expect(exchanges[0]).toMatchObject({ outcome: 'protocol_error', errorCode: 'bad_signature' });
    });

    it('rejects an answer whose content differs from what was signed', async () => {
      bank.misbehaviour = { swapMessage: (m) => ({ ...m, Amount: 100 }) };
      const error = await failure(client().orderCreate(atmOrder('A202405200012')));

      expect(error).toBeInstanceOf(SinopacProtocolError);
      expect((error as SinopacProtocolError).reason).toBe('bad_signature');
    });

    it('rejects an answer that cannot be decrypted', async () => {
      bank.misbehaviour = { envelope: (e) => ({ ...e, Message: `${e.Message}A` }) };
      const error = await failure(client().orderCreate(atmOrder('A202405200013')));

      expect(error).toBeInstanceOf(SinopacProtocolError);
      expect((error as SinopacProtocolError).reason).toBe('undecryptable');
    });

    it('rejects an answer encrypted under the request nonce instead of its own', async () => {
      bank.misbehaviour = { encryptWithRequestNonce: true };
      const error = await failure(client().orderCreate(atmOrder('A202405200014')));

      expect(error).toBeInstanceOf(SinopacProtocolError);
    });

    it('rejects an answer encrypted under another key', async () => {
      const otherHashId = hashId({ ...HASH_KEYS, A1: randomBytes(8).toString('hex') });
      bank.misbehaviour = {
        envelope: (e) => ({ ...e, Message: encryptMessage('{"Status":"S"}', otherHashId, ivFromNonce(e.Nonce!)) }),
      };
      const error = await failure(client().orderCreate(atmOrder('A202405200015')));

      expect(error).toBeInstanceOf(SinopacProtocolError);
    });

    it('rejects an envelope addressed to another shop', async () => {
      bank.misbehaviour = { envelope: (e) => ({ ...e, ShopNo: 'XX0000_001' }) };
      const error = await failure(client().orderPayQuery({ PayToken: 'tok' }));

      expect(error).toBeInstanceOf(SinopacProtocolError);
      expect((error as SinopacProtocolError).reason).toBe('mismatch');
    });

    it('rejects a signed success that lacks what the shop relies on', async () => {
      bank.respond = () => ({ OrderNo: 'A202405200016', ShopNo: SHOP_NO, TSNo: 'NA024900000001', PayType: 'A', Amount: 50_000, Status: 'S', Description: 'S0000 – 處理成功' });
      const error = await failure(client().orderCreate(atmOrder('A202405200016')));

      expect(error).toBeInstanceOf(SinopacProtocolError);
      expect((error as SinopacProtocolError).reason).toBe('bad_message');
      expect(error.message).toContain('ATMParam');
    });

    it('rejects a signed answer about another order', async () => {
      bank.respond = () => ({
        OrderNo: 'OTHER', ShopNo: SHOP_NO, TSNo: 'NA024900000001', PayType: 'C', Amount: 129_900, Status: 'S',
        Description: 'S0000 – 處理成功', CardParam: { CardPayURL: 'https://sandbox.sinopac.com/x' },
      });
      const error = await failure(client().orderCreate(cardOrder('C202405200017')));

      expect(error).toBeInstanceOf(SinopacProtocolError);
      expect((error as SinopacProtocolError).reason).toBe('mismatch');
    });

    it('refuses to send an invalid request and never contacts the bank', async () => {
      const error = await failure(client().orderCreate({ ...atmOrder('A202405200018'), Amount: 50_050 }));

      expect(error).toBeInstanceOf(SinopacRequestError);
      expect(error.message).toContain('Amount');
      expect(bank.calls).toEqual([]);
      expect(exchanges).toEqual([]);
    });
  });

  describe('transport failures', () => {
    it('gives up on an Order call that never answers', async () => {
      bank.misbehaviour = { hang: 'Order' };
      const started = Date.now();
      const error = await failure(client({ timeoutMs: 200 }).orderCreate(atmOrder('A202405200020')));

      expect(Date.now() - started).toBeLessThan(1_500);
      expect(error).toBeInstanceOf(SinopacTransportError);
      expect(error).toMatchObject({ reason: 'timeout', endpoint: 'Order' });
      expect(exchanges[0]).toMatchObject({ outcome: 'transport_error', errorCode: 'timeout', response: undefined });
    });

    it('gives up on a Nonce call that never answers', async () => {
      bank.misbehaviour = { hang: 'Nonce' };
      const started = Date.now();
      const error = await failure(client({ timeoutMs: 200 }).orderPayQuery({ PayToken: 'tok' }));

      expect(Date.now() - started).toBeLessThan(1_500);
      expect(error).toMatchObject({ reason: 'timeout', endpoint: 'Nonce' });
    });

    it('asks once more for a Nonce lost on the way, and not for an Order call', async () => {
      const sent: string[] = [];
      const resetOnce = (endpoint: string): SinopacTransport => async (url, request) => {
        sent.push(url.slice(url.lastIndexOf('/') + 1));
        if (url.endsWith(`/${endpoint}`) && sent.filter((name) => name === endpoint).length === 1) throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        return httpTransport(url, request);
      };

      const result = await client({ transport: resetOnce('Nonce') }).orderPayQuery({ PayToken: 'tok' });
      expect(result.TSResultContent.Amount).toBe(129_900);
      expect(sent).toEqual(['Nonce', 'Nonce', 'Order']);

      sent.length = 0;
      const error = await failure(client({ transport: resetOnce('Order') }).orderPayQuery({ PayToken: 'tok' }));
      expect(error).toMatchObject({ reason: 'network', endpoint: 'Order' });
      expect(sent).toEqual(['Nonce', 'Order']);
    });

    it('does not send a call on a connection idle past the keep-alive the server announced', async () => {
      let connections = 0;
      const server = createServer((_req, res) => res.end('{}'));
      server.keepAliveTimeout = 2_000; // announced as timeout=2: the connection is not reused after 1 s idle
      server.on('connection', () => connections++);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/Nonce`;
      const post = () => httpTransport(url, { headers: {}, body: '{}', signal: AbortSignal.timeout(1_000) });
      try {
        await post();
        await post();
        expect(connections).toBe(1);
        await new Promise((resolve) => setTimeout(resolve, 1_300));
        await post();
        expect(connections).toBe(2);
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('reports a non-200 status', async () => {
      bank.misbehaviour = { httpStatus: { endpoint: 'Order', status: 500 } };
      const error = await failure(client().orderCreate(atmOrder('A202405200021')));

      expect(error).toBeInstanceOf(SinopacTransportError);
      expect(error).toMatchObject({ reason: 'http_status', httpStatus: 500, endpoint: 'Order' });
    });

    it('reports a body that is not JSON, or not an envelope', async () => {
      bank.misbehaviour = { rawBody: { endpoint: 'Nonce', body: '<html>busy</html>' } };
      expect(await failure(client().orderPayQuery({ PayToken: 'tok' }))).toMatchObject({ reason: 'bad_body', endpoint: 'Nonce' });

      bank.misbehaviour = { rawBody: { endpoint: 'Order', body: '{"Message":"An error has occurred."}' } };
      const error = await failure(client().orderPayQuery({ PayToken: 'tok' }));
      expect(error).toBeInstanceOf(SinopacTransportError);
      expect(error).toMatchObject({ reason: 'bad_body', endpoint: 'Order' });
    });

    describe('an answer that starts and does not finish', () => {
      const halfAnswer = async (then: 'stall' | 'cut' | 'redirect') => {
        const server = createServer((_req, res) => {
          if (then === 'redirect') return void res.writeHead(307, { Location: 'http://127.0.0.1:9/elsewhere' }).end();
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
          res.write('{"Nonce":');
          if (then === 'cut') setTimeout(() => res.socket?.destroy(), 20);
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const { port } = server.address() as AddressInfo;
        try {
          return await failure(client({ apiUrl: `http://127.0.0.1:${port}/api`, timeoutMs: 300 }).orderPayQuery({ PayToken: 'tok' }));
        } finally {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        }
      };

      it('times out while the body is still coming', async () => {
        const started = Date.now();
        expect(await halfAnswer('stall')).toMatchObject({ reason: 'timeout', endpoint: 'Nonce' });
        expect(Date.now() - started).toBeLessThan(1_500);
      });

      it('counts a connection cut in the middle of the body as a network failure', async () => {
        expect(await halfAnswer('cut')).toMatchObject({ reason: 'network', endpoint: 'Nonce' });
      });

      it('does not follow a redirect', async () => {
        expect(await halfAnswer('redirect')).toMatchObject({ reason: 'http_status', httpStatus: 307, endpoint: 'Nonce' });
      });
    });

    it('reports a refused connection as a network failure', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));

      const error = await failure(client({ apiUrl: `http://127.0.0.1:${port}/api` }).orderPayQuery({ PayToken: 'tok' }));
      expect(error).toBeInstanceOf(SinopacTransportError);
      expect(error).toMatchObject({ reason: 'network', endpoint: 'Nonce' });
    });
  });

  it('never shows the hash keys, the HashID or the key id in errors or the client', async () => {
    const texts: string[] = [];
    const record = (value: unknown) => {
      texts.push(String(value), JSON.stringify(value) ?? '', inspect(value, { depth: 10, showHidden: true }));
      if (value instanceof Error) texts.push(value.message, value.stack ?? '');
    };

    const c = client({ timeoutMs: 200 });
    record(c);
    await c.orderCreate(atmOrder('A202405200030'));
    const scenarios: Array<[FakeBank['misbehaviour'], () => Promise<unknown>]> = [
      [{}, () => c.orderCreate(atmOrder('A202405200030'))],
      [{ envelope: (e) => ({ ...e, Sign: '0'.repeat(64) }) }, () => c.orderPayQuery({ PayToken: 'tok' })],
      [{ envelope: (e) => ({ ...e, Message: `${e.Message}A` }) }, () => c.orderPayQuery({ PayToken: 'tok' })],
      [{ encryptWithRequestNonce: true }, () => c.orderPayQuery({ PayToken: 'tok' })],
      [{ hang: 'Order' }, () => c.orderPayQuery({ PayToken: 'tok' })],
      [{ httpStatus: { endpoint: 'Nonce', status: 401 } }, () => c.orderPayQuery({ PayToken: 'tok' })],
      [{}, () => c.orderQuery({})],
    ];
    for (const [misbehaviour, call] of scenarios) {
      bank.misbehaviour = misbehaviour;
      record(await failure(call()));
    }
    expect(() => new SinopacClient({ apiUrl: bank.url, shopNo: SHOP_NO, hashKeys: { ...HASH_KEYS, B2: 'not hex' }, timeoutMs: 1 })).toThrow();
    record(exchanges);

    const secrets = [...Object.values(HASH_KEYS), HASH_ID, KEY_ID];
    const haystack = texts.join('\n').toUpperCase();
    for (const secret of secrets) expect(haystack).not.toContain(secret.toUpperCase());
    expect(texts.join('\n')).toContain('E0302');
  });
});
