/**
 * Several gateways (replicas) on one PostgreSQL. Work is shared through pg-boss (a job queue on
 * PostgreSQL that hands out jobs with SELECT … FOR UPDATE SKIP LOCKED): the replica that accepts a
 * run stores it and sends one job naming it; whichever replica has a free place fetches the job,
 * claims the run (a lease in the runs table) and runs it. Events are the runs table's events, and
 * LISTEN/NOTIFY tells the other replicas when new ones are stored, so any replica can stream any
 * run (replayed from the stored events, then followed).
 *
 * A replica renews the leases of its runs every HEARTBEAT_MS for LEASE_MS. Every replica sweeps
 * every SWEEP_MS: a run whose lease ran out (its replica died, or lost the database) is queued
 * again under its id (attempts + 1) and sent as a new job, so another replica takes it within
 * LEASE_MS + SWEEP_MS of the last heartbeat. A lease held by a process on the same host (and
 * PID namespace) that is gone is taken at once. A replica whose lease was taken stops that run
 * and writes nothing more for it (fenced). SQLite gateways never use this: one process per file.
 */
import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Client } from 'pg';
import type PgBoss from 'pg-boss';
import type { Logger } from '../../core/types';
import { RunEntry } from '../runEntry';
import type { StreamEvent } from '../runEntry';
import { decodeRun } from './runStore';
import type { RunStore, StoredRun } from './runStore';
import type { GatewayDb } from './schema';

/** How long a lease holds without a heartbeat. */
export const LEASE_MS = 10_000;
export const HEARTBEAT_MS = 2_000;
export const SWEEP_MS = 2_000;
/** Fallback polls (a NOTIFY missed while the listening connection was down). */
const POLL_MS = 1_000;
const QUEUE = 'quorum-runs';
const EVENTS = 'quorum_events';
const WORK = 'quorum_work';
const CANCEL = 'quorum_cancel';
const UNFINISHED = ['queued', 'running'];
/** A job left active by a killed replica fails after this (its run was sent again long before). */
const JOB_EXPIRE_S = 4 * 3600;

export interface ReplicaHooks {
  /** Places for another run on this replica now. */
  free(): number;
  /** Whether this replica is working on the run. */
  isLocal(id: string): boolean;
  /** Runs this replica works on. */
  local(): string[];
  /** Starts a run this replica claimed; registers it at once and resolves when it is finished. */
  adopt(run: StoredRun, events: StreamEvent[]): Promise<void>;
  /** DELETE on another replica for a run of this one. */
  cancelLocal(id: string): void;
  /** Another replica took this run (this one's lease ran out): stop it, write nothing more. */
  lost(id: string): void;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
}

/** `host/pid:[ns]:pid#random`, or $QUORUM_REPLICA_ID (a pod's name); shown in the runs table. */
export function replicaId(env: Readonly<Record<string, string | undefined>>): string {
  const given = env.QUORUM_REPLICA_ID?.trim();
  if (given) return given;
  return `${hostname()}/${pidNamespace() || '-'}:${process.pid}#${randomBytes(3).toString('hex')}`;
}

/** Whether a lease's holder is a process of this host and PID namespace that no longer runs. */
function holderGone(owner: string): boolean {
  const m = /^(?:accepted:)?(.*)\/(.+):(\d+)#[0-9a-f]+$/.exec(owner);
  if (!m || m[2] === '-') return false;
  const pid = Number(m[3]);
  return m[1] === hostname() && m[2] === pidNamespace() && pid !== process.pid && !alive(pid);
}

export class Replicas {
  private readonly db: Kysely<GatewayDb>;
  private readonly timers: NodeJS.Timeout[] = [];
  private listener?: Client;
  private stopped = false;
  private fetchStopped = false;
  private fetching = false;
  private fetchAgain = false;
  private taking = 0;
  private readonly followers = new Map<string, RunEntry>();
  private readonly catchingUp = new Set<string>();
  private readonly catchAgain = new Set<string>();

  private constructor(
    readonly id: string,
    private readonly url: string,
    private readonly store: RunStore,
    private readonly boss: PgBoss,
    private readonly hooks: ReplicaHooks,
    private readonly logger: Logger,
  ) {
    this.db = store.db;
  }

