/**
 * The gateway without HTTP: one long-lived sandbox (its warm pool serves every ask), the runs under
 * way, the database that keeps every run, and the admission queue. Every ask goes through the one
 * pipeline builder and `startAsk`, exactly as `quorum ask` does; the gateway only listens to the
 * session's events and keeps them.
 *
 * Concurrency is by resource: an admitted ask holds no sandbox slot while its models answer (its
 * program runs wait for the engines' own bound, `maxConcurrent` per engine), model streams are
 * bounded per endpoint and key (ModelGate), and admission itself is sized from the engines' run
 * capacity, fair per token. A start re-queues the runs a killed process left unfinished.
 */
import { randomUUID } from 'node:crypto';
import { buildPipeline, createSandbox } from '../core/pipeline';
import type { QuorumConfig } from '../core/config';
import { PROVIDER_REGISTRY } from '../core/providers/registry';
import type { DockerSandbox } from '../core/sandbox/docker';
import { applyStrategyOverride } from '../core/strategy/override';
import type { StrategySettings } from '../core/strategy/plan';
import { LANGUAGES, SandboxError, silentLogger } from '../core/types';
import type {
  AskRequest,
  JudgeInput,
  Logger,
  ModelConfig,
  Provider,
  RunResult,
  Verdict,
} from '../core/types';
import { keyFromEnv } from '../core/apiKeys';
import type { ConfigTrust } from '../core/configTrust';
import { LOCAL_CALLER } from './auth';
import type { Caller } from './auth';
import { HttpError, badField, notFound } from './httpError';
import { GatewayMetrics } from './metrics';
import { ModelGate } from './modelGate';
import type { ServerSettings } from './options';
import { checkQuota } from './quotas';
import { RunEntry, RunRegistry, TERMINAL } from './runEntry';
import type { RunPersistence } from './runEntry';
import { failureOf } from './runEntry';
import { runAsk } from './askJob';
import { checkUpload, runProjectAsk } from './projectAsk';
import { RunQueue } from './runQueue';
import type { AskInput, ExecuteInput } from './schemas';
import { openDatabase } from './store/database';
import { LEASE_MS, Replicas, replicaId } from './store/replicas';
import type { ReplicaHooks } from './store/replicas';
import { RunStore } from './store/runStore';
import type { StoredRun } from './store/runStore';

export interface GatewayInit {
  readonly config: QuorumConfig;
  readonly settings: ServerSettings;
  /** Where model keys and the engine's address are read (the server's environment). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** How far the config file is trusted with vendor keys (core/configTrust.ts); a config built in code is. */
  readonly keyTrust?: ConfigTrust;
}

/** How long a start waits for the sandbox's first use (orphan sweep, warm pool) before listening anyway. */
const WARM_WAIT_MS = 15_000;

const shuttingDown = (): HttpError =>
  new HttpError(
    503,
    'shutting-down',
    'The gateway is shutting down.',
    'Retry against another instance, or in a minute.',
    {
      'retry-after': '30',
    },
  );

/** Asks admitted per sandbox run slot: an ask spends most of its time waiting on models. */
const ASKS_PER_RUN_SLOT = 2;

export class Gateway {
  readonly registry = new RunRegistry();
  readonly queue: RunQueue;
  readonly logger: Logger;
  readonly models: ModelGate;
  /** What /metrics serves (a Registry of this gateway's own). */
  readonly metrics: GatewayMetrics;
  private sandbox?: DockerSandbox;
  private closing = false;
  /** execute/judge calls under way, aborted when the shutdown deadline passes. */
  private readonly calls = new Set<AbortController>();
  private readonly persistence: RunPersistence;
  /** Runs cancelled by DELETE (the others a shutdown cuts stay queued in the database). */
  private readonly cancelledByOwner = new Set<string>();
  /** On PostgreSQL: the replicas sharing the database (store/replicas.ts); absent on SQLite. */
  private replicas?: Replicas;
  /** Runs whose lease another replica took: stopped here, nothing more of them is written. */
  private readonly fenced = new Set<string>();
  /** Writes a shutdown waits for before it closes the job queue and the database. */
  private readonly settling = new Set<Promise<unknown>>();

