// What an integrator gets: `npm pack` of the package, installed from the tarball in an empty
// directory (its dependencies from npm's cache), its command started under plain node.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCli, printedApiUrl } from './support/cli-process';
import { EinvoiceTestClient, issueData, TestClock } from './support/client';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
// npm's own variables of a surrounding `npm test -w …` must not steer the installs here.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'EINVOICE_SANDBOX_PORT'));

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

let work: string;
let files: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ecpay-einvoice-sandbox-pack-'));
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], packageDir)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  files = packed!.files.map((file) => file.path);
  mkdirSync(join(work, 'app'));
  run('npm', ['install', join(work, packed!.filename), '--prefer-offline', '--no-audit', '--no-fund'], join(work, 'app'));
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

it('ships the compiled JavaScript, the READMEs and the changelog, and no sources or tests', () => {
  expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'README.zh-TW.md', 'CHANGELOG.md', 'dist/cli.js', 'dist/index.js']));
  expect(files.filter((file) => !/^(dist\/|package\.json$|README|CHANGELOG)/.test(file))).toEqual([]);
  expect(readFileSync(join(work, 'app', 'node_modules', 'ecpay-einvoice-sandbox', 'dist', 'cli.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node/);
});

it('is imported by plain node and starts with its command, issuing an invoice for the stage merchant', async () => {
  const imported = run(process.execPath, ['--input-type=module', '-e', "const m = await import('ecpay-einvoice-sandbox'); console.log(typeof m.startEinvoiceSandbox, m.STAGE_MERCHANT.merchantId)"], join(work, 'app'));
  expect(imported.trim()).toBe('function 2000132');

  const cli = startCli(join(work, 'app', 'node_modules', '.bin', 'ecpay-einvoice-sandbox'), ['--port', '0'], { cwd: join(work, 'app'), env });
  try {
    const output = await cli.waitFor('HashIV');
    const { data } = await new EinvoiceTestClient(printedApiUrl(output), new TestClock(new Date())).call('Issue', issueData());
    expect(data).toMatchObject({ RtnCode: 1, InvoiceNo: 'AB10000000' });
  } finally {
    cli.child.kill('SIGTERM');
  }
  expect(await cli.exited).toBe(0);
}, 60_000);
