// CPU time that processes have used, from /proc (Linux). On a machine shared with other work,
// CPU milliseconds per request stay put where requests per second swing widely.
import { readdirSync, readFileSync } from 'node:fs';

// USER_HZ, the unit of /proc/<pid>/stat times; 100 on every Linux the bench is run on.
const MS_PER_TICK = 10;

interface ProcessTimes {
  ppid: number;
  /** User + system time of the process itself. */
  ownMs: number;
  /** User + system time of its children that have exited and been waited for. */
  reapedChildrenMs: number;
}

function times(pid: number): ProcessTimes | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // it exited
  }
  // The command name may hold spaces and parentheses: fields are counted from after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  const [, ppid = 0] = fields;
  const [utime = 0, stime = 0, cutime = 0, cstime = 0] = fields.slice(11, 15);
  return { ppid, ownMs: (utime + stime) * MS_PER_TICK, reapedChildrenMs: (cutime + cstime) * MS_PER_TICK };
}

export function processCpuMs(pid: number): number {
  return times(pid)?.ownMs ?? 0;
}

/** A process and all its children, those still running and those gone: PostgreSQL's postmaster and its backends. */
export function processTreeCpuMs(pid: number): number {
  const parent = times(pid);
  if (!parent) return 0;
  let total = parent.ownMs + parent.reapedChildrenMs;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = times(Number(entry));
    if (child?.ppid === pid) total += child.ownMs;
  }
  return total;
}

/** CPU time the whole machine has spent busy (not idle or waiting for I/O) so far, all cores together. */
export function machineBusyMs(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal: all but idle and iowait are work.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks.map(Number);
  return (user + nice + system + irq + softirq + steal) * MS_PER_TICK;
}

/** This process's own CPU time: the load generators, the sandbox and the mail catcher. */
export function benchCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU milliseconds used so far by each process the bench measures. */
export interface CpuMeters {
  shop(): number;
  /** The bare app (pages) and the bare callback endpoint, on node:http and on Express. */
  bare(): number;
  bareEndpoint(): number;
  bareExpressEndpoint(): number;
  database(): number;
}
