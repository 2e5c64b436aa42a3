/**
 * Runs, their events and their records in the database. Writes go through one chain, so a run's
 * row exists before its events and its end comes after them; events are batched (one insert per
 * flush), because a streaming answer emits many small ones. `flush` waits for every write.
 */
import type { Kysely } from 'kysely';
import { isAskOutcome, outcomeOf } from '../../core/records/modelRecord';
import type { AskOutcome } from '../../core/records/modelRecord';
import type { RunRecord } from '../../core/types';
import type { RunFailure, RunStatus, StreamEvent } from '../runEntry';
import type { GatewayDb, RunsTable } from './schema';

/** One stored run, decoded. */
export interface StoredRun {
  readonly id: string;
  readonly owner: string;
  readonly status: RunStatus;
  readonly input: unknown;
  readonly idempotencyKey?: string;
  readonly createdAt: number;
  readonly finishedAt?: number;
  readonly record?: unknown;
  readonly error?: RunFailure;
  readonly attempts: number;
  readonly costUsd?: number;
}

const UNFINISHED = ['queued', 'running'];

/** A stored record shaped like the session's (what outcomeOf reads). */
function isRunRecord(value: unknown): value is RunRecord {
  const r = value as Partial<RunRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.askId === 'string' &&
    typeof r.startedAt === 'string' &&
    Array.isArray(r.candidates)
  );
}
/** Events written at once at most (SQLite allows 32766 bound values; 4 per row). */
const BATCH = 500;

export function decodeRun(row: RunsTable): StoredRun {
  return {
    id: row.id,
    owner: row.owner,
    status: row.status as RunStatus,
    input: JSON.parse(row.input) as unknown,
    idempotencyKey: row.idempotency_key ?? undefined,
    createdAt: Number(row.created_at),
    finishedAt: row.finished_at === null ? undefined : Number(row.finished_at),
    record: row.record === null ? undefined : (JSON.parse(row.record) as unknown),
    error: row.error === null ? undefined : (JSON.parse(row.error) as RunFailure),
    attempts: Number(row.attempts),
    costUsd: row.cost_usd === null ? undefined : Number(row.cost_usd),
  };
}

export class RunStore {
  private chain: Promise<unknown> = Promise.resolve();
  private pending: { runId: string; event: StreamEvent }[] = [];
  private flushScheduled = false;
  /** The first write that failed since the last flush, reported by `flush`. */
  private failure?: unknown;
  /** Replicas (replicas.ts): told which runs got new events once they are stored (NOTIFY). */
  onEventsStored?: (runIds: string[]) => Promise<unknown>;

