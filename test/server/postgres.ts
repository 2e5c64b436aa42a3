/**
 * A real PostgreSQL for the server suite: Debian's postgresql-15 cluster, started by the suite
 * when it is down (and stopped again after), with a fresh database and role per run, dropped at
 * the end. `QUORUM_TEST_POSTGRES_URL` names another server instead. When neither is there the
 * tests skip with the reason.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type TestDatabase = { url: string; drop(): Promise<void> } | { skip: string };

const asPostgres = (sql: string) =>
  run('runuser', ['-u', 'postgres', '--', 'psql', '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], {
    cwd: '/',
    timeout: 30_000,
  });

export async function testDatabase(): Promise<TestDatabase> {
  const given = process.env.QUORUM_TEST_POSTGRES_URL;
  if (given) return { url: given, drop: () => Promise.resolve() };
  let clusters: string;
  try {
    clusters = (await run('pg_lsclusters', ['-h'])).stdout;
  } catch {
    return {
      skip: 'PostgreSQL is not installed (apt-get install -y postgresql-15) and QUORUM_TEST_POSTGRES_URL is not set',
    };
  }
  const line = clusters.split('\n').find((l) => /^\d+\s+\S+\s+\d+/.test(l));
  if (!line) return { skip: 'no PostgreSQL cluster exists (pg_createcluster 15 main)' };
  const [version = '', name = '', port = '', status = ''] = line.split(/\s+/);
  let started = false;
  if (status !== 'online') {
    try {
      await run('pg_ctlcluster', [version, name, 'start'], { timeout: 60_000 });
      started = true;
    } catch (error) {
      return { skip: `PostgreSQL ${version}/${name} did not start: ${(error as Error).message}` };
    }
  }
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const role = `quorum_test_${suffix}`;
  const password = randomBytes(12).toString('hex');
  try {
    await asPostgres(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await asPostgres(`CREATE DATABASE ${role} OWNER ${role}`);
  } catch (error) {
    return { skip: `cannot create a test database: ${(error as Error).message}` };
  }
  return {
    url: `postgres://${role}:${password}@127.0.0.1:${port}/${role}`,
    async drop() {
      await asPostgres(`DROP DATABASE IF EXISTS ${role} WITH (FORCE)`).catch(() => undefined);
      await asPostgres(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      if (started) await run('pg_ctlcluster', [version, name, 'stop']).catch(() => undefined);
    },
  };
}
