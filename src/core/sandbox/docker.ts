import { randomUUID } from 'node:crypto';
import type { Language, RunRequest, RunResult } from '../types';
import { SandboxError, silentLogger } from '../types';
import type { EngineTls } from './engine';
import { cancelledError } from './engineErrors';
import { EngineMember, isEngineFailure } from './engineMember';
import type { EngineState } from './engineMember';
import { createEngineSandbox, undelivered, whenOpened } from './engineSandbox';
import type { EngineSandbox, EngineSandboxOptions } from './engineSandbox';

export { CHECK_TIMEOUT_MS, DEFER_MAX, DEFER_MS, OPENS_AT_ONCE, PREPARE_MAX } from './engineSandbox';

/** One entry of `sandbox.engines`. */
export interface EngineConfig {
  /** `unix:///path.sock`, `tcp://HOST:PORT`, `ssh://USER@HOST`. */
  readonly host: string;
  /** TLS files for a tcp engine. */
  readonly tls?: EngineTls;
  /** Runs at once on this engine (default DEFAULT_MAX_CONCURRENT); more wait for a free engine. */
  readonly maxConcurrent?: number;
  /** Multiplies the free capacity when choosing an engine (default 1). */
  readonly weight?: number;
}

export interface SandboxOptions extends Omit<EngineSandboxOptions, 'tls' | 'instanceId'> {
  /** Several engines; empty or absent: the one of `dockerHost` (else DOCKER_HOST, else the local socket). */
  readonly engines?: readonly EngineConfig[];
}

export interface EngineStatus {
  readonly engine: string;
  readonly state: EngineState;
  readonly version?: string;
  /** Why it is down. */
  readonly reason?: string;
  /** Containers waiting for code, and runs under way. */
  readonly pool: number;
  readonly running: number;
  readonly maxConcurrent: number;
  readonly weight: number;
}

/** The Sandbox over one or several Docker-API engines, plus what the session and the tests use beyond it. */
export interface DockerSandbox extends Omit<EngineSandbox, 'engine' | 'status' | 'reset'> {
  prepareFor(language: Language, runs: number, signal?: AbortSignal): Promise<void>;
  /** Each engine: address, version (asked now), state, pool and running counts. */
  engines(): Promise<EngineStatus[]>;
  /** Each engine's program runs under way and its bound, as this process counts them (no engine call). */
  slots(): { engine: string; running: number; maxConcurrent: number }[];
}

export const DEFAULT_MAX_CONCURRENT = 16;

/** While runs are under way, the engines running them are checked this often. */
export const HEALTH_MS = 2_000;

/**
 * Routes each run to the usable engine with the most free capacity (times its weight). Runs wait
 * here when every engine is full, so a run that waits is not bound to an engine: when one goes
 * down, the waiting runs go to the others. A run that failed before its program reached a
 * container is tried on another engine; a run cut off on an engine that went down fails with
 * that engine's error, which names it.
 */