  /** Starts pg-boss (its schema made on first use), the listening connection and the timers. */
  static async start(
    url: string,
    store: RunStore,
    hooks: ReplicaHooks,
    options: { id: string; logger: Logger },
  ): Promise<Replicas> {
    const { default: Boss } = await import('pg-boss');
    const boss = new Boss({
      connectionString: url,
      max: 4,
      schedule: false,
      application_name: `quorum ${options.id}`,
    });
    boss.on('error', (error) => options.logger.warn(`job queue: ${String(error)}`));
    await boss.start();
    if (!(await boss.getQueue(QUEUE))) {
      await boss
        .createQueue(QUEUE, { name: QUEUE, retryLimit: 0, expireInSeconds: JOB_EXPIRE_S })
        .catch(async (error: unknown) => {
          // Another replica made it at the same moment.
          if (!(await boss.getQueue(QUEUE))) throw error;
        });
    }
    const replicas = new Replicas(options.id, url, store, boss, hooks, options.logger);
    store.onEventsStored = (ids) =>
      sql`select pg_notify(${EVENTS}, id) from unnest(${ids}::text[]) as id`.execute(store.db);
    await replicas.listen();
    const every = (ms: number, job: () => Promise<unknown>): void => {
      const timer = setInterval(() => {
        if (!replicas.stopped)
          job().catch((error: unknown) => options.logger.warn(`replica: ${String(error)}`));
      }, ms);
      timer.unref();
      replicas.timers.push(timer);
    };
    every(HEARTBEAT_MS, () => replicas.heartbeat());
    every(SWEEP_MS, () => replicas.sweep());
    every(POLL_MS, async () => {
      replicas.fetchNow();
      await Promise.all([...replicas.followers.keys()].map((id) => replicas.catchUp(id)));
    });
    return replicas;
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const pg = await import('pg');
    const client = new pg.Client({ connectionString: this.url });
    const retry = (): void => {
      if (this.listener !== client || this.stopped) return;
      this.listener = undefined;
      void client.end().catch(() => undefined);
      setTimeout(() => void this.listen().catch(retry), 1_000).unref();
    };
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', (n) => {
      const id = n.payload ?? '';
      if (n.channel === EVENTS && this.followers.has(id)) void this.catchUp(id);
      else if (n.channel === WORK) this.fetchNow();
      else if (n.channel === CANCEL && this.hooks.isLocal(id)) this.hooks.cancelLocal(id);
    });
    this.listener = client;
    await client.connect();
    await client.query(`LISTEN ${EVENTS}; LISTEN ${WORK}; LISTEN ${CANCEL}`);
  }

  /** Sends the job for a stored run; `accepted` clears the accepting replica's claim after. */
  async dispatch(id: string, options: { priority?: number; accepted?: boolean } = {}): Promise<void> {
    await this.boss.send(QUEUE, { id }, { priority: options.priority ?? 0 });
    if (options.accepted)
      await this.db
        .updateTable('runs')
        .set({ lease_owner: null, lease_until: null })
        .where('id', '=', id)
        .where('lease_owner', '=', this.acceptedBy)
        .execute();
    await sql`select pg_notify(${WORK}, ${id})`.execute(this.db);
  }

  /** The lease a run carries between its INSERT and its job (swept if the replica dies in between). */
  get acceptedBy(): string {
    return `accepted:${this.id}`;
  }

  /** Fetches as many jobs as this replica has places for, and takes each. */
  fetchNow(): void {
    if (this.fetchStopped) return;
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    this.fetching = true;
    void (async () => {
      do {
        this.fetchAgain = false;
        const free = this.hooks.free() - this.taking;
        if (free <= 0 || this.fetchStopped) break;
        const jobs = await this.boss.fetch<{ id: string }>(QUEUE, { batchSize: free });
        for (const job of jobs) void this.take(job.id, job.data.id);
        if (jobs.length === free) this.fetchAgain = true;
      } while (this.fetchAgain);
    })()
      .catch((error: unknown) => this.logger.warn(`job queue: ${String(error)}`))
      .finally(() => (this.fetching = false));
  }

  private async take(jobId: string, id: string): Promise<void> {
    this.taking++;
    let finished: Promise<void> | undefined;
    try {
      const run = this.hooks.isLocal(id) || this.fetchStopped ? undefined : await this.claim(id);
      if (run) {
        const events = await this.store.events(id);
        finished = this.hooks.adopt(run, events);
      }
    } catch (error) {
      this.logger.warn(`run ${id}: not taken: ${String(error)}`);
    } finally {
      this.taking--;
    }
    if (!finished && this.fetchStopped) {
      // Shutting down before it started here: the job goes back for another replica.
      await this.boss.fail(QUEUE, jobId).catch(() => undefined);
      if (!this.stopped) await this.dispatch(id).catch(() => undefined);
      return;
    }
    await finished?.catch(() => undefined);
    await this.boss.complete(QUEUE, jobId).catch(() => undefined);
    this.fetchNow();
  }

  /**
   * Takes the lease of an unfinished run that nobody holds (queued, only accepted, or its lease ran
   * out); the run as it is then, or undefined when another replica has it or it is finished.
   */
  async claim(id: string): Promise<StoredRun | undefined> {
    const now = Date.now();
    const row = await this.db
      .updateTable('runs')
      .set({ lease_owner: this.id, lease_until: now + LEASE_MS, updated_at: now })
      .where('id', '=', id)
      .where('status', 'in', UNFINISHED)
      .where((eb) =>
        eb.or([
          eb('lease_owner', 'is', null),
          eb('lease_owner', 'like', 'accepted:%'),
          eb('lease_until', '<', now),
        ]),
      )
      .returningAll()
      .executeTakeFirst();
    return row ? decodeRun(row) : undefined;
  }

  /** Renews this replica's leases; a run whose lease another replica took is lost here. */
  async heartbeat(): Promise<void> {
    const ids = this.hooks.local();
    if (!ids.length) return;
    const rows = await this.db
      .updateTable('runs')
      .set({ lease_until: Date.now() + LEASE_MS })
      .where('lease_owner', '=', this.id)
      .where('id', 'in', ids)
      .returning('id')
      .execute();
    const kept = new Set(rows.map((r) => r.id));
    for (const id of ids) if (!kept.has(id) && this.hooks.isLocal(id)) this.hooks.lost(id);
  }

  /** Queues again, under their ids, the runs whose replica stopped renewing; how many. */
  async sweep(): Promise<number> {
    const now = Date.now();
    const held = await this.db
      .selectFrom('runs')
      .select(['id', 'lease_owner', 'lease_until'])
      .where('status', 'in', UNFINISHED)
      .where('lease_owner', 'is not', null)
      .where('lease_owner', '!=', this.id)
      .execute();
    const stale = held.filter((r) => Number(r.lease_until) < now || holderGone(r.lease_owner ?? ''));
    let taken = 0;
    for (const r of stale) {
      const row = await this.db
        .updateTable('runs')
        .set({
          status: 'queued',
          lease_owner: null,
          lease_until: null,
          updated_at: now,
          attempts: sql<number>`attempts + 1`,
        })
        .where('id', '=', r.id)
        .where('status', 'in', UNFINISHED)
        .where('lease_owner', '=', r.lease_owner)
        .returning('id')
        .executeTakeFirst();
      if (!row) continue; // another replica's sweep was first
      await this.dispatch(r.id, { priority: 1 });
      taken++;
      this.logger.info(`run ${r.id}: its replica (${r.lease_owner}) stopped; queued again`);
    }
    if (taken) this.logger.info(`re-queued ${taken} run(s) left unfinished by a stopped replica`);
    return taken;
  }

  /** A run cut by this replica's shutdown: queued again at once for another replica. */
  async requeue(id: string): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({
        status: 'queued',
        lease_owner: null,
        lease_until: null,
        updated_at: Date.now(),
        attempts: sql<number>`attempts + 1`,
      })
      .where('id', '=', id)
      .where('lease_owner', '=', this.id)
      .execute();
    await this.dispatch(id, { priority: 1 });
  }

  /** The run as another replica stores it, followed (replayed, then each new event). */
  async follow(run: Parameters<typeof RunEntry.stored>[0]): Promise<RunEntry> {
    const known = this.followers.get(run.id);
    if (known) return known;
    const entry = RunEntry.following(run);
    if (entry.terminal || this.stopped) return entry;
    this.followers.set(run.id, entry);
    await this.catchUp(run.id);
    return entry;
  }

  private async catchUp(id: string): Promise<void> {
    const entry = this.followers.get(id);
    if (!entry) return;
    if (this.catchingUp.has(id)) {
      this.catchAgain.add(id);
      return;
    }
    this.catchingUp.add(id);
    try {
      do {
        this.catchAgain.delete(id);
        const rows = await this.db
          .selectFrom('events')
          .select(['seq', 'event', 'data'])
          .where('run_id', '=', id)
          .where('seq', '>', entry.events.at(-1)?.id ?? 0)
          .orderBy('seq')
          .execute();
        for (const r of rows) entry.append({ id: Number(r.seq), event: r.event, data: r.data });
      } while (this.catchAgain.has(id) && !entry.terminal);
    } finally {
      this.catchingUp.delete(id);
      if (entry.terminal) this.followers.delete(id);
    }
  }

  /** Tells the replica working on `id` to cancel it. */
  async cancelRemote(id: string): Promise<void> {
    await sql`select pg_notify(${CANCEL}, ${id})`.execute(this.db);
  }

  /** Runs waiting for a replica, across all of them (the admission bound). */
  async queued(): Promise<number> {
    const row = await this.db
      .selectFrom('runs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Stops taking jobs (the first step of a shutdown); leases are still renewed. */
  stopFetching(): void {
    this.fetchStopped = true;
  }

  async stop(): Promise<void> {
    this.fetchStopped = true;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    // Their streams are ended by the server's close; a client resumes on another replica.
    this.followers.clear();
    await this.boss.stop({ graceful: false, wait: true }).catch(() => undefined);
  }
}
