/**
 * One engine's Sandbox, composed of its parts: the engine connection (engineConnection.ts), the
 * images and compiler caches, the warm pool, the removal of used containers (usedContainers.ts)
 * and the run itself (runner.ts). docker.ts routes over several of these.
 */
import { randomUUID } from 'node:crypto';
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
import { runtimePrestarted } from './bootstrap';
import { CompilerCaches } from './compilerCache';
import { Box } from './container';
import type { BoxOutcome, BoxSpec } from './container';
import type { EngineTls } from './engine';
import { connectEngine } from './engineConnection';
import type { EngineConnection } from './engineConnection';
import { cancelledError, engineError } from './engineErrors';
import { ImageCache } from './images';
import { DEFAULT_IMAGES, programFor } from './languages';
import type { Program } from './languages';
import { limitsKey, resolveLimits } from './limits';
import { listInstance, removeInstance, sandboxLabels } from './orphans';
import { WarmPool } from './pool';
import { runInBox } from './runner';
import { whenOpened, whileNotAborted } from './runWaits';
import { UsedContainers } from './usedContainers';

export { CHECK_TIMEOUT_MS } from './engineConnection';
export { DEFER_ASK_MAX, DEFER_MAX, DEFER_MS } from './usedContainers';
export { whenOpened } from './runWaits';

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

/** How long containers prepared for an ask wait, at most, when the ask does not say it ended. */
export const PREPARE_HOLD_MS = 60_000;

/**
 * Errors of runs that failed before their program reached a container: the router may run them on
 * another engine without running a program twice.
 */
export const undelivered = new WeakSet<object>();

/** Containers created at once by one sandbox (the pool queues the rest; see WarmPool). */
export const OPENS_AT_ONCE = 2;

const FORK_FAILURE = /Resource temporarily unavailable|can't fork|fork: retry|Cannot fork|EAGAIN/i;

export function createEngineSandbox(options: EngineSandboxOptions = {}): EngineSandbox {
  return new OneEngineSandbox(options);
}

/** What a run needs before it takes a container: checked first, so a bad request costs no engine call. */
interface RunPlan {
  readonly program: Program;
  readonly image: string;
  readonly limits: Limits;
}

class OneEngineSandbox implements EngineSandbox {
  readonly engine: string;
  readonly instanceId: string;
  readonly feeds = runtimePrestarted;
  private readonly connection: EngineConnection;
  private readonly logger: Logger;
  private readonly baseLimits: Limits;
  private readonly images: ImageCache;
  private readonly caches: CompilerCaches;
  private readonly pool: WarmPool;
  private readonly used: UsedContainers;
  private readonly poolSize: number;
  private readonly prepareMax: number;
  private disposed = false;

  constructor(private readonly options: EngineSandboxOptions) {
    this.logger = options.logger ?? silentLogger;
    const env = options.env ?? process.env;
    this.connection = connectEngine({
      dockerHost: options.dockerHost,
      tls: options.tls,
      env,
      logger: this.logger,
    });
    const { docker } = this.connection;
    this.engine = this.connection.engine;
    this.baseLimits = resolveLimits(DEFAULT_LIMITS, options.limits);
    this.images = new ImageCache(docker, {
      pull: options.pull ?? true,
      onPullProgress: options.onPullProgress,
    });
    this.instanceId = options.instanceId ?? randomUUID();
    this.caches = new CompilerCaches(
      docker,
      sandboxLabels(this.instanceId, 'go'),
      this.logger,
      options.onPullProgress,
    );
    this.poolSize = options.poolSize ?? 2;
    this.prepareMax = Math.max(this.poolSize, options.prepareMax ?? PREPARE_MAX);
    this.pool = new WarmPool({
      size: this.poolSize,
      idleMs: options.poolIdleMs ?? 120_000,
      opensAtOnce: OPENS_AT_ONCE,
      open: (spec, signal) => Box.open(docker, spec, signal),
      logger: this.logger,
    });
    this.used = new UsedContainers(this.pool, this.logger);
  }

  readonly imageFor = (language: Language): string => {
    const image = this.options.images?.[language] ?? DEFAULT_IMAGES[language];
    if (!image) {
      throw new SandboxError(
        'unsupported-language',
        `No sandbox image is known for ${language}.`,
        `Name one in the setting quorum.sandbox.images.${language} (CLI: --image IMAGE).`,
      );
    }
    return image;
  };

  readonly check = (): Promise<void> => this.connection.check();

  readonly run = async (request: RunRequest): Promise<RunResult> => {
    const plan = this.plan(request);
    let box: Box | undefined;
    let exited = false;
    // A live run counts as in flight until its program has started: then it mostly waits for
    // input, and must not hold back the removals and refills that wait for no run in flight.
    let counted = true;
    const uncount = (): void => {
      if (counted) this.used.running--;
      counted = false;
    };
    const feed = whenOpened(request.feed, uncount);
    this.used.running++;
    try {
      box = await this.containerFor(request, plan);
      const outcome = await runInBox(
        box,
        plan.program,
        request.stdin ?? '',
        plan.limits,
        request.signal,
        feed,
      );
      exited = outcome.stoppedBy === 'exit';
      return this.resultOf(request, plan.image, outcome);
    } catch (error) {
      const failure = engineError(error, this.connection.target);
      if (!box) undelivered.add(failure);
      throw failure;
    } finally {
      uncount();
      // After the caller has its result: removal and refill are not part of the run.
      this.used.release(box, exited && !this.disposed);
    }
  };