  private constructor(
    private readonly init: GatewayInit,
    readonly store: RunStore,
    /** Runs the engines can run at once (the sum of their maxConcurrent), 0 without a sandbox. */
    readonly runSlots: number,
  ) {
    const { settings } = init;
    this.logger = init.logger ?? silentLogger;
    const admitted = settings.maxConcurrentRuns ?? Math.min(256, Math.max(4, runSlots * ASKS_PER_RUN_SLOT));
    this.queue = new RunQueue(admitted, settings.queueSize ?? admitted * 4);
    this.models = new ModelGate(settings.modelStreams, (model, seconds, ok) =>
      this.metrics.observeModel(model.kind, model.id, seconds, ok),
    );
    this.metrics = new GatewayMetrics({
      queue: () => this.queue.counts,
      runsByState: () => this.runsByState(),
      sandboxSlots: () =>
        (this.sandbox?.slots() ?? []).map((s) => ({
          engine: s.engine,
          inUse: s.running,
          capacity: s.maxConcurrent,
        })),
      modelStreams: () => this.models.use(),
    });
    this.persistence = {
      event: (id, event) => {
        this.metrics.runEvent(id, event.event);
        if (this.fenced.has(id)) return;
        // The end of a run a shutdown cuts is not stored: the run goes on in the next attempt.
        if (event.event === 'end' && this.closing && !this.cancelledByOwner.has(id)) return;
        store.appendEvent(id, event);
      },
      status: (id, status) => {
        if (!this.fenced.has(id)) void store.setStatus(id, status);
      },
      finish: (id, status, record, error) => {
        if (this.fenced.delete(id)) {
          this.registry.remove(id);
          return;
        }
        // Cut by a shutdown, not by its owner: left queued, so the next start (or replica) runs it again.
        if (this.closing && status === 'cancelled' && !this.cancelledByOwner.has(id)) {
          const requeued = (this.replicas ? this.replicas.requeue(id) : store.setStatus(id, 'queued'))
            .catch((e: unknown) => this.logger.warn(`run ${id}: not queued again: ${String(e)}`))
            .finally(() => {
              this.registry.remove(id);
              this.settling.delete(requeued);
            });
          this.settling.add(requeued);
          return;
        }
        this.cancelledByOwner.delete(id);
        this.metrics.runFinished(status);
        const cost = record?.candidates.reduce((sum, c) => sum + (c.costUsd ?? 0), 0);
        void store
          .finish(id, status, record, error, cost)
          .then(() => (this.closing ? undefined : store.prune(this.init.settings.historySize)))
          .finally(() => this.registry.remove(id));
      },
    };
  }

  /**
   * Opens the database (migrating it), makes the sandbox (its first use removes the containers a
   * killed earlier server left behind) and re-queues the runs such a server left unfinished.
   */
  static async create(init: GatewayInit): Promise<Gateway> {
    const logger = init.logger ?? silentLogger;
    const { db, where, release, kind } = await openDatabase(init.settings.database);
    const store = new RunStore(
      db,
      (error) => logger.error(`database write failed: ${String(error)}`),
      release,
    );
    const { config } = init;
    const sandbox = config.sandbox.enabled
      ? createSandbox(config.sandbox, { logger, env: init.env })
      : undefined;
    const engines = sandbox ? await sandbox.engines().catch(() => []) : [];
    const runSlots = engines.reduce((n, e) => n + e.maxConcurrent, 0);
    const gateway = new Gateway(init, store, runSlots);
    gateway.sandbox = sandbox;
    logger.info(
      `runs in ${where}; ${gateway.queue.capacity} asks at once (engines run ${runSlots} programs at once), ` +
        `${gateway.queue.size} queued at most, ${init.settings.modelStreams} streams per model endpoint`,
    );
    if (kind === 'postgres') {
      const replicas = await Replicas.start(init.settings.database, store, gateway.replicaHooks(), {
        id: replicaId(init.env),
        logger,
      });
      gateway.replicas = replicas;
      logger.info(`replica ${replicas.id}: sharing runs with the other gateways on ${where}`);
      // Before listening: runs of replicas that are gone (a killed process of this host at once).
      await replicas.sweep();
    } else await gateway.requeueUnfinished();
    if (sandbox) {
      const warmed = sandbox
        .warm(config.language ?? 'python')
        .catch((error: unknown) => gateway.logger.warn(`sandbox not ready: ${failureOf(error).message}`));
      // The sweep comes first and is quick; an image pull behind it must not hold the port closed.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([warmed, new Promise((resolve) => (timer = setTimeout(resolve, WARM_WAIT_MS)))]);
      clearTimeout(timer);
    }
    gateway.replicas?.fetchNow();
    return gateway;
  }

