// Proof from outside: the Python client in packages/sinopac-sandbox/examples/python-client, written from
// PROTOCOL.md and the sandbox's public documentation only, reproduces the protocol's known answers
// (its test_vectors.py) and runs a shop's flows against the sandbox as a child process. Without Python's cryptography package it is skipped and says so, unless REQUIRE_PYTHON is
// set (CI sets it), in which case it fails.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KEYED_SHOP, startTestSandbox, TEST_SHOP, type TestSandbox } from './support/sandbox-harness';

const PYTHON = '/usr/bin/python3';
const CLIENT_DIR = fileURLToPath(new URL('../examples/python-client/', import.meta.url));
const CLIENT = `${CLIENT_DIR}client.py`;
const ready = spawnSync(PYTHON, ['-c', 'import cryptography'], { encoding: 'utf8' }).status === 0;

if (!ready && process.env.REQUIRE_PYTHON) {
  throw new Error(`REQUIRE_PYTHON is set but ${PYTHON} cannot import cryptography (apt-get install python3-cryptography)`);
}
if (!ready) console.warn(`\n  Python client test SKIPPED: ${PYTHON} cannot import cryptography. Install python3-cryptography.\n`);

const STEPS = [
  'card OrderCreate', 'card page form', 'ReturnURL POST', 'BackendURL POST', 'card OrderPayQuery',
  'ATM OrderCreate', 'ATM paid via control API', 'ATM BackendURL POST', 'ATM OrderPayQuery',
  'OrderQuery', 'OrderMaintain refund', 'BillQuery',
];

interface Shop {
  shopNo: string;
  hashKeys: { A1: string; A2: string; B1: string; B2: string };
  keyId?: string;
}

function runClient(apiUrl: string, shop: Shop): Promise<{ code: number | null; output: string }> {
  const { A1, A2, B1, B2 } = shop.hashKeys;
  const args = [CLIENT, '--api', apiUrl, '--shop', shop.shopNo, '--a1', A1, '--a2', A2, '--b1', B1, '--b2', B2];
  if (shop.keyId) args.push('--key-id', shop.keyId);
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe.skipIf(!ready)('the Python client', () => {
  it('reproduces every known answer of vectors.json (test_vectors.py)', () => {
    const run = spawnSync(PYTHON, ['-m', 'unittest', '-v', 'test_vectors'], {
      cwd: CLIENT_DIR, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^Ran \d+ tests/m);
    expect(run.stderr).toMatch(/^OK$/m);
  });

  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(() => sb?.close());
  afterEach(async () => {
    await fetch(`${sb.running.origin}/__sandbox/reset`, { method: 'POST' });
  });

  it('runs the card, ATM, query, refund and bill flows and prints each step', async () => {
    const { code, output } = await runClient(sb.running.apiUrl, TEST_SHOP);
    expect(code, output).toBe(0);
    const lines = output.trim().split('\n');
    expect(lines.slice(0, STEPS.length).map((line) => /^ok +\d+ ([^:]+):/.exec(line)?.[1])).toEqual(STEPS);
    expect(lines.at(-1)).toBe(`all ${STEPS.length} steps passed`);

    // What the sandbox saw: every call answered 200, both notifications acknowledged by the client's server.
    const control = sb.running.sandbox.control;
    const services = control.exchanges({ shopNo: TEST_SHOP.shopNo }).filter((e) => e.endpoint === 'Order');
    expect(services.map((e) => [e.service, e.httpStatus])).toEqual([
      ['OrderCreate', 200], ['OrderPayQuery', 200], ['OrderCreate', 200], ['OrderPayQuery', 200],
      ['OrderQuery', 200], ['OrderQuery', 200], ['OrderMaintain', 200], ['OrderQuery', 200], ['BillQuery', 200],
    ]);
    expect(control.notifications().map((n) => n.state)).toEqual(['acknowledged', 'acknowledged']);
    const [card] = control.orders().filter((o) => o.payType === 'C');
    expect(card).toMatchObject({ payStatus: '1C400', refunds: [{ amount: 120000 }], card: { leftCCNo: '499937', rightCCNo: '3145' } });
  });

  it('sends X-KeyID for a shop that has one', async () => {
    const { code, output } = await runClient(sb.running.apiUrl, KEYED_SHOP);
    expect(code, output).toBe(0);
  });

  it('stops with a failure when an answer\'s Sign does not verify', async () => {
    sb.running.sandbox.control.setFaults({ badSign: true });
    const { code, output } = await runClient(sb.running.apiUrl, TEST_SHOP);
    expect(code).toBe(1);
    expect(output).toContain('FAIL after 0 steps: OrderCreate answer\'s Sign does not verify');
  });
});
