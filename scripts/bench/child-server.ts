// An HTTP server in its own Node process (TypeScript through tsx's loader, no wrapper process), so
// its resident memory is its own and its CPU is scheduled apart from the bench's load generator.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { freePort } from '../free-port';
import { processCpuMs } from './cpu';

export interface ChildServer {
  baseUrl: string;
  /** Current and peak resident set size in bytes, from /proc (Linux). */
  memory(): { rss: number; peakRss: number };
  /** CPU time it has used so far. */
  cpuMs(): number;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

function statusField(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  const kilobytes = Number(line?.split(/\s+/)[1]);
  if (!Number.isFinite(kilobytes)) throw new Error(`no ${field} for process ${pid}`);
  return kilobytes * 1024;
}

export async function startChildServer(options: {
  name: string;
  entry: string;
  env: Record<string, string>;
  /** Where the child's stdout and stderr go. */
  logFile: string;
}): Promise<ChildServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const log = openSync(options.logFile, 'w');
  // A clean environment: nothing from the developer's shell (DATABASE_URL, SINOPAC_*) leaks in.
  // BENCH_CPU_PROF_DIR=dir writes each server's V8 CPU profile there when it stops (node --cpu-prof).
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF_DIR] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', options.entry], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env, PORT: String(port) },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited with ${child.exitCode} while starting; see ${options.logFile}`);
    // Bounded: a request the child accepts and never answers must not stall the bench.
    const healthy = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) }).then((res) => res.ok, () => false);
    if (healthy) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} did not answer /healthz within ${START_TIMEOUT_MS / 1000} s; see ${options.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const pid = child.pid!;
  const running = () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${options.name} stopped during the run (${child.signalCode ?? `exit code ${child.exitCode}`}); see ${options.logFile}`);
    }
  };
  return {
    baseUrl,
    memory: () => {
      running();
      return { rss: statusField(pid, 'VmRSS'), peakRss: statusField(pid, 'VmHWM') };
    },
    cpuMs: () => {
      running();
      return processCpuMs(pid);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
