import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postRaw, resultCode, SandboxProtocolClient } from './support/sandbox-client';
import { atmOrder, KEYED_SHOP, startTestSandbox, TEST_SHOP, type TestSandbox } from './support/sandbox-harness';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb.close());

describe('Nonce', () => {
  it('mints nonces in the bank format: 108 Base64 characters of "<.NET ms>.<d>:<64 hex>" in Taipei time', async () => {
    const nonce = await sb.client.nonce();
    expect(nonce).toHaveLength(108);
    const decoded = Buffer.from(nonce, 'base64').toString('ascii');
    const match = /^(\d+)\.\d:[0-9a-f]{64}$/.exec(decoded);
    expect(match).not.toBeNull();
    // .NET ticks/10000 of the local Taiwan time: Unix ms + 8 h + the 0001→1970 offset.
    expect(Number(match![1])).toBe(sb.clock.now().getTime() + 8 * 3_600_000 + 62_135_596_800_000);
    expect(await sb.client.nonce()).not.toBe(nonce);
  });

  it('is served under every known base path prefix', async () => {
    for (const prefix of ['/funBIZ', '/funBIZ-Sbx', '']) {
      const reply = await postRaw(`${sb.running.origin}${prefix}/QPay.WebAPI/api/Nonce`, JSON.stringify({ ShopNo: TEST_SHOP.shopNo }));
      expect(reply.status, prefix).toBe(200);
      expect(JSON.parse(reply.text).Nonce).toHaveLength(108);
    }
  });

  it('answers an unknown shop or a body that is not JSON with HTTP 400 and a small JSON error', async () => {
    const unknown = await sb.client.nonceRaw({ ShopNo: 'XX9999_001' });
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text)).toEqual({ Status: 'F', Code: 'E0101', Description: 'E0101 – 商店代號不存在' });
    const garbage = await postRaw(`${sb.running.apiUrl}/Nonce`, 'ShopNo=TS0001_001');
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.text).Code).toBe('E0001');
  });

  it('requires the X-KeyID of a shop that has one', async () => {
    expect((await sb.keyedClient.nonceRaw({ ShopNo: KEYED_SHOP.shopNo }, { keyId: null })).status).toBe(401);
    expect((await sb.keyedClient.nonceRaw({ ShopNo: KEYED_SHOP.shopNo }, { keyId: 'wrong' })).status).toBe(401);
    expect(await sb.keyedClient.nonce()).toHaveLength(108);
  });

  it('refuses an Order call with a wrong or missing X-KeyID the way it refuses a Nonce call: HTTP 401, no envelope', async () => {
    for (const keyId of [null, 'sandbox-test-key-9999']) {
      const nonce = await sb.keyedClient.nonce();
      const reply = await sb.keyedClient.send('OrderQuery', { ShopNo: KEYED_SHOP.shopNo, PayFlag: 'Y' }, { nonce, keyId });
      expect(reply.status).toBe(401);
      expect(JSON.parse(reply.text)).toEqual({ Status: 'F', Code: 'E0103', Description: 'E0103 – X-KeyID 驗證失敗' });
    }
  });

  it('accepts the doubled slash of clients that join a base URL ending in "/" with "/Nonce" and "/Order"', async () => {
    const doubled = new SandboxProtocolClient({ apiUrl: `${sb.running.apiUrl}/`, ...TEST_SHOP });
    const nonce = await doubled.nonceRaw({ ShopNo: TEST_SHOP.shopNo });
    expect(nonce.status).toBe(200);
    const { message } = await doubled.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, PayFlag: 'Y' });
    expect(message.Status).toBe('S');
  });

  it('binds a nonce to the IP that fetched it', async () => {
    const nonce = await sb.client.nonce({ localAddress: '127.0.0.2' });
    const elsewhere = await sb.client.call('OrderCreate', atmOrder(sb.clock), { nonce, localAddress: '127.0.0.1' });
    expect(resultCode(elsewhere.message)).toBe('E3002');
    const fromSameIp = await sb.client.call('OrderCreate', atmOrder(sb.clock), { localAddress: '127.0.0.2' });
    expect(resultCode(fromSameIp.message)).toBe('S0000');
  });
});