  /** This replica's id on a shared PostgreSQL, else undefined. */
  get replicaId(): string | undefined {
    return this.replicas?.id;
  }

  /** What the shared job queue needs from this gateway. */
  private replicaHooks(): ReplicaHooks {
    return {
      free: () => {
        const { running, queued, capacity } = this.queue.counts;
        return this.closing ? 0 : capacity - running - queued;
      },
      isLocal: (id) => this.registry.get(id) !== undefined,
      local: () => this.registry.all().map((e) => e.id),
      adopt: (run, events) => {
        const entry = new RunEntry(
          run.id,
          run.owner,
          this.persistence,
          events,
          run.attempts > 1 ? 'requeued' : 'continue',
        );
        this.registry.add(entry);
        try {
          this.enqueue(entry, run.input as AskInput);
        } catch (error) {
          // Not runnable here (a model this replica's config lacks): failed, with the reason.
          entry.finish('failed', undefined, failureOf(error));
        }
        return entry.finished;
      },
      cancelLocal: (id) => void this.cancel(id, { owner: 'local', admin: true }).catch(() => undefined),
      lost: (id) => {
        const entry = this.registry.get(id);
        if (!entry || entry.terminal) return;
        this.logger.warn(`run ${id}: another replica took it (this one missed its heartbeats); stopped here`);
        this.fenced.add(id);
        entry.cancelRequested = true;
        this.queue.withdraw(entry, new HttpError(409, 'taken', 'Taken by another replica.', ''));
        entry.handle?.cancel();
      },
    };
  }

  get config(): QuorumConfig {
    return this.init.config;
  }

  keyFor = (model: ModelConfig): string | undefined => keyFromEnv(model, this.init.env, this.init.keyTrust);

  /** Runs a killed process left queued or running: queued again under the same id, at least once. */
  private async requeueUnfinished(): Promise<void> {
    const left = await this.store.unfinished();
    for (const run of left) {
      const events = await this.store.events(run.id);
      const entry = new RunEntry(run.id, run.owner, this.persistence, events);
      await this.store.setStatus(run.id, 'queued', run.attempts + 1);
      this.registry.add(entry);
      this.enqueue(entry, run.input as AskInput);
    }
    if (left.length)
      this.logger.info(`re-queued ${left.length} run(s) left unfinished by an earlier process`);
  }

  /** Whether a model can be asked: it needs no key or the environment holds one. Keys never leave here. */
  usable(model: ModelConfig): boolean {
    return !PROVIDER_REGISTRY[model.kind].needsKey || this.keyFor(model) !== undefined;
  }

  private modelsFor(ids: readonly string[] | undefined): ModelConfig[] {
    const { models } = this.init.config;
    ids?.forEach((id, i) => {
      if (!models.some((m) => m.id === id))
        throw badField(`models[${i}]`, `no model with id "${id}" (GET /v1/models lists them)`);
    });
    const chosen = models.filter((m) => (ids ? ids.includes(m.id) : m.enabled));
    if (!chosen.length) throw badField('models', 'no enabled model is configured on the server');
    return chosen;
  }

