import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import type {
  Language,
  LimitHit,
  Limits,
  Logger,
  PullProgress,
  RunRequest,
  RunResult,
  Sandbox,
} from '../types';
import { DEFAULT_LIMITS, SandboxError, silentLogger } from '../types';
import { CompilerCaches } from './compilerCache';
import { Box } from './container';
import type { BoxSpec } from './container';
import { dockerodeOptions, parseDockerHost } from './engine';
import type { EngineTarget } from './engine';
import { cancelledError, engineError } from './engineErrors';
import { ImageCache } from './images';
import { DEFAULT_IMAGES, programFor } from './languages';
import { limitsKey, resolveLimits } from './limits';
import { listInstance, sandboxLabels, sweepOrphans } from './orphans';
import { WarmPool } from './pool';
import { runInBox } from './runner';

export interface SandboxOptions {
  /** Image per language; unset languages use DEFAULT_IMAGES. */
  readonly images?: Partial<Record<Language, string>>;
  readonly limits?: Partial<Limits>;
  /** Engine address (`unix://`, `tcp://`, `ssh://`); DOCKER_HOST, then the local socket, when absent. */
  readonly dockerHost?: string;
  /** Warm containers kept per language in use (default 2; 0 turns the pool off). */
  readonly poolSize?: number;
  /** Waiting containers are removed after this long without a run (default 2 minutes). */
  readonly poolIdleMs?: number;
  readonly logger?: Logger;
  readonly onPullProgress?: (progress: PullProgress) => void;
  /** Pull missing images (default true); false gives SandboxError('image-missing') at once. */
  readonly pull?: boolean;
  /** Environment used to read DOCKER_HOST, DOCKER_CERT_PATH...; process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The Docker implementation of Sandbox, plus what the session and the tests may use beyond it. */
export interface DockerSandbox extends Sandbox {
  /** Labels every container of this instance (`dev.quorum.instance`). */
  readonly instanceId: string;
  /** Prepares warm containers for a language, e.g. while the models are still answering. */
  warm(language: Language, count?: number): Promise<void>;
  /** Ids of this instance's containers still on the engine, waiting or being removed. */
  containers(): Promise<string[]>;
  /** Resolves when every used container has been removed. */
  settle(): Promise<void>;
}

/** Longest wait for the engine to answer a ping before it counts as unreachable. */
export const CHECK_TIMEOUT_MS = 5_000;

/** Used containers waiting for the runs in flight to end: at most this many, for at most this long. */
export const DEFER_MAX = 8;
export const DEFER_MS = 1_000;

/** Containers created at once by one sandbox (the pool queues the rest; see WarmPool). */
export const OPENS_AT_ONCE = 2;

const FORK_FAILURE = /Resource temporarily unavailable|can't fork|fork: retry|Cannot fork|EAGAIN/i;

/**
 * What a run waits for (a shared preparation, its container), or a rejection as soon as the run is
 * cancelled. `abandoned` is then given the pending promise, to clean up what it still delivers.
 */
function whileNotAborted<T>(
  pending: Promise<T>,
  signal?: AbortSignal,
  abandoned?: (pending: Promise<T>) => void,
): Promise<T> {
  if (!signal) return pending;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(cancelledError());
      abandoned?.(pending);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function createDockerSandbox(options: SandboxOptions = {}): DockerSandbox {
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  const target: EngineTarget = parseDockerHost(options.dockerHost, env);
  const docker = new Docker(dockerodeOptions(target, env));
  const baseLimits = resolveLimits(DEFAULT_LIMITS, options.limits);
  const images = new ImageCache(docker, {
    pull: options.pull ?? true,
    onPullProgress: options.onPullProgress,
  });
  const instanceId = randomUUID();
  const caches = new CompilerCaches(docker, sandboxLabels(instanceId, 'go'), logger, options.onPullProgress);
  const removals = new Set<Promise<void>>();
  const pool = new WarmPool({
    size: options.poolSize ?? 2,
    idleMs: options.poolIdleMs ?? 120_000,
    opensAtOnce: OPENS_AT_ONCE,
    open: (spec, signal) => Box.open(docker, spec, signal),
    logger,
  });
  let started: Promise<void> | undefined;
  let disposed = false;

  const imageFor = (language: Language): string => {
    const image = options.images?.[language] ?? DEFAULT_IMAGES[language];
    if (!image) {
      throw new SandboxError(
        'unsupported-language',
        `No sandbox image is known for ${language}.`,
        `Name one in the setting quorum.sandbox.images.${language} (CLI: --image IMAGE).`,
      );
    }
    return image;
  };

  const check = async (): Promise<void> => {
    const timeout = new Promise<never>((_, reject) => {
      const t = setTimeout(
        () => reject(Object.assign(new Error('timeout'), { code: 'ENGINE_TIMEOUT' })),
        CHECK_TIMEOUT_MS,
      );
      t.unref();
    });
    try {
      await Promise.race([docker.ping(), timeout]);
    } catch (error) {
      throw engineError(error, target);
    }
  };

  /** First use: the engine answers, and containers of crashed earlier processes are removed. */
  const start = (): Promise<void> => {
    started ??= (async () => {
      await check();
      await sweepOrphans(docker, logger).catch((e: unknown) =>
        logger.warn(`sandbox: orphan sweep failed: ${String(e)}`),
      );
    })();
    started.catch(() => (started = undefined)); // a later call may find the engine up again
    return started;
  };

  const specFor = (language: Language, image: string, limits: Limits): [string, BoxSpec] => [
    `${language}|${image}|${limitsKey(limits)}`,
    { language, image, limits, labels: sandboxLabels(instanceId, language) },
  ];

  // A used container's program is over (its bootstrap waits to be removed). Removing it is
  // cleanup that waits until no run of this sandbox is in flight, so the engine's work does not
  // slow parallel candidates down; under sustained load, at most DEFER_MAX wait, for DEFER_MS.
  let active = 0;
  const deferred: Box[] = [];
  const touched = new Set<string>();
  let deferTimer: NodeJS.Timeout | undefined;
  const removeDeferred = (): void => {
    clearTimeout(deferTimer);
    deferTimer = undefined;
    for (const box of deferred.splice(0)) remove(box);
  };
  const flush = (): void => {
    removeDeferred();
    for (const key of touched) pool.replenish(key);
    touched.clear();
  };
  const defer = (box: Box): void => {
    deferred.push(box);
    if (deferred.length >= DEFER_MAX) flush();
    else deferTimer ??= setTimeout(flush, DEFER_MS);
  };

  /** Counted until it settles, so settle() and dispose() wait for it. */
  const trackRemoval = (p: Promise<void>): void => {
    removals.add(p);
    void p.finally(() => removals.delete(p));
  };
  const remove = (box: Box): void =>
    trackRemoval(
      box.destroy().catch((e: unknown) => logger.warn(`sandbox: could not remove a container: ${String(e)}`)),
    );
  /**
   * A container given up while being created is removed when it arrives: a create call already
   * sent to a busy engine can take seconds, and the cancelled run does not wait for it.
   */
  const removeWhenArrived = (taking: Promise<Box>): void =>
    trackRemoval(taking.then(remove, () => undefined));

  const run = async (request: RunRequest): Promise<RunResult> => {
    if (disposed) throw new SandboxError('engine-error', 'The sandbox was disposed.', 'Start a new session.');
    const program = programFor(request.language, request.code, request.args);
    const image = request.image ?? imageFor(request.language);
    const limits = resolveLimits(baseLimits, request.limits);
    if (request.signal?.aborted) throw cancelledError();
    let box: Box | undefined;
    let exited = false;
    active++;
    try {
      await start();
      await images.ensure(image);
      const runImage = await whileNotAborted(caches.imageFor(request.language, image), request.signal);
      const [key, spec] = specFor(request.language, runImage, limits);
      touched.add(key);
      box = await whileNotAborted(pool.take(key, spec, request.signal), request.signal, removeWhenArrived);
      const outcome = await runInBox(box, program, request.stdin ?? '', limits, request.signal);
      exited = outcome.stoppedBy === 'exit';
      const limitsHit: LimitHit[] = [];
      if (outcome.stoppedBy === 'timeout') limitsHit.push('timeout');
      if (outcome.oomKilled) limitsHit.push('memory');
      if (outcome.outputTruncated) limitsHit.push('output');
      if (outcome.pidsAtLimit || FORK_FAILURE.test(outcome.stderr)) limitsHit.push('pids');
      return {
        language: request.language,
        image,
        exitCode: outcome.exitCode,
        stdout: outcome.stdout,
        stderr: outcome.stderr,
        durationMs: outcome.durationMs,
        timedOut: outcome.stoppedBy === 'timeout',
        oomKilled: outcome.oomKilled,
        outputTruncated: outcome.outputTruncated,
        limitsHit,
      };
    } catch (error) {
      throw engineError(error, target);
    } finally {
      active--;
      if (box && exited && active > 0 && !disposed) defer(box);
      else if (box) remove(box);
      // After the caller has its result: removal and refill are not part of the run.
      if (active === 0) setImmediate(() => active === 0 && flush());
    }
  };

  return {
    instanceId,
    run,
    check,
    imageFor,
    async warm(language, count) {
      let runImage: string;
      try {
        await start();
        const image = imageFor(language);
        await images.ensure(image);
        runImage = await caches.imageFor(language, image);
      } catch (error) {
        throw engineError(error, target);
      }
      const [key, spec] = specFor(language, runImage, baseLimits);
      await pool.warm(key, spec, count).catch((error: unknown) => {
        throw engineError(error, target);
      });
    },
    containers: () => listInstance(docker, instanceId),
    async settle() {
      removeDeferred();
      while (removals.size) await Promise.allSettled([...removals]);
    },
    async dispose() {
      disposed = true;
      removeDeferred();
      await caches.dispose();
      await pool.close();
      while (removals.size) await Promise.allSettled([...removals]);
    },
  };
}
