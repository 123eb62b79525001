// What an integrator gets: `npm pack` of this package, installed from the tarball in an empty
// directory (its dependencies from npm's cache, else the registry the machine uses), started with
// `npx sinopac-sandbox` under plain node, configured by a sandbox.yaml beside it. The keys it prints
// for a shop without any are the ones its API accepts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxProtocolClient } from './support/sandbox-client';
import { DAY_MS, taipeiDay } from '../src/taipei-time';

const packageDir = new URL('..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
const KEYS = { A1: '0F2A4C6E8091B3D5', A2: 'F7E6D5C4B3A29180', B1: '00000000000000FF', B2: '123456789ABCDEF0' };

// npm's own variables of a surrounding `npm test -w …` (its workspace, its prefix) must not steer the installs here.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && !/^(SANDBOX|SINOPAC)_/.test(name)));

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

let work: string;
let packed: { filename: string; files: Array<{ path: string }> };
const started: ChildProcess[] = [];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sinopac-sandbox-pack-'));
  packed = (JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], packageDir)) as Array<typeof packed>)[0]!;
  mkdirSync(join(work, 'app'));
  run('npm', ['install', join(work, packed.filename), '--prefer-offline', '--no-audit', '--no-fund'], join(work, 'app'));
}, 240_000);

afterAll(() => {
  // Each start is its own process group (npx and the node it runs, which npx does not pass signals
  // to): whatever of it is left, if a test failed half-way, is stopped.
  for (const child of started) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // The group has already ended.
    }
  }
  rmSync(work, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startCli(args: string[]): Started {
  const child = spawn('npx', ['sinopac-sandbox', ...args], { cwd: join(work, 'app'), env: { ...env, SANDBOX_PORT: '0' }, detached: true });
  started.push(child);
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/** Resolves with the output once it contains `marker`; rejects if the process ends first. */
function waitFor(cli: Started, marker: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!cli.output().includes(marker)) return;
      cli.child.stdout!.off('data', check);
      resolve(cli.output());
    };
    cli.child.stdout!.on('data', check);
    cli.exited.then((code) => reject(new Error(`exited (${code}) before printing ${marker}:\n${cli.output()}`)), () => {});
    check();
  });
}

describe('the packed tarball', () => {
  it('ships the compiled JavaScript, the READMEs and the changelog, and no sources or tests', () => {
    const files = packed.files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'README.zh-TW.md', 'CHANGELOG.md', 'dist/cli.js', 'dist/index.js']));
    expect(files.filter((file) => !/^(dist\/|package\.json$|README|CHANGELOG)/.test(file))).toEqual([]);
    expect(readFileSync(join(work, 'app', 'node_modules', 'sinopac-sandbox', 'dist', 'cli.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node/);
  });

  it('starts with npx in an empty directory, serves the shops of its sandbox.yaml, and stops on SIGTERM', async () => {
    writeFileSync(join(work, 'app', 'sandbox.yaml'), [
      'atmAutoPayDelayMs: null',
      'shops:',
      '  - shopNo: NA0700_001',
      '  - shopNo: NA0800_001',
      '    keyId: key-of-800',
      '    hashKeys:',
      ...Object.entries(KEYS).map(([name, key]) => `      ${name}: "${key}"`),
    ].join('\n'));
    const cli = startCli([]);
    const output = await waitFor(cli, 'Test cards:');
    expect(output).toContain(`SinoPac sandbox ${version} ready; it follows the bank's specification 豐收款—線上收款 API 開發規格書 V1.15`);
    expect(output).toMatch(/Configuration: .*sandbox\.yaml/);
    expect(output).toContain('X-KeyID:     key-of-800');
    // A given key is the shop's secret: never printed.
    expect(output).not.toContain(KEYS.A1);

    const apiUrl = /API base URL: +(\S+)/.exec(output)![1]!;
    const printed = /Shop NA0700_001\n +hash keys: +A1=(\w{16}) A2=(\w{16}) B1=(\w{16}) B2=(\w{16}) +\(generated for this run\)/.exec(output);
    expect(printed).not.toBeNull();
    const [, A1, A2, B1, B2] = printed!;
    const client = new SandboxProtocolClient({ apiUrl, shopNo: 'NA0700_001', hashKeys: { A1: A1!, A2: A2!, B1: B1!, B2: B2! } });
    const created = await client.call('OrderCreate', {
      ShopNo: 'NA0700_001', OrderNo: 'PACKED0001A', Amount: 50000, CurrencyID: 'TWD', PayType: 'A', PrdtName: 'tarball',
      ReturnURL: 'http://127.0.0.1:9/return', ATMParam: { ExpireDate: taipeiDay(new Date(Date.now() + 3 * DAY_MS)) },
    });
    expect(created.message).toMatchObject({ Status: 'S', OrderNo: 'PACKED0001A' });

    process.kill(-cli.child.pid!, 'SIGTERM');
    await waitFor(cli, 'SIGTERM received, stopping the sandbox');
    await cli.exited;
  }, 60_000);

  it('refuses a configuration it cannot use, naming the field, with exit code 1', async () => {
    writeFileSync(join(work, 'app', 'broken.json'), JSON.stringify({ shops: [{ shopNo: 'NA0900_001', hashKeys: { ...KEYS, B2: 'not-a-key' } }] }));
    const cli = startCli(['--config', 'broken.json']);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain('broken.json is not a valid sandbox configuration');
    expect(cli.output()).toContain('shops[0].hashKeys.B2: 16 hexadecimal digits');
  }, 60_000);
});
