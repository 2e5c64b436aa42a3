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

/** Nanoseconds on CPU so far of every thread of a process with a role, by thread id; undefined off Linux. */
export function cpuNsByThread(): Map<string, { role: Role; ns: number }> | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid);
  } catch {
    return undefined;
  }
  const threads = new Map<string, { role: Role; ns: number }>();
  for (const pid of pids) {
    try {
      const role = roleOf(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
      if (!role) continue;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        threads.set(tid, { role, ns });
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return threads;
}

/**
 * CPU milliseconds per role (and this process as 'host') spent while `body` ran. Per thread, so
 * a thread that ends meanwhile does not make a sum go down; its own last slice is not counted.
 */
export async function cpuDuring(body: () => Promise<unknown>): Promise<Map<Role | 'host', number>> {
  const before = cpuNsByThread(); // scanned outside the measured span
  const self = process.cpuUsage();
  await body();
  const used = process.cpuUsage(self);
  const after = cpuNsByThread();
  const result = new Map<Role | 'host', number>([['host', (used.user + used.system) / 1000]]);
  for (const [tid, { role, ns }] of after ?? []) {
    const delta = (ns - (before?.get(tid)?.ns ?? 0)) / 1e6;
    result.set(role, (result.get(role) ?? 0) + delta);
  }
  return result;
}
