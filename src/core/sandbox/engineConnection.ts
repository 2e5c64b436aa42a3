/**
 * One engine's connection: dockerode pointed at the engine's address, a ping with a deadline, the
 * first-use start (the engine answers, and containers of crashed earlier processes are removed)
 * and the engine's version, every failure worded by engineErrors.ts.
 */
import Docker from 'dockerode';
import type { Logger } from '../types';
import { withDeadline } from './deadline';
import { describeTarget, dockerodeOptions, parseDockerHost } from './engine';
import type { EngineTarget, EngineTls } from './engine';
import { engineError } from './engineErrors';
import { sweepOrphans } from './orphans';

/** Longest wait for the engine to answer a ping before it counts as unreachable. */
export const CHECK_TIMEOUT_MS = 5_000;

export interface EngineConnection {
  readonly docker: Docker;
  readonly target: EngineTarget;
  /** The engine's address as shown to users and in `RunResult.engine`. */
  readonly engine: string;
  /** The engine answers a ping within CHECK_TIMEOUT_MS, or a SandboxError says why not. */
  check(): Promise<void>;
  /** First use (once, until it fails): check, then sweep the orphans of earlier processes. */
  start(): Promise<void>;
  /** `Docker Engine 27.5.1` (or the engine's own component name, e.g. Podman's). */
  version(): Promise<string>;
}

export function connectEngine(options: {
  readonly dockerHost?: string;
  readonly tls?: EngineTls;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
}): EngineConnection {
  const target = parseDockerHost(options.dockerHost, options.env, options.tls);
  const docker = new Docker(dockerodeOptions(target, options.env));
  const { logger } = options;
  let started: Promise<void> | undefined;
  const check = async (): Promise<void> => {
    try {
      await withDeadline('ping', (abortSignal) => signalled(docker, 'ping', abortSignal), {
        ms: CHECK_TIMEOUT_MS,
      });
    } catch (error) {
      throw engineError(error, target);
    }
  };
  return {
    docker,
    target,
    engine: describeTarget(target),
    check,
    start() {
      started ??= (async () => {
        await check();
        await sweepOrphans(docker, logger).catch((e: unknown) =>
          logger.warn(`sandbox: orphan sweep failed: ${String(e)}`),
        );
      })();
      started.catch(() => (started = undefined)); // a later call may find the engine up again
      return started;
    },
    version: () => engineVersion(docker, target),
  };
}

async function engineVersion(docker: Docker, target: EngineTarget): Promise<string> {
  const version = await withDeadline('version', (abortSignal) => signalled(docker, 'version', abortSignal), {
    ms: CHECK_TIMEOUT_MS,
  }).catch((error: unknown) => {
    throw engineError(error, target);
  });
  const component = version.Components?.find((c) => /engine/i.test(c.Name))?.Name;
  const name = !component || component === 'Engine' ? 'Docker Engine' : component;
  return `${name} ${version.Version}`;
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