  /**
   * Queues an ask for `caller`; the same Idempotency-Key (per caller) gives back the same run, also
   * after a restart and when two requests race (the database's unique key decides).
   */
  async submit(
    input: AskInput,
    caller: Caller = LOCAL_CALLER,
    idempotencyKey?: string,
  ): Promise<{ entry: RunEntry; created: boolean }> {
    if (this.closing) throw shuttingDown();
    const since = Date.now() - this.init.settings.idempotencyMs;
    const existing = idempotencyKey ? await this.store.byKey(caller.owner, idempotencyKey, since) : undefined;
    if (existing) return { entry: await this.entryOf(existing), created: false };
    this.modelsFor(input.models);
    this.strategyFor(input);
    if (input.project) await checkUpload(input.project, this.init.config);
    if (this.replicas) await this.ensureSharedRoom(this.replicas);
    else this.queue.ensureRoom();
    await checkQuota(this.init.settings.quota, caller.owner, this.store, this.queue, !!this.replicas);
    const runId = randomUUID();
    const id = await this.store.create({
      id: runId,
      owner: caller.owner,
      input,
      idempotencyKey,
      createdAt: Date.now(),
      lease: this.replicas && { owner: this.replicas.acceptedBy, until: Date.now() + LEASE_MS },
    });
    if (id !== runId) {
      const raced = await this.store.get(id);
      if (raced) return { entry: await this.entryOf(raced), created: false };
    }
    if (this.replicas)
      return { entry: await this.submitShared(this.replicas, runId, caller.owner), created: true };
    const entry = new RunEntry(runId, caller.owner, this.persistence);
    this.registry.add(entry);
    this.enqueue(entry, input);
    return { entry, created: true };
  }

  /**
   * A run for the replicas: its `queued` event stored, then its job sent; whichever replica has a
   * place runs it. What comes back follows it from the database (replay, then each new event).
   */
  private async submitShared(replicas: Replicas, id: string, owner: string): Promise<RunEntry> {
    const announced = new RunEntry(id, owner, this.persistence);
    await this.store.flush();
    await replicas.dispatch(id, { accepted: true });
    return replicas.follow({ ...announced, record: undefined, events: announced.events });
  }

  /** 429 when the runs waiting for a replica, across all of them, reach the queue bound. */
  private async ensureSharedRoom(replicas: Replicas): Promise<void> {
    const waiting = await replicas.queued();
    if (waiting < this.queue.size) return;
    const seconds = String(this.queue.retryAfterS());
    throw new HttpError(
      429,
      'queue-full',
      `The gateways are at capacity: ${waiting} runs wait for a replica (the most they hold, sized from the engines).`,
      `Retry after ${seconds} s, or add a replica or an engine.`,
      { 'retry-after': seconds },
    );
  }

  /** The ask's strategy: its `strategy` / `budgetUsd` over the config's; 400 naming the field when wrong. */
  private strategyFor(input: AskInput): StrategySettings {
    const chosen = applyStrategyOverride(this.init.config.strategy, {
      strategy: input.strategy,
      budgetUsd: input.budgetUsd,
    });
    if ('error' in chosen) throw badField(chosen.field, chosen.reason);
    return chosen.settings;
  }

  private enqueue(entry: RunEntry, input: AskInput): void {
    const models = this.modelsFor(input.models);
    const request: AskRequest = {
      instruction: input.prompt,
      context: input.context,
      language: input.language ?? this.init.config.language,
      intent: input.intent ?? (input.context ? 'review' : 'generate'),
    };
    const deps = {
      config: this.init.config,
      keyFor: this.keyFor,
      sandbox: this.sandbox ?? null,
      env: this.init.env,
      logger: this.logger,
      gate: (provider: Provider) => this.models.wrap(provider, this.keyFor(provider.config)),
    };
    const { project } = input;
    this.queue
      .submit(entry.owner, entry, () =>
        project
          ? runProjectAsk(
              entry,
              {
                instruction: input.prompt,
                intent: input.intent ?? 'fix',
                upload: project,
                models,
                execute: input.execute !== false,
                strategy: this.strategyFor(input),
              },
              deps,
            )
          : runAsk(
              entry,
              { request, models, execute: input.execute !== false, strategy: this.strategyFor(input) },
              deps,
            ),
      )
      .catch((error: unknown) => entry.finish('cancelled', undefined, failureOf(error)));
  }

