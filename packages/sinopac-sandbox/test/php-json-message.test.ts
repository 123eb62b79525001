import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HashKeys } from '../src/crypto';
import { startSandbox, type RunningSandbox } from '../src/server';
import { phpJsonEncode } from './support/php-json';
import { resultCode, SandboxProtocolClient, type Message } from './support/sandbox-client';
import { CapturingLogger, ManualClock } from './support/sandbox-harness';

interface RequestCase {
  id: string;
  inputs: { api_service: string; shop_no: string; hash_keys: HashKeys };
  outputs: { plaintext_sdk: string };
}

const vectors = JSON.parse(readFileSync(new URL('./fixtures/sinopac-vectors.json', import.meta.url), 'utf8')) as {
  request_cases: RequestCase[];
};
const byId = (prefix: string) => vectors.request_cases.find((c) => c.id.startsWith(prefix))!;

// The spec's ATM example expires on 2018-05-02, so the sandbox lives on 2018-04-27 for this file.
const clock = new ManualClock(new Date('2018-04-27T04:00:00Z'));
let running: RunningSandbox;
const clients = new Map<string, SandboxProtocolClient>();

beforeAll(async () => {
  const shops = new Map(vectors.request_cases.map((c) => [c.inputs.shop_no, c.inputs.hash_keys]));
  running = await startSandbox({
    shops: [...shops].map(([shopNo, hashKeys]) => ({ shopNo, hashKeys })),
    port: 0,
    clock: clock.now,
    logger: new CapturingLogger(),
    atmAutoPayDelayMs: null,
  });
  for (const [shopNo, hashKeys] of shops) clients.set(shopNo, new SandboxProtocolClient({ apiUrl: running.apiUrl, shopNo, hashKeys }));
});
afterAll(() => running.close());

/** Sends the vector's PHP json_encode plaintext byte for byte, signed over the message it encodes. */
function sendSdkPlaintext(c: RequestCase) {
  const plaintext = c.outputs.plaintext_sdk;
  const message = JSON.parse(plaintext) as Message;
  return clients.get(c.inputs.shop_no)!.call(c.inputs.api_service, message, { plaintext });
}

describe('messages written by PHP json_encode (\\uXXXX, \\/, [] for empty objects)', () => {
  it('accepts the spec ATM order as the PHP SDK encrypts it (CardParam: [])', async () => {
    const c = byId('R01');
    expect(c.outputs.plaintext_sdk).toContain('"CardParam":[]');
    expect(c.outputs.plaintext_sdk).toContain('\\u865b');
    expect(c.outputs.plaintext_sdk).toContain('http:\\/\\/');
    const { message } = await sendSdkPlaintext(c);
    expect(resultCode(message)).toBe('S0000');
    expect(message).toMatchObject({ OrderNo: 'A201804270001', PayType: 'A', Amount: 50000 });
    const listed = await clients.get('BA0026_001')!.call('OrderQuery', { ShopNo: 'BA0026_001', OrderNo: 'A201804270001' });
    const [order] = listed.message.OrderList as Message[];
    // The \uXXXX escapes were decoded to the real product name.
    expect(order!.PrdtName).toBe('虛擬帳號訂單');
  });

  it('reads the SDK unit-test variant (also ConvStoreParam: []) far enough to see its duplicate OrderNo', async () => {
    const { message } = await sendSdkPlaintext(byId('R02'));
    expect(resultCode(message)).toBe('E0302');
  });

  it('accepts card orders with Chinese text, nested CardParam and ATMParam: []', async () => {
    for (const id of ['R03', 'R05']) {
      const { message } = await sendSdkPlaintext(byId(id));
      expect(resultCode(message), id).toBe('S0000');
      expect((message.CardParam as Message).CardPayURL, id).toMatch(/\/QPay\.WebPaySite\/Bridge\/PayCard\?TD=/);
    }
  });

  it('accepts PHP-encoded query messages', async () => {
    expect(resultCode((await sendSdkPlaintext(byId('R06'))).message)).toBe('S0001');
    expect(resultCode((await sendSdkPlaintext(byId('R07'))).message)).toBe('E2402');
  });

  it('accepts a message encoded by phpJsonEncode with an empty nested object', async () => {
    const client = clients.get('NA0249_001')!;
    const message = {
      ShopNo: 'NA0249_001', OrderNo: 'PHP0001', Amount: 100, CurrencyID: 'TWD', PayType: 'C',
      PrdtName: '測試/商品', ReturnURL: 'https://shop.example/return', ATMParam: {}, CardParam: { AutoBilling: 'Y' },
    };
    const plaintext = phpJsonEncode(message);
    expect(plaintext).toContain('"ATMParam":[]');
    const { message: reply } = await client.call('OrderCreate', message, { plaintext });
    expect(resultCode(reply)).toBe('S0000');
  });
});
