// `npm start` with NODE_ENV=production and the demo bank's defaults must stop before it opens
// anything: no embedded sandbox with public keys, no embedded database, no listening shop.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

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
