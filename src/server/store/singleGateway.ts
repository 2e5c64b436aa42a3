/**
 * One gateway per database, for now: a start re-queues every unfinished run it finds, so a second
 * gateway on the same database would run the first one's runs again. Each gateway holds a claim
 * for as long as it runs, and a second one is refused with a clear message:
 * - PostgreSQL: a session advisory lock on its own connection (freed by the server when the
 *   process dies, even by SIGKILL);
 * - a SQLite file: a lock file beside it naming the holder's PID (taken over when that process is
 *   gone, so a killed gateway never blocks the next start).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { UsageError } from '../../core/usageError';

/** The advisory lock's key: any constant that no other program on the database uses. */
const LOCK_KEY = 0x51_75_6f_72; // "Quor"

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
    `another quorum serve (${holder}) already uses the database ${where}: one gateway per database ` +
      "(a second one would run the first one's unfinished runs again). Stop it, or give this one its own --database.",
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

/** Claims a PostgreSQL database for this process; returns the release. */
async function claimPostgres(url: string, where: string): Promise<() => Promise<void>> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  // A dropped connection must not crash the gateway; its claim is then gone, which is logged by the pool's errors.
  client.on('error', () => undefined);
  const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
    LOCK_KEY,
  ]);
  if (!rows[0]?.locked) {
    await client.end();
    throw refused(where, 'another process');
  }
  return () => client.end().catch(() => undefined);
}

/** Claims the database at `location` (nothing to claim for `:memory:`); the result releases it. */
export async function claimDatabase(location: string, where: string): Promise<() => Promise<void>> {
  if (/^postgres(ql)?:\/\//i.test(location)) return claimPostgres(location, where);
  const path = location.replace(/^sqlite:/i, '');
  if (path === ':memory:') return () => Promise.resolve();
  const release = claimFile(path);
  return () => Promise.resolve(release());
}
