import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import type {
  Language,
  LimitHit,
  Limits,
  Logger,
  PullProgress,
  RunFeed,
  RunRequest,
  RunResult,
  Sandbox,
} from '../types';
import { DEFAULT_LIMITS, SandboxError, silentLogger } from '../types';
import { CompilerCaches } from './compilerCache';
import { Box } from './container';
import { runtimePrestarted } from './bootstrap';
import type { BoxSpec } from './container';
import { withDeadline } from './deadline';
import { describeTarget, dockerodeOptions, parseDockerHost } from './engine';
import type { EngineTarget, EngineTls } from './engine';
import { cancelledError, engineError } from './engineErrors';
import { ImageCache } from './images';
import { DEFAULT_IMAGES, programFor } from './languages';
import { limitsKey, resolveLimits } from './limits';
import { listInstance, removeInstance, sandboxLabels, sweepOrphans } from './orphans';
import { WarmPool } from './pool';
import { runInBox } from './runner';

/** What one engine's sandbox is built from; `docker.ts` adds the list of engines on top. */
export interface EngineSandboxOptions {
  /** Image per language; unset languages use DEFAULT_IMAGES. */
  readonly images?: Partial<Record<Language, string>>;
  readonly limits?: Partial<Limits>;
  /** Engine address (`unix://`, `tcp://`, `ssh://`); DOCKER_HOST, then the local socket, when absent. */
  readonly dockerHost?: string;
  /** TLS files for a tcp engine, instead of DOCKER_CERT_PATH's ca.pem, cert.pem, key.pem. */
  readonly tls?: EngineTls;
  /** Warm containers kept per language in use (default 2; 0 turns the pool off). */
  readonly poolSize?: number;
  /** Waiting containers are removed after this long without a run (default 2 minutes). */
  readonly poolIdleMs?: number;
  /** Most containers `prepareFor` keeps ready for one ask (default PREPARE_MAX). */
  readonly prepareMax?: number;
  readonly logger?: Logger;
  readonly onPullProgress?: (progress: PullProgress) => void;
  /** Pull missing images (default true); false gives SandboxError('image-missing') at once. */
  readonly pull?: boolean;
  /** Environment used to read DOCKER_HOST, DOCKER_CERT_PATH...; process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The label value of this sandbox's containers; a router gives all its engines the same one. */
  readonly instanceId?: string;
}

/** One engine's sandbox: the Sandbox, plus what the router, the session and the tests use beyond it. */
export interface EngineSandbox extends Sandbox {
  /** The engine's address as shown to users and in `RunResult.engine`. */
  readonly engine: string;
  /** Labels every container of this instance (`dev.quorum.instance`). */
  readonly instanceId: string;
  /** Prepares warm containers for a language, e.g. while the models are still answering. */
  warm(language: Language, count?: number): Promise<void>;
  /**
   * Prepares a container for each of an ask's `runs` (bounded by prepareMax); the extra ones are
   * removed when `signal` aborts (the ask is over), and the pool falls back to its idle size.
   */
  prepareFor(language: Language, runs: number, signal?: AbortSignal): Promise<void>;
  /** Live runs (`RunRequest.feed`) for the languages whose runtime starts before the code comes. */
  feeds(language: Language): boolean;
  /** Ids of this instance's containers still on the engine, waiting or being removed. */
  containers(): Promise<string[]>;
  /** Resolves when every used container has been removed. */
  settle(): Promise<void>;
  /** The engine's version (asked with a deadline) and this sandbox's counts. */
  status(): Promise<{ version: string; waiting: number; running: number }>;
  /** After the engine came back: forget waiting containers and remove every container of this instance. */
  reset(): Promise<void>;
}

/** Default bound of `prepareFor`: eight candidates' program runs and their eight live harness containers. */
export const PREPARE_MAX = 16;

/** Longest wait for the engine to answer a ping before it counts as unreachable. */
export const CHECK_TIMEOUT_MS = 5_000;

/** How long containers prepared for an ask wait, at most, when the ask does not say it ended. */
export const PREPARE_HOLD_MS = 60_000;

/**
 * Errors of runs that failed before their program reached a container: the router may run them on
 * another engine without running a program twice.
 */
export const undelivered = new WeakSet<object>();

/** Used containers waiting for the runs in flight to end: at most this many, for at most this long. */
export const DEFER_MAX = 8;
export const DEFER_MS = 1_000;
/** Used containers waiting for the asks under way to end (their programs are over; each holds its memory). */
export const DEFER_ASK_MAX = 16;

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

/** dockerode passes `abortSignal` on for every call, but its types omit it for ping and version. */
function signalled<K extends 'ping' | 'version'>(
  docker: Docker,
  call: K,
  abortSignal: AbortSignal,
): ReturnType<Docker[K]> {
  const method = docker[call] as unknown as (options: { abortSignal: AbortSignal }) => ReturnType<Docker[K]>;
  return method.call(docker, { abortSignal });
}

/** The feed, calling `hook` first when its run starts (a live run then stops counting as busy). */
export function whenOpened(feed: RunFeed | undefined, hook: () => void): RunFeed | undefined {
  return (
    feed && {
      open: (port) => {
        hook();
        feed.open(port);
      },
      stdout: feed.stdout?.bind(feed),
    }
  );
}

