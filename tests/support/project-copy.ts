// A copy of this clone's files as they are now (committed or not, git's ignore rules applied) in
// another folder, sharing this clone's node_modules: for tests that build or change the project
// without touching the one the other tests run from.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a command to its end; throws with its output when it fails. */
export function run(file: string, args: string[], options: SpawnSyncOptions): string {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 180_000, ...options });
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return String(result.stdout);
}

export function copyProject(to: string): void {
  const files = run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: projectRoot }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(projectRoot, file))) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(projectRoot, file), join(to, file));
  }
  symlinkSync(join(projectRoot, 'node_modules'), join(to, 'node_modules'));
}
