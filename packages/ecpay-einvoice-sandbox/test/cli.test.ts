import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { startCli, printedApiUrl } from './support/cli-process';
import { EinvoiceTestClient, TestClock } from './support/client';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const run = (args: string[], env: NodeJS.ProcessEnv = {}) => startCli(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env } });

it('starts, prints where and with which stage credentials, serves, and stops on SIGTERM', async () => {
  const cli = run(['--port', '0'], { EINVOICE_SANDBOX_PORT: '1' });
  try {
    const output = await cli.waitFor('HashIV');
    expect(output).toMatch(/MerchantID: +2000132/);
    expect(output).toMatch(/HashKey: +ejCk326UnaZWKisg/);
    expect(output).toMatch(/HashIV: +q9jcZX8Ib9LM8wYk/);
    const { data } = await new EinvoiceTestClient(printedApiUrl(output), new TestClock(new Date())).call('CheckLoveCode', { LoveCode: '919' });
    expect(data).toMatchObject({ RtnCode: 1, IsExist: 'Y' });
  } finally {
    cli.child.kill('SIGTERM');
  }
  expect(await cli.exited).toBe(0);
});

it('takes its port from EINVOICE_SANDBOX_PORT when --port is not given', async () => {
  const cli = run([], { EINVOICE_SANDBOX_PORT: '0' });
  try {
    expect(printedApiUrl(await cli.waitFor('HashIV'))).not.toMatch(/:4020$/);
  } finally {
    cli.child.kill('SIGTERM');
  }
  expect(await cli.exited).toBe(0);
});

it('refuses a port that is not a number', async () => {
  const cli = run(['--port', 'abc']);
  expect(await cli.exited).toBe(1);
  expect(cli.output()).toContain('the port must be a number');
});
