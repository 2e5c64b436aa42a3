/**
 * The gateway's tables, the same on SQLite and PostgreSQL (one data layer: Kysely), and the
 * migrations that make them. JSON is stored as text and times as milliseconds since the epoch,
 * so both engines hold exactly the same values.
 */
import type { Kysely, Migration } from 'kysely';

export interface RunsTable {
  id: string;
  /** The token's hashed id (`t:` + 16 hex digits of its SHA-256), or `local` without tokens. */
  owner: string;
  status: string;
  /** The ask as submitted (prompt, context, models, execute): what a restart runs again. */
  input: string;
  /** Absent for runs without an Idempotency-Key; unique per owner otherwise. */
  idempotency_key: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  record: string | null;
  error: string | null;
  /** How many times it was started: 1, or more after restarts that re-queued it. */
  attempts: number;
  cost_usd: number | null;
  /**
   * Replicas on PostgreSQL (replicas.ts): the replica working on the run (`accepted:ID` while it
   * waits in the shared queue), renewed by heartbeat until `lease_until` (ms); null otherwise.
   */
  lease_owner: string | null;
  lease_until: number | null;
}

export interface EventsTable {
  run_id: string;
  seq: number;
  event: string;
  data: string;
}

/**
 * Each finished ask's model outcome (core/records/modelRecord.ts: ids, counts, latency, cost;
 * never the prompt or code), kept apart from the bounded run history so the records outlive it.
 */
export interface ModelOutcomesTable {
  /** The run's id (one outcome per run; a run finished again replaces its outcome). */
  run_id: string;
  /** The run's owner, as in `runs`: a token sees the outcomes of its own runs. */
  owner: string;
  /** When the ask started (ms since the epoch). */
  at: number;
  /** The AskOutcome as JSON. */
  outcome: string;
}

export interface GatewayDb {
  runs: RunsTable;
  events: EventsTable;
  model_outcomes: ModelOutcomesTable;
}

/** Applied in name order by Kysely's Migrator; never edit a released one, add the next. */
export const MIGRATIONS: Record<string, Migration> = {
  '001_runs_and_events': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .addColumn('record', 'text')
        .addColumn('error', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('cost_usd', 'double precision')
        .execute();
      await db.schema
        .createIndex('runs_owner_key')
        .on('runs')
        .columns(['owner', 'idempotency_key'])
        .unique()
        .execute();
      await db.schema.createIndex('runs_status').on('runs').column('status').execute();
      await db.schema.createIndex('runs_created').on('runs').column('created_at').execute();
      await db.schema.createIndex('runs_owner_created').on('runs').columns(['owner', 'created_at']).execute();
      await db.schema
        .createTable('events')
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('events_pk', ['run_id', 'seq'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('events').execute();
      await db.schema.dropTable('runs').execute();
    },
  },
  '002_run_leases': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('runs').addColumn('lease_owner', 'text').execute();
      await db.schema.alterTable('runs').addColumn('lease_until', 'bigint').execute();
      // Runs a gateway of before this migration left unfinished: an expired lease, so a replica takes them.
      await (db as Kysely<GatewayDb>)
        .updateTable('runs')
        .set({ lease_owner: 'before-leases', lease_until: 0 })
        .where('status', 'in', ['queued', 'running'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('runs').dropColumn('lease_until').execute();
      await db.schema.alterTable('runs').dropColumn('lease_owner').execute();
    },
  },
  '003_model_outcomes': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('model_outcomes')
        .addColumn('run_id', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('model_outcomes_owner_at')
        .on('model_outcomes')
        .columns(['owner', 'at'])
        .execute();
      await db.schema.createIndex('model_outcomes_at').on('model_outcomes').column('at').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('model_outcomes').execute();
    },
  },
};