export function createEngineSandbox(options: EngineSandboxOptions = {}): EngineSandbox {
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  const target: EngineTarget = parseDockerHost(options.dockerHost, env, options.tls);
  const docker = new Docker(dockerodeOptions(target, env));
  const engine = describeTarget(target);
  const baseLimits = resolveLimits(DEFAULT_LIMITS, options.limits);
  const images = new ImageCache(docker, {
    pull: options.pull ?? true,
    onPullProgress: options.onPullProgress,
  });
  const instanceId = options.instanceId ?? randomUUID();
  const caches = new CompilerCaches(docker, sandboxLabels(instanceId, 'go'), logger, options.onPullProgress);
  const removals = new Set<Promise<void>>();
  const poolSize = options.poolSize ?? 2;
  const prepareMax = Math.max(poolSize, options.prepareMax ?? PREPARE_MAX);
  const pool = new WarmPool({
    size: poolSize,
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
    try {
      await withDeadline('ping', (abortSignal) => signalled(docker, 'ping', abortSignal), {
        ms: CHECK_TIMEOUT_MS,
      });
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
  // While an ask is under way (prepareFor until its signal) they wait for its end: removing a
  // container costs the engine more CPU than a short run, and at an ask's last answer that CPU
  // is what the verdict waits for.
  let active = 0;
  let asks = 0;
  const quiet = (): boolean => active === 0 && asks === 0;
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
    if (deferred.length >= (asks > 0 ? DEFER_ASK_MAX : DEFER_MAX)) flush();
    else if (asks === 0) deferTimer ??= setTimeout(flush, DEFER_MS);
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
    if (request.feed && !runtimePrestarted(request.language)) {
      throw new SandboxError(
        'unsupported-language',
        `A live run needs Python or JavaScript, not ${request.language}.`,
        'Run it without a feed.',
      );
    }
    let box: Box | undefined;
    let exited = false;
    let delivered = false;
    // A live run counts as in flight until its program has started: then it mostly waits for
    // input, and must not hold back the removals and refills that wait for no run in flight.
    let counted = true;
    const uncount = (): void => {
      if (counted) active--;
      counted = false;
    };
    const feed = whenOpened(request.feed, uncount);
    active++;
    try {
      await start();
      await images.ensure(image);
      const runImage = await whileNotAborted(caches.imageFor(request.language, image), request.signal);
      const [key, spec] = specFor(request.language, runImage, limits);
      touched.add(key);
      box = await whileNotAborted(pool.take(key, spec, request.signal), request.signal, removeWhenArrived);
      delivered = true;
      const outcome = await runInBox(box, program, request.stdin ?? '', limits, request.signal, feed);
      exited = outcome.stoppedBy === 'exit';
      const limitsHit: LimitHit[] = [];
      if (outcome.stoppedBy === 'timeout') limitsHit.push('timeout');
      if (outcome.oomKilled) limitsHit.push('memory');
      if (outcome.outputTruncated) limitsHit.push('output');
      if (outcome.pidsAtLimit || FORK_FAILURE.test(outcome.stderr)) limitsHit.push('pids');
      return {
        language: request.language,
        image,
        engine,
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
      const failure = engineError(error, target);
      if (!delivered) undelivered.add(failure);
      throw failure;
    } finally {
      uncount();
      if (box && exited && !quiet() && !disposed) defer(box);
      else if (box) remove(box);
      // After the caller has its result: removal and refill are not part of the run.
      if (quiet()) setImmediate(() => quiet() && flush());
    }
  };

  /** Extra containers of an ask, beyond the pool size: removed when the ask ends (or after PREPARE_HOLD_MS). */
  const prepared = async (language: Language, count: number): Promise<string> => {
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
    return key;
  };

  return {
    engine,
    instanceId,
    run,
    check,
    imageFor,
    feeds: runtimePrestarted,
    async warm(language, count) {
      await prepared(language, count ?? poolSize);
    },
    async prepareFor(language, runs, signal) {
      if (signal?.aborted || disposed) return;
      const count = Math.min(Math.max(runs, poolSize), prepareMax);
      // The ask's end (or a bound, if it never says) gives the extra containers back, and lets
      // the used ones go.
      const over = signal
        ? AbortSignal.any([signal, AbortSignal.timeout(PREPARE_HOLD_MS)])
        : AbortSignal.timeout(PREPARE_HOLD_MS);
      asks++;
      const key = prepared(language, count);
      over.addEventListener(
        'abort',
        () => {
          asks--;
          key.then((k) => pool.trim(k, poolSize)).catch(() => undefined);
          if (quiet()) flush();
        },
        { once: true },
      );
      await key;
    },
    containers: () => listInstance(docker, instanceId),
    async settle() {
      removeDeferred();
      while (removals.size) await Promise.allSettled([...removals]);
    },
    async status() {
      const version = await withDeadline(
        'version',
        (abortSignal) => signalled(docker, 'version', abortSignal),
        {
          ms: CHECK_TIMEOUT_MS,
        },
      ).catch((error: unknown) => {
        throw engineError(error, target);
      });
      const component = version.Components?.find((c) => /engine/i.test(c.Name))?.Name;
      const name = !component || component === 'Engine' ? 'Docker Engine' : component;
      return { version: `${name} ${version.Version}`, waiting: pool.waiting(), running: active };
    },
    async reset() {
      removeDeferred();
      await pool.drain();
      await removeInstance(docker, instanceId, logger);
    },
    async dispose() {
      disposed = true;
      removeDeferred();
      await caches.dispose();
      await pool.close();
      while (removals.size) await Promise.allSettled([...removals]);
      // Whatever a create given up on (an engine that answered late) may have left.
      await removeInstance(docker, instanceId, logger);
    },
  };
}