  constructor(
    readonly db: Kysely<GatewayDb>,
    private readonly onError: (error: unknown) => void = () => undefined,
    /** Gives up the database claim (singleGateway.ts) when the store closes. */
    private readonly release: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /** Queues a write after every earlier one (events first). */
  private write(op: () => Promise<unknown>): Promise<void> {
    const next = this.chain.then(() => this.writeEvents()).then(op);
    this.chain = next.catch((error: unknown) => {
      this.failure ??= error;
      this.onError(error);
    });
    return this.chain.then(() => undefined);
  }

  private async writeEvents(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0, BATCH);
      await this.db
        .insertInto('events')
        .values(
          batch.map(({ runId, event }) => ({
            run_id: runId,
            seq: event.id,
            event: event.event,
            data: event.data,
          })),
        )
        // A re-queued run's events continue its numbering; a repeat of one already stored is a no-op.
        .onConflict((c) => c.columns(['run_id', 'seq']).doNothing())
        .execute();
      await this.onEventsStored?.([...new Set(batch.map((b) => b.runId))]);
    }
  }

  /** Resolves when every write so far is in the database; rejects with the first that failed. */
  async flush(): Promise<void> {
    await this.write(() => Promise.resolve());
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure instanceof Error ? failure : new Error(JSON.stringify(failure));
  }

  /**
   * Inserts a new run. When the owner's Idempotency-Key already names a run (another request
   * raced this one), nothing is inserted and that run's id comes back.
   */
  async create(run: {
    id: string;
    owner: string;
    input: unknown;
    idempotencyKey?: string;
    createdAt: number;
    /** Replicas: the accepting replica's claim until the run is in the shared queue. */
    lease?: { owner: string; until: number };
  }): Promise<string> {
    await this.flushPending();
    const row = {
      id: run.id,
      owner: run.owner,
      status: 'queued',
      input: JSON.stringify(run.input),
      idempotency_key: run.idempotencyKey ?? null,
      created_at: run.createdAt,
      updated_at: run.createdAt,
      attempts: 1,
      lease_owner: run.lease?.owner ?? null,
      lease_until: run.lease?.until ?? null,
    };
    const inserted = await this.db
      .insertInto('runs')
      .values(row)
      .onConflict((c) => c.columns(['owner', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return inserted.id;
    const existing = run.idempotencyKey ? await this.byKey(run.owner, run.idempotencyKey, 0) : undefined;
    if (!existing) throw new Error(`run ${run.id} was not stored`);
    return existing.id;
  }

  private flushPending(): Promise<void> {
    return this.write(() => Promise.resolve());
  }

  /** Appends an event; written with the next flush (a few milliseconds later). */
  appendEvent(runId: string, event: StreamEvent): void {
    this.pending.push({ runId, event });
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setTimeout(() => {
      this.flushScheduled = false;
      void this.write(() => Promise.resolve());
    }, 20);
  }

  setStatus(id: string, status: RunStatus, attempts?: number): Promise<void> {
    return this.write(() =>
      this.db
        .updateTable('runs')
        .set({ status, updated_at: Date.now(), ...(attempts ? { attempts } : {}) })
        .where('id', '=', id)
        .execute(),
    );
  }

  finish(
    id: string,
    status: RunStatus,
    record: unknown,
    error: RunFailure | undefined,
    costUsd?: number,
  ): Promise<void> {
    const now = Date.now();
    return this.write(async () => {
      await this.db
        .updateTable('runs')
        .set({
          status,
          updated_at: now,
          finished_at: now,
          record: record === undefined ? null : JSON.stringify(record),
          error: error === undefined ? null : JSON.stringify(error),
          cost_usd: costUsd ?? null,
        })
        .where('id', '=', id)
        .execute();
      await this.storeOutcome(id, record);
    });
  }

  /**
   * The model records' line of a finished run (outcomeOf: a cancelled ask, or one with no
   * candidate, tells nothing and is not kept), under the run's owner; replaced when the run ends again.
   */
  private async storeOutcome(runId: string, record: unknown): Promise<void> {
    const outcome = isRunRecord(record) ? outcomeOf(record) : undefined;
    if (!outcome) return;
    const run = await this.db.selectFrom('runs').select('owner').where('id', '=', runId).executeTakeFirst();
    if (!run) return;
    const row = {
      run_id: runId,
      owner: run.owner,
      at: Date.parse(outcome.at) || Date.now(),
      outcome: JSON.stringify(outcome),
    };
    await this.db
      .insertInto('model_outcomes')
      .values(row)
      .onConflict((c) => c.column('run_id').doUpdateSet({ at: row.at, outcome: row.outcome }))
      .execute();
  }

  /**
   * Stored ask outcomes (of one owner, or all), oldest first: the newest `limit` at or after
   * `since` (ms). Lines that do not parse as outcomes are left out.
   */
  async outcomes(
    owner: string | undefined,
    options: { readonly since?: number; readonly limit: number },
  ): Promise<AskOutcome[]> {
    let query = this.db
      .selectFrom('model_outcomes')
      .select(['outcome'])
      .orderBy('at', 'desc')
      .orderBy('run_id')
      .limit(options.limit);
    if (owner !== undefined) query = query.where('owner', '=', owner);
    if (options.since !== undefined) query = query.where('at', '>=', options.since);
    const rows = await query.execute();
    return rows
      .map((r): unknown => {
        try {
          return JSON.parse(r.outcome);
        } catch {
          return undefined;
        }
      })
      .filter(isAskOutcome)
      .reverse();
  }

  async get(id: string): Promise<StoredRun | undefined> {
    const row = await this.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? decodeRun(row) : undefined;
  }

  /** The run an owner's Idempotency-Key names, when it was made after `since`. */
  async byKey(owner: string, key: string, since: number): Promise<StoredRun | undefined> {
    const row = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('owner', '=', owner)
      .where('idempotency_key', '=', key)
      .where('created_at', '>=', since)
      .executeTakeFirst();
    return row ? decodeRun(row) : undefined;
  }

  async events(runId: string): Promise<StreamEvent[]> {
    const rows = await this.db
      .selectFrom('events')
      .select(['seq', 'event', 'data'])
      .where('run_id', '=', runId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({ id: Number(r.seq), event: r.event, data: r.data }));
  }

  /** Runs left queued or running by a process that stopped without finishing them, oldest first. */
  async unfinished(): Promise<StoredRun[]> {
    const rows = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('status', 'in', UNFINISHED)
      .orderBy('created_at')
      .execute();
    return rows.map(decodeRun);
  }

  /** The newest runs (of one owner, or all), newest first. */
  async list(owner: string | undefined, limit: number): Promise<StoredRun[]> {
    let query = this.db.selectFrom('runs').selectAll().orderBy('created_at', 'desc').limit(limit);
    if (owner !== undefined) query = query.where('owner', '=', owner);
    return (await query.execute()).map(decodeRun);
  }

  /** An owner's runs queued or running (in any process: the concurrent-runs quota across replicas). */
  async unfinishedOf(owner: string): Promise<number> {
    const row = await this.db
      .selectFrom('runs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('owner', '=', owner)
      .where('status', 'in', UNFINISHED)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Runs an owner started since `since` (for runs-per-minute quotas). */
  async countSince(owner: string, since: number): Promise<number> {
    const row = await this.db
      .selectFrom('runs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('owner', '=', owner)
      .where('created_at', '>=', since)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** What an owner's runs cost since `since`, in USD (for spend-per-day quotas). */
  async spendSince(owner: string, since: number): Promise<number> {
    const row = await this.db
      .selectFrom('runs')
      .select((eb) => eb.fn.sum<number>('cost_usd').as('usd'))
      .where('owner', '=', owner)
      .where('created_at', '>=', since)
      .executeTakeFirst();
    return Number(row?.usd ?? 0);
  }

  /** Keeps the newest `keep` finished runs (and their events); older finished ones are deleted. */
  prune(keep: number): Promise<void> {
    return this.write(async () => {
      const old = await this.db
        .selectFrom('runs')
        .select('id')
        .where('status', 'not in', UNFINISHED)
        .orderBy('created_at', 'desc')
        .offset(keep)
        .limit(1000)
        .execute();
      if (!old.length) return;
      const ids = old.map((r) => r.id);
      await this.db.deleteFrom('events').where('run_id', 'in', ids).execute();
      await this.db.deleteFrom('runs').where('id', 'in', ids).execute();
    });
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    await this.db.destroy();
    await this.release();
  }
}
