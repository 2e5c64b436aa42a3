import { cancelledError } from './engineErrors';

/**
 * Longest one engine API call (create, start, attach, inspect, remove, list) may take before the
 * engine counts as not answering. Generous: a busy engine takes seconds to create a container, and
 * the first create of an image on Podman copies its layers.
 */
export const ENGINE_CALL_MS = 30_000;

/** The error of a call the engine did not answer in time; engineError() words it with the engine's address. */
export function engineTimeout(what: string, ms: number): Error {
  return Object.assign(new Error(`${what}: no answer within ${Math.round(ms / 1000)} s`), {
    code: 'ENGINE_TIMEOUT',
  });
}

/**
 * Runs one engine call with a deadline, and with the caller's cancellation when given. dockerode
 * aborts the HTTP request on the signal, so a refusing or frozen engine cannot hold a socket (and
 * with it the process) open. A timeout becomes `ENGINE_TIMEOUT`, a cancel SandboxError('cancelled').
 */
export async function withDeadline<T>(
  what: string,
  call: (signal: AbortSignal) => Promise<T>,
  options: { ms?: number; signal?: AbortSignal } = {},
): Promise<T> {
  const ms = options.ms ?? ENGINE_CALL_MS;
  const deadline = AbortSignal.timeout(ms);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    return await call(signal);
  } catch (error) {
    if (options.signal?.aborted) throw cancelledError();
    if (deadline.aborted) throw engineTimeout(what, ms);
    throw error;
  }
}
