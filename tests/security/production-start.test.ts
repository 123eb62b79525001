// `npm start` with NODE_ENV=production and the demo bank's defaults, or with settings that look real
// but are not (the sandbox's public keys, the bank's test host, a password sent in clear, a secret
// anyone could guess), must stop before it opens anything. A staging shop that says it is one
// runs, and every page says so.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SHOP } from 'sinopac-sandbox';
import { startShopApp, type ShopApp } from '../support/shop-app';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

it('the shop refuses to start in production on the embedded sandbox and database, naming each variable', () => {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', PORT: '0', SANDBOX_PORT: '0' };
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: projectRoot, env, encoding: 'utf8', timeout: 60_000 });

  expect(run.status).toBe(1);
  for (const name of ['SINOPAC_API_URL', 'SINOPAC_SHOP_NO', 'SINOPAC_HASH_A1', 'DATABASE_URL', 'PUBLIC_BASE_URL', 'SESSION_SECRET']) {
    expect(run.stderr).toContain(name);
  }
  expect(run.stdout).not.toMatch(/sandbox|PostgreSQL|open at/i);
});

it('refuses, before opening anything, the sandbox demo shop with an https bank, the bank\'s test host, a clear-text SMTP password and a regular secret', () => {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    PORT: '0',
    DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/shop',
    PUBLIC_BASE_URL: 'https://shop.example.com.tw',
    SINOPAC_API_URL: 'https://apisbx.sinopac.com/funBIZ-Sbx/QPay.WebAPI/api',
    SINOPAC_SHOP_NO: DEMO_SHOP.shopNo,
    SINOPAC_HASH_A1: DEMO_SHOP.hashKeys.A1,
    SINOPAC_HASH_A2: DEMO_SHOP.hashKeys.A2,
    SINOPAC_HASH_B1: DEMO_SHOP.hashKeys.B1,
    SINOPAC_HASH_B2: DEMO_SHOP.hashKeys.B2,
    SMTP_URL: 'smtp://shop:password@smtp.example.com:25',
    SESSION_SECRET: '0123456789abcdef'.repeat(4),
  };
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: projectRoot, env, encoding: 'utf8', timeout: 60_000 });

  expect(run.status).toBe(1);
  expect(run.stderr).toContain("SINOPAC_SHOP_NO must be the bank's, not the embedded sandbox's public demo value");
  expect(run.stderr).toContain("SINOPAC_HASH_B2 must be the bank's, not the embedded sandbox's public demo value");
  expect(run.stderr).toContain("SINOPAC_API_URL must be the bank's production host");
  expect(run.stderr).toContain('SMTP_URL carries a password');
  expect(run.stderr).toContain('SESSION_SECRET must hold 32 random bytes');
  expect(run.stderr).not.toContain(DEMO_SHOP.hashKeys.A1);
  expect(run.stdout).not.toMatch(/sandbox|PostgreSQL|open at/i);
});

describe('a staging shop on the bank\'s test host (SINOPAC_ENVIRONMENT=test)', () => {
  let staging: ShopApp;
  let real: ShopApp;
  beforeAll(async () => {
    [staging, real] = await Promise.all([startShopApp({ bankTestMode: true }), startShopApp()]);
  });
  afterAll(async () => {
    await Promise.all([staging?.close(), real?.close()]);
  });

  it.each(['/', '/cart', '/orders', '/orders/lookup', '/no-such-page'])('says "test mode" on %s in both languages, and a real shop does not', async (path) => {
    const zh = await request(staging.app).get(path).set('Accept-Language', 'zh-TW');
    expect(zh.text).toContain('data-testid="test-mode"');
    expect(zh.text).toContain('測試模式');
    const en = await request(staging.app).get(path).set('Accept-Language', 'en');
    expect(en.text).toContain("Test mode: this shop is connected to the bank&#39;s test environment.");
    const shop = await request(real.app).get(path).set('Accept-Language', 'en');
    expect(shop.text).not.toContain('data-testid="test-mode"');
  });
});
