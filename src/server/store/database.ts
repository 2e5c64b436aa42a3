/**
 * Opens the gateway's database through Kysely and brings its schema up to date: SQLite by default
 * (one file in the data directory; better-sqlite3), PostgreSQL for a team (`--database
 * postgres://…`; pg), or SQLite in memory (`:memory:`, for tests and throw-away gateways). The
 * drivers are loaded only when used, so neither is needed by a gateway that uses the other.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import type { MigrationProvider } from 'kysely';
import { UsageError } from '../../core/usageError';
import { MIGRATIONS } from './schema';
import { claimDatabase } from './singleGateway';
import type { GatewayDb } from './schema';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface OpenDatabase {
  readonly db: Kysely<GatewayDb>;
  readonly kind: DatabaseKind;
  /** Where it is, without any password (`postgres://host:5432/db`, a file path, `:memory:`). */
  readonly where: string;
  /** Gives up this process's claim on the database (see singleGateway.ts). */
  readonly release: () => Promise<void>;
}

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

/** A postgres URL with its password masked, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

async function dialectFor(
  location: string,
): Promise<{ dialect: SqliteDialect | PostgresDialect; kind: DatabaseKind; where: string }> {
  if (/^postgres(ql)?:\/\//i.test(location)) {
    const { Pool } = await import('pg');
    // Bigints (the millisecond times) come back as numbers, not strings.
    const { types } = await import('pg');
    types.setTypeParser(20, (v: string) => Number(v));
    return {
      dialect: new PostgresDialect({ pool: new Pool({ connectionString: location, max: 10 }) }),
      kind: 'postgres',
      where: redactUrl(location),
    };
  }
  const path = location.replace(/^sqlite:/i, '');
  const { default: Database } = await import('better-sqlite3');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  // WAL: readers never wait for the writer; NORMAL sync is durable across a process kill.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  return { dialect: new SqliteDialect({ database }), kind: 'sqlite', where: path };
}

/** Opens `location` and applies every pending migration; a failure says which database and why. */
export async function openDatabase(location: string): Promise<OpenDatabase> {
  let opened: Awaited<ReturnType<typeof dialectFor>>;
  try {
    opened = await dialectFor(location);
  } catch (error) {
    throw new UsageError(`cannot open the database ${redactDb(location)}: ${(error as Error).message}`);
  }
  const db = new Kysely<GatewayDb>({ dialect: opened.dialect });
  let release: () => Promise<void>;
  try {
    release = await claimDatabase(location);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error instanceof UsageError
      ? error
      : new UsageError(`cannot open the database ${opened.where}: ${(error as Error).message}`);
  }
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    await release();
    await db.destroy().catch(() => undefined);
    throw new UsageError(
      `cannot prepare the database ${opened.where}: ${error instanceof Error ? error.message : JSON.stringify(error)}. ` +
        (opened.kind === 'postgres'
          ? 'Check that PostgreSQL is running, the URL names an existing database and the user may create tables.'
          : 'Check that the data directory is writable.'),
    );
  }
  return { db, kind: opened.kind, where: opened.where, release };
}

const redactDb = (location: string): string =>
  /^postgres(ql)?:\/\//i.test(location) ? redactUrl(location) : location;