  /**
   * The live entry of a run this process works on, else the stored run as an entry (followed, when
   * another replica works on it).
   */
  private async entryOf(run: StoredRun): Promise<RunEntry> {
    const live = this.registry.get(run.id);
    if (live) return live;
    if (this.replicas && !TERMINAL.has(run.status)) return this.replicas.follow({ ...run, events: [] });
    return RunEntry.stored({ ...run, events: await this.store.events(run.id) });
  }

  /** A run the caller may see (its own; an admin sees every run); 404 otherwise, as if there were none. */
  async get(id: string, caller: Caller = LOCAL_CALLER): Promise<RunEntry> {
    const live = this.registry.get(id);
    const entry = live ?? (await this.store.get(id).then((run) => (run ? this.entryOf(run) : undefined)));
    if (!entry || (!caller.admin && entry.owner !== caller.owner)) throw notFound(id);
    return entry;
  }

  /** The caller's newest runs (every token's for an admin), newest first, without events. */
  async history(caller: Caller, limit: number): Promise<Record<string, unknown>[]> {
    const runs = await this.store.list(caller.admin ? undefined : caller.owner, limit);
    return runs.map((run) => ({
      id: run.id,
      status: this.registry.get(run.id)?.status ?? run.status,
      createdAt: new Date(run.createdAt).toISOString(),
      ...(run.finishedAt ? { finishedAt: new Date(run.finishedAt).toISOString() } : {}),
      ...(caller.admin ? { owner: run.owner } : {}),
      ...(run.attempts > 1 ? { attempts: run.attempts } : {}),
      ...(run.costUsd ? { costUsd: run.costUsd } : {}),
      links: { self: `/v1/runs/${run.id}`, events: `/v1/runs/${run.id}/events` },
    }));
  }

  /** Cancels a run: its requests are aborted, its programs stopped and their containers removed. */
  async cancel(id: string, caller: Caller = LOCAL_CALLER): Promise<RunEntry> {
    const entry = await this.get(id, caller);
    if (entry.terminal) return entry;
    if (this.replicas && !this.registry.get(id)) return this.cancelShared(this.replicas, entry);
    this.cancelledByOwner.add(entry.id);
    entry.cancelRequested = true;
    this.queue.withdraw(entry, new HttpError(409, 'cancelled', 'Cancelled before it started.', ''));
    entry.handle?.cancel();
    await entry.finished;
    return entry;
  }

  /**
   * DELETE of a run this replica does not hold: a run no replica has started is ended here;
   * otherwise the replica working on it is told (NOTIFY) and its end is awaited.
   */
  private async cancelShared(replicas: Replicas, followed: RunEntry): Promise<RunEntry> {
    const claimed = await replicas.claim(followed.id);
    if (claimed) {
      const entry = new RunEntry(
        claimed.id,
        claimed.owner,
        this.persistence,
        await this.store.events(claimed.id),
        'continue',
      );
      this.cancelledByOwner.add(entry.id);
      entry.finish('cancelled');
      await this.store.flush();
      return entry;
    }
    await replicas.cancelRemote(followed.id);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([followed.finished, new Promise((resolve) => (timer = setTimeout(resolve, 30_000)))]);
    clearTimeout(timer);
    return followed;
  }

  /** A sync sandbox call through the queue, aborted when the caller's signal or the shutdown says so. */
  private async call<T>(
    owner: string,
    signal: AbortSignal,
    job: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (this.closing) throw shuttingDown();
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.calls.add(controller);
    try {
      return await this.queue.submit(owner, controller, () => job(controller.signal));
    } catch (error) {
      throw SandboxError.is(error) ? sandboxHttpError(error) : error;
    } finally {
      this.calls.delete(controller);
      signal.removeEventListener('abort', onAbort);
    }
  }

  private requireSandbox(): DockerSandbox {
    if (!this.sandbox)
      throw new HttpError(
        503,
        'no-sandbox',
        'Execution is turned off on this server.',
        'Set sandbox.enabled in its config.',
      );
    return this.sandbox;
  }

