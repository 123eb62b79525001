// A real shop process, started the way `npm start` starts it outside production (src/main.ts under tsx),
// or by another command (the compiled shop of a production install, tests/deploy/), for tests
// that need several shops on one database. It logs where it listens; stop() sends it SIGTERM and
// resolves with its exit code once it has shut down (0 means a clean, graceful shutdown).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEMO_SHOP } from 'sinopac-sandbox';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const OPEN_AT = /Fengshou Shop is open at (http:\/\/127\.0\.0\.1:\d+)\//;
// Only the end of the output is kept, for the error message when the shop does not start.
const KEPT_OUTPUT = 20_000;

export interface ShopProcess {
  /** e.g. http://127.0.0.1:40123, also the shop's ReturnURL/BackendURL origin. */
  baseUrl: string;
  /** False once the process has ended, by itself or by stop(). */
  running(): boolean;
  /** Everything it printed, up to the last 20,000 characters. */
  output(): string;
  stop(): Promise<number | null>;
}

/** The settings that make a shop process use the sandbox at apiUrl as its bank, as the demo shop. */
export function sandboxBankEnv(apiUrl: string): Record<string, string> {
  return {
    SINOPAC_API_URL: apiUrl,
    SINOPAC_SHOP_NO: DEMO_SHOP.shopNo,
    SINOPAC_HASH_A1: DEMO_SHOP.hashKeys.A1,
    SINOPAC_HASH_A2: DEMO_SHOP.hashKeys.A2,
    SINOPAC_HASH_B1: DEMO_SHOP.hashKeys.B1,
    SINOPAC_HASH_B2: DEMO_SHOP.hashKeys.B2,
  };
}

/** How to start it: the source through tsx in the project, unless another command (and folder) is given. */
export interface ShopCommand {
  file: string;
  args: string[];
  cwd: string;
}

export function startShopProcess(env: Record<string, string>, timeoutMs = 90_000, command?: ShopCommand): Promise<ShopProcess> {
  const { file, args, cwd } = command ?? { file: process.execPath, args: ['--import', 'tsx', 'src/main.ts'], cwd: projectRoot };
  const child = spawn(file, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-KEPT_OUTPUT);
  };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return new Promise((resolve, reject) => {
    let ready = false;
    const fail = (reason: string) => {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      reject(new Error(`shop process ${reason}:\n${output}`));
    };
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    child.stderr?.on('data', keep);
    child.stdout?.on('data', (chunk: Buffer) => {
      keep(chunk);
      const baseUrl = OPEN_AT.exec(output)?.[1];
      if (ready || !baseUrl) return;
      ready = true;
      clearTimeout(timer);
      resolve({
        baseUrl,
        running: () => child.exitCode === null && child.signalCode === null,
        output: () => output,
        stop: () => stopChild(child, exited),
      });
    });
    child.once('exit', (code) => {
      if (!ready) fail(`exited with ${code} before it was ready`);
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  return exited;
}