export function createDockerSandbox(options: SandboxOptions = {}): DockerSandbox {
  const logger = options.logger ?? silentLogger;
  const instanceId = randomUUID();
  const configs: readonly EngineConfig[] = options.engines?.length
    ? options.engines
    : [{ host: options.dockerHost ?? '' }];
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  const members = configs.map(
    (config) =>
      new EngineMember(
        createEngineSandbox({
          ...options,
          dockerHost: config.host || undefined,
          tls: config.tls,
          instanceId,
        }),
        config.maxConcurrent ?? DEFAULT_MAX_CONCURRENT,
        config.weight ?? 1,
        wake,
        logger,
      ),
  );
  const first = members[0];
  if (!first)
    throw new SandboxError('engine-error', 'No sandbox engine is configured.', 'Fix sandbox.engines.');
  let disposed = false;

  // Engines running something are checked while they do: one that stops answering is marked down
  // before its runs' own errors arrive, and runs waiting here go elsewhere.
  const health = setInterval(() => {
    for (const m of members) if (m.running > 0 && m.state !== 'down') void m.check();
  }, HEALTH_MS);
  health.unref();

  const pick = (skip: ReadonlySet<EngineMember>): EngineMember | undefined => {
    let best: EngineMember | undefined;
    for (const m of members) {
      if (!m.usable || skip.has(m) || m.free <= 0) continue;
      if (!best || m.free * m.weight > best.free * best.weight) best = m;
    }
    return best;
  };

  const waitForChange = (signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const done = (): void => {
        waiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        waiters.delete(done);
        reject(cancelledError());
      };
      waiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  /** Takes a slot on an engine; waits when all are busy; checks them again when all are down. */
  const acquire = async (
    signal: AbortSignal | undefined,
    tried: Set<EngineMember>,
  ): Promise<EngineMember> => {
    for (;;) {
      if (signal?.aborted) throw cancelledError();
      if (disposed)
        throw new SandboxError('engine-error', 'The sandbox was disposed.', 'Start a new session.');
      const chosen = pick(tried);
      if (chosen) {
        chosen.running++; // taken now, before any await: runs started together spread out
        return chosen;
      }
      if (members.some((m) => m.usable && !tried.has(m))) {
        await waitForChange(signal);
        continue;
      }
      // Every engine left is down: ask them now (one may be back before its retry is due).
      const left = members.filter((m) => !tried.has(m));
      const answers = await Promise.all(left.map((m) => m.check()));
      if (!answers.some(Boolean)) throw noEngine(left.length ? left : members);
    }
  };

  const run = async (request: RunRequest): Promise<RunResult> => {
    const tried = new Set<EngineMember>();
    for (;;) {
      const member = await acquire(request.signal, tried);
      // A live run gives its slot back once its program has started: it then mostly waits.
      let held = true;
      const release = (): void => {
        if (!held) return;
        held = false;
        member.running--;
        wake();
      };
      try {
        return await member.sandbox.run({ ...request, feed: whenOpened(request.feed, release) });
      } catch (error) {
        if (!isEngineFailure(error) || (await member.check())) throw error;
        // The engine is down. A run whose program never reached it may go to another engine.
        tried.add(member);
        const elsewhere = members.some((m) => m.usable && !tried.has(m));
        if (undelivered.has(error as object) && elsewhere) continue;
        throw naming(error, member);
      } finally {
        release();
      }
    }
  };

  const usable = (): EngineMember[] => {
    const up = members.filter((m) => m.usable);
    return up.length ? up : members;
  };

  return {
    instanceId,
    run,
    check: async () => {
      const answers = await Promise.all(members.map((m) => m.check()));
      if (!answers.some(Boolean)) throw noEngine(members);
    },
    imageFor: (language) => first.sandbox.imageFor(language),
    feeds: (language) => first.sandbox.feeds(language),
    async warm(language, count) {
      await Promise.all(usable().map((m) => m.sandbox.warm(language, count)));
    },
    async prepareFor(language, runs, signal) {
      // Shared by free capacity, so the runs of the ask find their containers where they will go.
      const targets = usable();
      const total = targets.reduce((n, m) => n + Math.max(1, m.free) * m.weight, 0);
      const results = await Promise.allSettled(
        targets.map((m) =>
          m.sandbox.prepareFor(language, Math.ceil((runs * Math.max(1, m.free) * m.weight) / total), signal),
        ),
      );
      for (const r of results) {
        if (r.status === 'rejected')
          logger.warn(`sandbox: could not prepare containers: ${String(r.reason)}`);
      }
    },
    async containers() {
      const lists = await Promise.all(members.map((m) => m.sandbox.containers().catch(() => [] as string[])));
      return lists.flat();
    },
    async settle() {
      await Promise.all(members.map((m) => m.sandbox.settle()));
    },
    slots() {
      return members.map((m) => ({ engine: m.name, running: m.running, maxConcurrent: m.maxConcurrent }));
    },
    async engines() {
      return Promise.all(
        members.map(async (m): Promise<EngineStatus> => {
          const base = { engine: m.name, maxConcurrent: m.maxConcurrent, weight: m.weight };
          try {
            const s = await m.sandbox.status();
            if (m.state !== 'down') m.state = 'up';
            return { ...base, state: m.state, version: s.version, pool: s.waiting, running: s.running };
          } catch (error) {
            m.markDown(error);
            return { ...base, state: 'down', reason: m.lastError?.message, pool: 0, running: m.running };
          }
        }),
      );
    },
    async dispose() {
      disposed = true;
      clearInterval(health);
      wake();
      for (const m of members) m.dispose();
      await Promise.all(members.map((m) => m.sandbox.dispose().catch(() => undefined)));
    },
  };
}

/** A run cut off by an engine that went down: the reason names the engine. */
function naming(error: unknown, member: EngineMember): SandboxError {
  const e = SandboxError.is(error) ? error : (member.lastError ?? SandboxError.failureOf(error));
  if (e.message.includes(member.name) && SandboxError.is(e)) return e;
  return new SandboxError(e.reason, `Engine ${member.name}: ${e.message}`, e.advice);
}

function noEngine(members: readonly EngineMember[]): SandboxError {
  const [only] = members;
  if (members.length === 1 && only?.lastError) return only.lastError;
  const why = members.map((m) => `${m.name}: ${m.lastError?.message ?? 'no answer'}`).join('; ');
  return new SandboxError(
    'not-running',
    `No sandbox engine is available (${why}).`,
    'Start one of the engines in sandbox.engines, or check that they are reachable from here.',
  );
}
