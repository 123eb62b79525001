// What `npx sinopac-sandbox` serves: the demo shop with nothing configured, several shops from a
// JSON or YAML file, one shop from the environment; mistakes named by their field; keys generated
// when not given, and shown on the console only then (or for the demo shop); a shop's notification
// origin used by real deliveries; the specification's version.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, loadConfiguration } from '../src/configuration';
import { DEMO_SHOP } from '../src/demo-shop';
import { startSandbox, type RunningSandbox } from '../src/server';
import { SPECIFICATION } from '../src/specification';
import { getPage } from './support/card-page';
import { postRaw, SandboxProtocolClient } from './support/sandbox-client';
import { atmOrder, CapturingLogger, ManualClock, TEST_SHOP } from './support/sandbox-harness';
import { startReceiver, type Receiver } from './support/sandbox-receiver';

const KEYS = { A1: '0F2A4C6E8091B3D5', A2: 'F7E6D5C4B3A29180', B1: '00000000000000FF', B2: '123456789ABCDEF0' };
const HEX16 = /^[0-9A-F]{16}$/;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sinopac-sandbox-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh working directory holding these files. */
function workingDirectory(files: Record<string, string>): string {
  const cwd = mkdtempSync(join(dir, 'cwd-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
  return cwd;
}

function refusal(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('with nothing configured', () => {
  it('serves the demo shop on port 4010, its public keys to be printed', () => {
    const config = loadConfiguration([], workingDirectory({}), {});
    expect(config.source).toBe('demo');
    expect(config.shops).toEqual([{ keys: 'demo', shop: DEMO_SHOP }]);
    expect(config.options).toMatchObject({ port: 4010, shops: [DEMO_SHOP] });
  });
});

describe('a configuration file', () => {
  const twoShops = {
    port: 0,
    host: '127.0.0.1',
    atmAutoPayDelayMs: null,
    shops: [
      { shopNo: 'NA0100_001', hashKeys: KEYS, keyId: 'key-of-100', notifyOrigin: 'http://host.docker.internal:3000' },
      { shopNo: 'NA0200_001' },
    ],
  };

  it('found as sandbox.json in the working directory serves several shops, generating the keys one does not give', () => {
    const config = loadConfiguration([], workingDirectory({ 'sandbox.json': JSON.stringify(twoShops) }), {});
    expect(config.source).toMatch(/sandbox\.json$/);
    expect(config.options).toMatchObject({ port: 0, host: '127.0.0.1', atmAutoPayDelayMs: null });
    const [given, generated] = config.shops;
    expect(given).toEqual({
      keys: 'given',
      shop: { shopNo: 'NA0100_001', hashKeys: KEYS, keyId: 'key-of-100', notifyOrigin: 'http://host.docker.internal:3000' },
    });
    expect(generated!.keys).toBe('generated');
    expect(Object.values(generated!.shop.hashKeys)).toEqual([expect.stringMatching(HEX16), expect.stringMatching(HEX16), expect.stringMatching(HEX16), expect.stringMatching(HEX16)]);
    expect(config.options.shops.map((shop) => shop.shopNo)).toEqual(['NA0100_001', 'NA0200_001']);
  });

  it('may be YAML (sandbox.yaml), and --config names another file, which wins', () => {
    const yaml = ['port: 0', 'shops:', '  - shopNo: NA0300_001', '    keyId: yaml-key', '    hashKeys:', ...Object.entries(KEYS).map(([k, v]) => `      ${k}: "${v}"`)].join('\n');
    const cwd = workingDirectory({ 'sandbox.yaml': yaml, 'other.json': JSON.stringify({ shops: [{ shopNo: 'NA0400_001' }] }) });
    expect(loadConfiguration([], cwd, {}).shops.map(({ shop }) => [shop.shopNo, shop.keyId])).toEqual([['NA0300_001', 'yaml-key']]);
    expect(loadConfiguration(['--config', 'other.json'], cwd, {}).shops.map(({ shop }) => shop.shopNo)).toEqual(['NA0400_001']);
    expect(loadConfiguration([`--config=${join(cwd, 'sandbox.yaml')}`], cwd, {}).shops[0]!.keys).toBe('given');
  });

  it('takes the port from SANDBOX_PORT unless it names its own', () => {
    const cwd = workingDirectory({ 'sandbox.json': JSON.stringify({ shops: [{ shopNo: 'NA0500_001' }] }) });
    expect(loadConfiguration([], cwd, { SANDBOX_PORT: '4999' }).options.port).toBe(4999);
    expect(loadConfiguration([], workingDirectory({ 'sandbox.json': JSON.stringify(twoShops) }), { SANDBOX_PORT: '4999' }).options.port).toBe(0);
  });

  it.each([
    ['a key that is not 16 hex digits', { shops: [{ shopNo: 'NA0100_001', hashKeys: { ...KEYS, A2: 'XYZ' } }] }, 'shops[0].hashKeys.A2: 16 hexadecimal digits'],
    ['three keys of four', { shops: [{ shopNo: 'NA0100_001' }, { shopNo: 'NA0200_001', hashKeys: { A1: KEYS.A1, A2: KEYS.A2, B1: KEYS.B1 } }] }, 'shops[1].hashKeys.B2'],
    ['a member it does not know', { shops: [{ shopNo: 'NA0100_001', shopNO: 'typo' }] }, 'shops[0]: Unrecognized key: "shopNO"'],
    ['a notification origin with a path', { shops: [{ shopNo: 'NA0100_001', notifyOrigin: 'http://host.docker.internal:3000/notify' }] }, 'shops[0].notifyOrigin: an origin only'],
    ['a notification origin that is not http', { shops: [{ shopNo: 'NA0100_001', notifyOrigin: 'ftp://example.test' }] }, 'shops[0].notifyOrigin: an http(s) URL'],
    ['a shop twice', { shops: [{ shopNo: 'NA0100_001' }, { shopNo: 'NA0100_001' }] }, 'shops: each shopNo once'],
    ['no shop', { shops: [] }, 'shops: at least one shop'],
    ['a port out of range', { port: 70000, shops: [{ shopNo: 'NA0100_001' }] }, 'port:'],
  ])('names the field of %s', (_what, file, named) => {
    const cwd = workingDirectory({ 'sandbox.json': JSON.stringify(file) });
    const message = refusal(() => loadConfiguration([], cwd, {}));
    expect(message).toContain('sandbox.json is not a valid sandbox configuration');
    expect(message).toContain(named);
    // A refused configuration never repeats a key it was given.
    expect(message).not.toContain(KEYS.A1);
  });

  it('says which file it could not read or parse', () => {
    expect(refusal(() => loadConfiguration(['--config', 'missing.json'], workingDirectory({}), {}))).toMatch(/cannot read .*missing\.json: ENOENT/);
    expect(refusal(() => loadConfiguration([], workingDirectory({ 'sandbox.json': '{"shops": [' }), {}))).toMatch(/sandbox\.json is not valid JSON/);
    expect(refusal(() => loadConfiguration([], workingDirectory({ 'sandbox.yml': 'shops: [a: b: c' }), {}))).toMatch(/sandbox\.yml is not valid YAML/);
    expect(refusal(() => loadConfiguration(['--port', '1'], workingDirectory({}), {}))).toMatch(/unknown argument --port/);
  });
});

describe('the environment', () => {
  it('serves one shop from SINOPAC_*, generating its keys when none are set', () => {
    const cwd = workingDirectory({});
    const given = loadConfiguration([], cwd, {
      SINOPAC_SHOP_NO: 'NA0600_001', SINOPAC_HASH_A1: KEYS.A1, SINOPAC_HASH_A2: KEYS.A2, SINOPAC_HASH_B1: KEYS.B1, SINOPAC_HASH_B2: KEYS.B2,
      SINOPAC_KEY_ID: 'env-key', SANDBOX_NOTIFY_ORIGIN: 'http://host.docker.internal:3000', SANDBOX_PORT: '0',
    });
    expect(given.source).toBe('environment');
    expect(given.shops).toEqual([{ keys: 'given', shop: { shopNo: 'NA0600_001', hashKeys: KEYS, keyId: 'env-key', notifyOrigin: 'http://host.docker.internal:3000' } }]);
    expect(given.options.port).toBe(0);
    const generated = loadConfiguration([], cwd, { SINOPAC_SHOP_NO: 'NA0600_001', SINOPAC_HASH_A1: '' });
    expect(generated.shops[0]!.keys).toBe('generated');
    expect(generated.shops[0]!.shop.hashKeys.A1).toMatch(HEX16);
  });

  it('names the variable that is wrong or missing', () => {
    const cwd = workingDirectory({});
    expect(refusal(() => loadConfiguration([], cwd, { SINOPAC_SHOP_NO: 'NA0600_001', SINOPAC_HASH_A1: KEYS.A1 }))).toContain('missing: SINOPAC_HASH_A2, SINOPAC_HASH_B1, SINOPAC_HASH_B2');
    expect(refusal(() => loadConfiguration([], cwd, { SANDBOX_PORT: 'http' }))).toContain('SANDBOX_PORT');
    expect(refusal(() => loadConfiguration([], cwd, { SINOPAC_HASH_A1: KEYS.A1 }))).toContain('not SINOPAC_SHOP_NO');
    expect(refusal(() => loadConfiguration([], cwd, { SINOPAC_SHOP_NO: 'NA0600_001', SINOPAC_HASH_B1: 'short' }))).toContain('SINOPAC_HASH_B1: 16 hexadecimal digits');
  });
});

describe('the console\'s connection section', () => {
  const keysOnConsole = async (load: ReturnType<typeof loadConfiguration>) => {
    const running = await startSandbox({ ...load.options, port: 0, logger: new CapturingLogger() });
    try {
      return (await getPage(`${running.origin}/console`)).text;
    } finally {
      await running.close();
    }
  };
  const block = (page: string, shopNo: string) => new RegExp(`<dl class="summary" data-shop-no="${shopNo}">[\\s\\S]*?</dl>`).exec(page)![0];

  it('shows the keys it generated in full, and only the first two characters of keys it was given', async () => {
    const config = loadConfiguration([], workingDirectory({ 'sandbox.json': JSON.stringify({ shops: [{ shopNo: 'NA0100_001', hashKeys: KEYS }, { shopNo: 'NA0200_001' }] }) }), {});
    const [given, generated] = config.shops;
    expect(given!.shop.showKeys).toBeUndefined();
    expect(generated!.shop.showKeys).toBe(true);
    const page = await keysOnConsole(config);
    for (const key of Object.values(KEYS)) expect(page.toUpperCase()).not.toContain(key);
    expect(block(page, 'NA0100_001')).toContain(`Hash key A1</span></dt><dd><code>${KEYS.A1.slice(0, 2)}…</code>`);
    expect(block(page, 'NA0100_001')).toContain('data-keys="masked">這是你設定的金鑰');
    expect(block(page, 'NA0100_001')).toContain('<span lang="en">These are the keys you configured');
    for (const [name, key] of Object.entries(generated!.shop.hashKeys)) expect(block(page, 'NA0200_001')).toContain(`Hash key ${name}</span></dt><dd><code>${key}</code>`);
    expect(block(page, 'NA0200_001')).toContain('data-keys="shown"');
  });

  it('masks keys from the environment, and shows the demo shop\'s and those it generated for the environment\'s shop', async () => {
    const cwd = workingDirectory({});
    const fromEnv = loadConfiguration([], cwd, { SINOPAC_SHOP_NO: 'NA0600_001', SINOPAC_HASH_A1: KEYS.A1, SINOPAC_HASH_A2: KEYS.A2, SINOPAC_HASH_B1: KEYS.B1, SINOPAC_HASH_B2: KEYS.B2 });
    const envPage = await keysOnConsole(fromEnv);
    for (const key of Object.values(KEYS)) expect(envPage.toUpperCase()).not.toContain(key);
    expect(block(envPage, 'NA0600_001')).toContain('data-keys="masked"');
    const generated = loadConfiguration([], cwd, { SINOPAC_SHOP_NO: 'NA0600_001' });
    expect(block(await keysOnConsole(generated), 'NA0600_001')).toContain(`<code>${generated.shops[0]!.shop.hashKeys.B2}</code>`);
    const demoPage = await keysOnConsole(loadConfiguration([], cwd, {}));
    expect(block(demoPage, DEMO_SHOP.shopNo)).toContain(`<code>${DEMO_SHOP.hashKeys.A2}</code>`);
    expect(block(demoPage, DEMO_SHOP.shopNo)).toContain('data-keys="shown">模擬器的測試金鑰');
  });
});

describe('a shop with a notification origin', () => {
  let receiver: Receiver;
  let running: RunningSandbox;
  afterEach(async () => {
    await running?.close();
    await receiver?.close();
  });

  it('has its notifications delivered there, with the BackendURL\'s path and query', async () => {
    receiver = await startReceiver();
    const receiverOrigin = new URL(receiver.url).origin;
    const cwd = workingDirectory({ 'sandbox.json': JSON.stringify({ port: 0, atmAutoPayDelayMs: null, shops: [{ shopNo: TEST_SHOP.shopNo, hashKeys: TEST_SHOP.hashKeys, notifyOrigin: receiverOrigin }] }) });
    const clock = new ManualClock();
    running = await startSandbox({ ...loadConfiguration([], cwd, {}).options, clock: clock.now, logger: new CapturingLogger() });
    const client = new SandboxProtocolClient({ apiUrl: running.apiUrl, ...TEST_SHOP });
    // The shop's own address as it knows itself, unreachable from here: only the override can deliver it.
    const message = atmOrder(clock, { BackendURL: 'http://shop.invalid:3000/sinopac/notify?from=sandbox' });
    expect((await client.call('OrderCreate', message)).message.Status).toBe('S');
    const { payToken } = running.sandbox.control.pay({ orderNo: String(message.OrderNo) });

    const [delivered] = await receiver.waitFor(1);
    expect(delivered!.path).toBe('/sinopac/notify?from=sandbox');
    expect(delivered!.json).toEqual({ ShopNo: TEST_SHOP.shopNo, PayToken: payToken });
    expect(running.sandbox.control.order({ orderNo: String(message.OrderNo) }).backendUrl).toBe('http://shop.invalid:3000/sinopac/notify?from=sandbox');
  });
});

describe('the specification it follows', () => {
  it('is V1.15, said in a header of every API answer, refusals included', async () => {
    expect(SPECIFICATION.version).toBe('V1.15');
    const running = await startSandbox({ shops: [TEST_SHOP], port: 0, logger: new CapturingLogger() });
    try {
      const nonce = await postRaw(`${running.apiUrl}/Nonce`, JSON.stringify({ ShopNo: TEST_SHOP.shopNo }));
      expect(nonce.status).toBe(200);
      expect(nonce.headers['x-sandbox-spec']).toBe('V1.15');
      const refused = await postRaw(`${running.apiUrl}/Order`, '[]');
      expect(refused.status).toBe(400);
      expect(refused.headers['x-sandbox-spec']).toBe('V1.15');
    } finally {
      await running.close();
    }
  });
});
