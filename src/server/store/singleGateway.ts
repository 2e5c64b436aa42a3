/**
 * One gateway per SQLite file: a start re-queues every unfinished run it finds, so a second gateway
 * on the same file would run the first one's runs again. Each holds a claim for as long as it runs,
 * and a second one is refused with a clear message: a lock file beside the database naming the
 * holder's PID (taken over when that process is gone, so a killed gateway never blocks the next
 * start). PostgreSQL takes several gateways (replicas, see replicas.ts): nothing to claim there.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { UsageError } from '../../core/usageError';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const refused = (where: string, holder: string): UsageError =>
  new UsageError(
    `another quorum serve (${holder}) already uses the database ${where}: one gateway per database file ` +
      "(a second one would run the first one's unfinished runs again). Stop it, give this one its own --database, or use PostgreSQL for several gateways (replicas).",
  );

/** Claims a SQLite file for this process; returns the release. */
function claimFile(path: string): () => void {
  const lock = `${path}.lock`;
  const write = (): boolean => {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return true;
    } catch {
      return false;
    }
  };
  if (!write()) {
    const holder = Number(readFileSync(lock, 'utf8').trim());
    if (Number.isInteger(holder) && holder !== process.pid && alive(holder))
      throw refused(path, `pid ${holder}`);
    // Its holder is gone (killed): the claim is this process's now.
    rmSync(lock, { force: true });
    if (!write()) throw refused(path, 'a process starting at the same moment');
  }
  return () => {
    try {
      if (readFileSync(lock, 'utf8').trim() === String(process.pid)) rmSync(lock, { force: true });
    } catch {
      // already gone
    }
  };
}

/** Claims the database at `location` (nothing to claim for PostgreSQL or `:memory:`); the result releases it. */
export function claimDatabase(location: string): Promise<() => Promise<void>> {
  const path = location.replace(/^sqlite:/i, '');
  if (/^postgres(ql)?:\/\//i.test(location) || path === ':memory:')
    return Promise.resolve(() => Promise.resolve());
  return new Promise((resolve) => {
    const release = claimFile(path);
    resolve(() => Promise.resolve(release()));
  });
}