  /** The run's program, image and limits, or the SandboxError that refuses it before any engine call. */
  private plan(request: RunRequest): RunPlan {
    if (this.disposed)
      throw new SandboxError('engine-error', 'The sandbox was disposed.', 'Start a new session.');
    const program = programFor(request.language, request.code, request.args);
    const image = request.image ?? this.imageFor(request.language);
    const limits = resolveLimits(this.baseLimits, request.limits);
    if (request.signal?.aborted) throw cancelledError();
    if (request.feed && !runtimePrestarted(request.language)) {
      throw new SandboxError(
        'unsupported-language',
        `A live run needs Python or JavaScript, not ${request.language}.`,
        'Run it without a feed.',
      );
    }
    return { program, image, limits };
  }

  /** The engine started, the image there, then a container from the pool (given up if the run is cancelled). */
  private async containerFor(request: RunRequest, plan: RunPlan): Promise<Box> {
    await this.connection.start();
    await this.images.ensure(plan.image);
    const runImage = await whileNotAborted(
      this.caches.imageFor(request.language, plan.image),
      request.signal,
    );
    const [key, spec] = this.specFor(request.language, runImage, plan.limits);
    this.used.touch(key);
    return whileNotAborted(this.pool.take(key, spec, request.signal), request.signal, (taking) =>
      this.used.removeWhenArrived(taking),
    );
  }

  private resultOf(request: RunRequest, image: string, outcome: BoxOutcome): RunResult {
    const limitsHit: LimitHit[] = [];
    if (outcome.stoppedBy === 'timeout') limitsHit.push('timeout');
    if (outcome.oomKilled) limitsHit.push('memory');
    if (outcome.outputTruncated) limitsHit.push('output');
    if (outcome.pidsAtLimit || FORK_FAILURE.test(outcome.stderr)) limitsHit.push('pids');
    return {
      language: request.language,
      image,
      engine: this.engine,
      exitCode: outcome.exitCode,
      stdout: outcome.stdout,
      stderr: outcome.stderr,
      durationMs: outcome.durationMs,
      timedOut: outcome.stoppedBy === 'timeout',
      oomKilled: outcome.oomKilled,
      outputTruncated: outcome.outputTruncated,
      limitsHit,
    };
  }

  private specFor(language: Language, image: string, limits: Limits): [string, BoxSpec] {
    return [
      `${language}|${image}|${limitsKey(limits)}`,
      { language, image, limits, labels: sandboxLabels(this.instanceId, language) },
    ];
  }

  /** Warm containers for `language` (extra ones of an ask are trimmed when it ends); the pool key. */
  private async prepared(language: Language, count: number): Promise<string> {
    let runImage: string;
    try {
      await this.connection.start();
      const image = this.imageFor(language);
      await this.images.ensure(image);
      runImage = await this.caches.imageFor(language, image);
    } catch (error) {
      throw engineError(error, this.connection.target);
    }
    const [key, spec] = this.specFor(language, runImage, this.baseLimits);
    await this.pool.warm(key, spec, count).catch((error: unknown) => {
      throw engineError(error, this.connection.target);
    });
    return key;
  }

  readonly warm = async (language: Language, count?: number): Promise<void> => {
    await this.prepared(language, count ?? this.poolSize);
  };

  readonly prepareFor = async (language: Language, runs: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted || this.disposed) return;
    const count = Math.min(Math.max(runs, this.poolSize), this.prepareMax);
    // The ask's end (or a bound, if it never says) gives the extra containers back, and lets
    // the used ones go.
    const over = signal
      ? AbortSignal.any([signal, AbortSignal.timeout(PREPARE_HOLD_MS)])
      : AbortSignal.timeout(PREPARE_HOLD_MS);
    this.used.askStarted();
    const key = this.prepared(language, count);
    over.addEventListener(
      'abort',
      () => {
        key.then((k) => this.pool.trim(k, this.poolSize)).catch(() => undefined);
        this.used.askEnded();
      },
      { once: true },
    );
    await key;
  };

  readonly containers = (): Promise<string[]> => listInstance(this.connection.docker, this.instanceId);

  readonly settle = async (): Promise<void> => {
    this.used.removeDeferred();
    await this.used.settled();
  };

  readonly status = async (): Promise<{ version: string; waiting: number; running: number }> => {
    const version = await this.connection.version();
    return { version, waiting: this.pool.waiting(), running: this.used.running };
  };

  readonly reset = async (): Promise<void> => {
    this.used.removeDeferred();
    await this.pool.drain();
    await removeInstance(this.connection.docker, this.instanceId, this.logger);
  };

  readonly dispose = async (): Promise<void> => {
    this.disposed = true;
    this.used.removeDeferred();
    await this.caches.dispose();
    await this.pool.close();
    await this.used.settled();
    // Whatever a create given up on (an engine that answered late) may have left.
    await removeInstance(this.connection.docker, this.instanceId, this.logger);
  };
}
