import { afterAll, beforeEach } from 'vitest';
import { startEinvoiceSandbox, type RunningEinvoiceSandbox } from '../../src/server';
import type { StartEinvoiceSandboxOptions } from '../../src/options';
import { EinvoiceTestClient, TestClock } from './client';

export interface SandboxFixture {
  sandbox: RunningEinvoiceSandbox;
  clock: TestClock;
  client: EinvoiceTestClient;
}

/**
 * Starts one sandbox for the file, on a test clock at `start` (default 2025-01-15 10:20:30 Taiwan
 * time), and resets its invoices, faults and clock before each test.
 */
export async function useSandbox(options: StartEinvoiceSandboxOptions = {}, start = '2025-01-15T02:20:30Z'): Promise<SandboxFixture> {
  const clock = new TestClock(new Date(start));
  const sandbox = await startEinvoiceSandbox({ clock: clock.now, ...options });
  const client = new EinvoiceTestClient(sandbox.apiUrl, clock);
  beforeEach(() => {
    sandbox.control.reset();
    clock.set(start);
  });
  afterAll(() => sandbox.close());
  return { sandbox, clock, client };
}