  execute(input: ExecuteInput, signal: AbortSignal, caller: Caller = LOCAL_CALLER): Promise<RunResult> {
    const sandbox = this.requireSandbox();
    return this.call(caller.owner, signal, (s) =>
      sandbox.run({
        code: input.code,
        language: input.language,
        stdin: input.stdin,
        args: input.args,
        limits: input.timeoutMs ? { timeoutMs: input.timeoutMs } : undefined,
        signal: s,
      }),
    );
  }

  judge(input: JudgeInput, signal: AbortSignal, caller: Caller = LOCAL_CALLER): Promise<Verdict> {
    const sandbox = this.requireSandbox();
    return this.call(caller.owner, signal, async (s) => {
      const started = performance.now();
      let ok = false;
      const pipeline = await buildPipeline({
        config: this.init.config,
        models: [],
        keyFor: this.keyFor,
        sandbox,
        env: this.init.env,
        logger: this.logger,
      });
      try {
        if (!pipeline.judge) throw new Error('no judge');
        const verdict = await pipeline.judge.judge({ ...input, signal: s });
        ok = true;
        return verdict;
      } finally {
        this.metrics.observeJudge((performance.now() - started) / 1000, ok);
        await pipeline.dispose();
      }
    });
  }

  runtimes(): { language: string; image: string | null }[] {
    return LANGUAGES.map((language) => {
      try {
        return { language, image: this.sandbox?.imageFor(language) ?? null };
      } catch {
        return { language, image: null };
      }
    });
  }

  /** Runs in the database by status (for /metrics). */
  async runsByState(): Promise<Record<string, number>> {
    const rows = await this.store.db
      .selectFrom('runs')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** Database and engine reachable, and at least one model usable. */
  async readiness(): Promise<{
    ready: boolean;
    database: { ok: boolean; message?: string };
    engine: { ok: boolean; message?: string };
    usableModels: number;
  }> {
    const database = await this.store.db
      .selectFrom('runs')
      .select('id')
      .limit(1)
      .execute()
      .then(
        () => ({ ok: true }),
        (error: unknown) => ({ ok: false, message: failureOf(error).message }),
      );
    let engine: { ok: boolean; message?: string };
    if (!this.sandbox) engine = { ok: false, message: 'execution is turned off (sandbox.enabled is false)' };
    else
      engine = await this.sandbox.check().then(
        () => ({ ok: true }),
        (error: unknown) => ({ ok: false, message: failureOf(error).message }),
      );
    const usableModels = this.init.config.models.filter((m) => m.enabled && this.usable(m)).length;
    return {
      ready: !this.closing && database.ok && engine.ok && usableModels > 0,
      database,
      engine,
      usableModels,
    };
  }

  get shuttingDown(): boolean {
    return this.closing;
  }

  /**
   * Stops taking work, lets running asks finish for `deadlineMs`, then cancels what is left and
   * removes every container of this server's sandbox.
   */
  async shutdown(deadlineMs: number): Promise<void> {
    this.closing = true;
    this.replicas?.stopFetching();
    this.queue.drain(shuttingDown());
    const active = this.registry.all().filter((e) => !e.terminal);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
    await Promise.race([Promise.all(active.map((e) => e.finished)), deadline]);
    clearTimeout(timer);
    for (const entry of active) {
      entry.cancelRequested = true;
      entry.handle?.cancel();
    }
    for (const c of this.calls) c.abort();
    await Promise.all(active.map((e) => e.finished));
    await Promise.all([...this.settling]);
    await this.replicas?.stop();
    await this.sandbox?.dispose();
    await this.store.close();
  }
}

function sandboxHttpError(error: SandboxError): HttpError {
  const client = ['unsupported-language', 'image-missing', 'pull-failed'].includes(error.reason);
  if (error.reason === 'cancelled') return new HttpError(499, 'cancelled', error.message, error.advice);
  return new HttpError(client ? 422 : 503, `sandbox-${error.reason}`, error.message, error.advice);
}
