import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { EinvoiceTestClient, TestClock } from './support/client';

const BIN = fileURLToPath(new URL('../bin/ecpay-einvoice-sandbox.js', import.meta.url));

it('starts from the command line, prints where and with which stage credentials, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [BIN, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EINVOICE_SANDBOX_PORT: '1' } });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  try {
    await expect.poll(() => output, { timeout: 20_000 }).toContain('HashIV');
    expect(output).toMatch(/MerchantID: +2000132/);
    expect(output).toMatch(/HashKey: +ejCk326UnaZWKisg/);
    expect(output).toMatch(/HashIV: +q9jcZX8Ib9LM8wYk/);
    const apiUrl = /API URL: +(http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
    const { data } = await new EinvoiceTestClient(apiUrl, new TestClock(new Date())).call('CheckLoveCode', { LoveCode: '919' });
    expect(data).toMatchObject({ RtnCode: 1, IsExist: 'Y' });
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = await once(child, 'exit');
  expect(code).toBe(0);
});

it('refuses a port that is not a number', async () => {
  const child = spawn(process.execPath, [BIN, '--port', 'abc'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const [code] = await once(child, 'exit');
  expect(code).toBe(1);
  expect(errors).toContain('the port must be a number');
});
