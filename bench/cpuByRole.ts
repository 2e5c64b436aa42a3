/**
 * Where the CPU of a sandbox run goes, for the benchmark's explanation line: this process (the
 * host side of Quorum), the container engine (dockerd, containerd and its shims) and the programs
 * in the containers. Read from /proc/PID/task/TID/schedstat (nanoseconds on CPU), so Linux only.
 */
import { readFileSync, readdirSync } from 'node:fs';

export type Role = 'engine' | 'program';

/** Process names (comm) of each role; the benchmark's programs are Python. */
const ROLE_OF: readonly [RegExp, Role][] = [
  [/^(dockerd|containerd|containerd-shim|runc)/, 'engine'],
  [/^python3/, 'program'],
];

function roleOf(comm: string): Role | undefined {
  return ROLE_OF.find(([pattern]) => pattern.test(comm))?.[1];
}

/** Nanoseconds on CPU so far per role, summed over every thread of every process; undefined off Linux. */
export function cpuNsByRole(): Map<Role, number> | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid);
  } catch {
    return undefined;
  }
  const totals = new Map<Role, number>();
  for (const pid of pids) {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const role = roleOf(comm);
      if (!role) continue;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        totals.set(role, (totals.get(role) ?? 0) + ns);
      }
    } catch {
      // The process ended while we looked: its time is lost to both snapshots alike.
    }
  }
  return totals;
}

/** CPU milliseconds per role (and this process as 'host') spent while `body` ran. */
export async function cpuDuring(body: () => Promise<unknown>): Promise<Map<Role | 'host', number>> {
  const before = cpuNsByRole(); // scanned outside the measured span
  const self = process.cpuUsage();
  await body();
  const used = process.cpuUsage(self);
  const after = cpuNsByRole();
  const result = new Map<Role | 'host', number>([['host', (used.user + used.system) / 1000]]);
  for (const [role, ns] of after ?? []) result.set(role, (ns - (before?.get(role) ?? 0)) / 1e6);
  return result;
}
