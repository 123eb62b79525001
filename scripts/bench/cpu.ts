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

/** CPU milliseconds used so far by each process the bench measures. */
export interface CpuMeters {
  shop(): number;
  bare(): number;
  database(): number;
}
