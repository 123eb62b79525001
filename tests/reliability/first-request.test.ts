// A load balancer's health check, or a shopper, can reach the shop the instant it listens, before
// it has said it is open: that request must be answered, not accepted and left without an answer.
// The shop is started with the embedded e-invoice simulator, the slowest part of its start.
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_SHOP, silentLogger, startSandbox, type RunningSandbox } from 'sinopac-sandbox';
import { freePort } from '../../scripts/free-port';
import { sandboxBankEnv, startShopProcess, type ShopProcess } from '../support/shop-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const ANSWER_WITHIN_MS = 5_000;

/** Asks /healthz until a connection is accepted; what that first accepted request got. */
async function firstAcceptedRequest(url: string, until: Promise<unknown>): Promise<number | 'no answer'> {
  let done = false;
  void until.finally(() => (done = true));
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
      return res.status;
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') return 'no answer';
      // Refused: not listening yet. Keep asking while the shop is still starting.
      if (done) throw new Error(`the shop started, yet ${url} refused every connection`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

describe('the first request a starting shop accepts', () => {
  let bank: RunningSandbox | undefined;
  let database: TestDatabase | undefined;
  let shop: ShopProcess | undefined;
  afterAll(async () => {
    await shop?.stop();
    await bank?.close();
    await database?.drop();
  });

  it('is answered, even while the shop is still starting its e-invoice simulator', async () => {
    bank = await startSandbox({ shops: [DEMO_SHOP], port: 0, logger: silentLogger, atmAutoPayDelayMs: null });
    database = await createTestDatabase();
    const port = await freePort();
    const started = startShopProcess({ PORT: String(port), LOG_LEVEL: 'warn', DATABASE_URL: database.url, ...sandboxBankEnv(bank.apiUrl) });
    const first = firstAcceptedRequest(`http://127.0.0.1:${port}/healthz`, started);
    shop = await started;
    expect(await first).toBe(200);
  }, 120_000);
});
