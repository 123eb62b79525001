// `npm start` and `npm test` from a directory the postgres user cannot enter (a mktemp -d, root's
// home): the embedded PostgreSQL's initdb, run as that user, would die with EACCES deep inside.
// The shop stops first with one sentence saying what to do.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { firstClosedDirectory } from '../../src/db/embedded-postgres';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
// mkdtemp makes it 0700, owned by whoever runs the tests.
const closed = mkdtempSync(join(tmpdir(), 'fengshou-0700-'));
afterAll(() => rmSync(closed, { recursive: true, force: true }));

it('finds the first directory on the way that another user cannot enter', () => {
  const stranger = { uid: 54_321, gid: 54_321 };
  expect(firstClosedDirectory(join(closed, 'data', 'postgres'), stranger)).toBe(closed);
  expect(firstClosedDirectory(projectRoot, stranger)).toBeUndefined();
  const owner = { uid: process.getuid!(), gid: process.getgid!() };
  expect(firstClosedDirectory(join(closed, 'data'), owner)).toBeUndefined();
});

// Only root runs PostgreSQL as another user (postgres); anyone else runs it as themselves, who may
// enter their own 0700 directory, so the failure this guards against cannot happen to them.
it.runIf(process.getuid?.() === 0)('start-up with the embedded database under a 0700 directory stops with one sentence saying what to do', () => {
  const env = { PATH: process.env.PATH ?? '', HOME: closed, PORT: '0', SANDBOX_PORT: '0', EMBEDDED_PG_DIR: join(closed, 'postgres'), EMBEDDED_PG_PORT: '54999' };
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: projectRoot, env, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });

  expect(run.status).toBe(1);
  expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining(`cannot enter ${closed}`)]);
  expect(run.stderr).toMatch(/DATABASE_URL/);
});
