/**
 * The gateway without HTTP: one long-lived sandbox (its warm pool serves every ask), the run
 * registry and the queue. Every ask goes through the one pipeline builder and `startAsk`, exactly
 * as `quorum ask` does; the gateway only listens to the session's events and keeps them.
 */
import { randomUUID } from 'node:crypto';
import { buildPipeline, createSandbox } from '../core/pipeline';
import type { QuorumConfig } from '../core/config';
import { PROVIDER_REGISTRY } from '../core/providers/registry';
import type { DockerSandbox } from '../core/sandbox/docker';
import { LANGUAGES, SandboxError, silentLogger } from '../core/types';
import type { AskRequest, JudgeInput, Logger, ModelConfig, RunResult, Verdict } from '../core/types';
import { keyFromEnv } from '../core/apiKeys';
import type { ConfigTrust } from '../core/configTrust';
import { HttpError, badField, notFound } from './httpError';
import type { ServerSettings } from './options';
import { RunEntry, RunRegistry } from './runEntry';
import { failureOf } from './runEntry';
import { runAsk } from './askJob';
import { RunQueue } from './runQueue';
import type { AskInput, ExecuteInput } from './schemas';

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

export class Gateway {
  readonly registry: RunRegistry;
  readonly queue: RunQueue;
  readonly logger: Logger;
  private sandbox?: DockerSandbox;
  private closing = false;
  /** execute/judge calls under way, aborted when the shutdown deadline passes. */
  private readonly calls = new Set<AbortController>();

  private constructor(private readonly init: GatewayInit) {
    const { settings } = init;
    this.logger = init.logger ?? silentLogger;
    this.registry = new RunRegistry(settings.historySize, settings.idempotencyMs);
    this.queue = new RunQueue(settings.maxConcurrentRuns, settings.queueSize, () => 5);
  }

  /** Makes the sandbox; its first use removes the containers a killed earlier server left behind. */
  static async create(init: GatewayInit): Promise<Gateway> {
    const gateway = new Gateway(init);
    const { config } = init;
    if (config.sandbox.enabled) {
      const sandbox = createSandbox(config.sandbox, { logger: gateway.logger, env: init.env });
      gateway.sandbox = sandbox;
      const warmed = sandbox
        .warm(config.language ?? 'python')
        .catch((error: unknown) => gateway.logger.warn(`sandbox not ready: ${failureOf(error).message}`));
      // The sweep comes first and is quick; an image pull behind it must not hold the port closed.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([warmed, new Promise((resolve) => (timer = setTimeout(resolve, WARM_WAIT_MS)))]);
      clearTimeout(timer);
    }
    return gateway;
  }

  get config(): QuorumConfig {
    return this.init.config;
  }

  keyFor = (model: ModelConfig): string | undefined => keyFromEnv(model, this.init.env, this.init.keyTrust);

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

  /** Queues an ask; the same Idempotency-Key (per caller) gives back the same run. */
  submit(input: AskInput, scope: string, idempotencyKey?: string): { entry: RunEntry; created: boolean } {
    if (this.closing) throw shuttingDown();
    const key = idempotencyKey ? `${scope}\u0000${idempotencyKey}` : undefined;
    const existing = key ? this.registry.byKey(key) : undefined;
    if (existing) return { entry: existing, created: false };
    const models = this.modelsFor(input.models);
    this.queue.ensureRoom();
    const entry = new RunEntry(randomUUID());
    const request: AskRequest = {
      instruction: input.prompt,
      context: input.context,
      language: input.language ?? this.init.config.language,
      intent: input.intent ?? (input.context ? 'review' : 'generate'),
    };
    this.registry.add(entry, key);
    this.queue
      .submit(entry, () =>
        runAsk(
          entry,
          { request, models, execute: input.execute !== false },
          {
            config: this.init.config,
            keyFor: this.keyFor,
            sandbox: this.sandbox ?? null,
            env: this.init.env,
            logger: this.logger,
          },
        ),
      )
      .catch((error: unknown) => entry.finish('cancelled', undefined, failureOf(error)));
    return { entry, created: true };
  }

  get(id: string): RunEntry {
    const entry = this.registry.get(id);
    if (!entry) throw notFound(id);
    return entry;
  }

  /** Cancels a run: its requests are aborted, its programs stopped and their containers removed. */
  async cancel(id: string): Promise<RunEntry> {
    const entry = this.get(id);
    if (entry.terminal) return entry;
    entry.cancelRequested = true;
    this.queue.withdraw(entry, new HttpError(409, 'cancelled', 'Cancelled before it started.', ''));
    entry.handle?.cancel();
    await entry.finished;
    return entry;
  }

  /** A sync sandbox call through the queue, aborted when the caller's signal or the shutdown says so. */
  private async call<T>(signal: AbortSignal, job: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.closing) throw shuttingDown();
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.calls.add(controller);
    try {
      return await this.queue.submit(controller, () => job(controller.signal));
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

  execute(input: ExecuteInput, signal: AbortSignal): Promise<RunResult> {
    const sandbox = this.requireSandbox();
    return this.call(signal, (s) =>
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

  judge(input: JudgeInput, signal: AbortSignal): Promise<Verdict> {
    const sandbox = this.requireSandbox();
    return this.call(signal, async (s) => {
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
        return await pipeline.judge.judge({ ...input, signal: s });
      } finally {
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

  /** Engine reachable and at least one model usable. */
  async readiness(): Promise<{
    ready: boolean;
    engine: { ok: boolean; message?: string };
    usableModels: number;
  }> {
    let engine: { ok: boolean; message?: string };
    if (!this.sandbox) engine = { ok: false, message: 'execution is turned off (sandbox.enabled is false)' };
    else
      engine = await this.sandbox.check().then(
        () => ({ ok: true }),
        (error: unknown) => ({ ok: false, message: failureOf(error).message }),
      );
    const usableModels = this.init.config.models.filter((m) => m.enabled && this.usable(m)).length;
    return { ready: !this.closing && engine.ok && usableModels > 0, engine, usableModels };
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
    await this.sandbox?.dispose();
  }
}

function sandboxHttpError(error: SandboxError): HttpError {
  const client = ['unsupported-language', 'image-missing', 'pull-failed'].includes(error.reason);
  if (error.reason === 'cancelled') return new HttpError(499, 'cancelled', error.message, error.advice);
  return new HttpError(client ? 422 : 503, `sandbox-${error.reason}`, error.message, error.advice);
}
