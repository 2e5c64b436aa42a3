/**
 * How long to wait before resending a request the server refused with 429 or 5xx.
 * Kept apart from the providers so the arithmetic is tested on its own.
 */

export interface RetryOptions {
  /** Total attempts, the first one included. */
  readonly attempts: number;
  /** First backoff step when the server gives no Retry-After; doubles per attempt. */
  readonly baseDelayMs: number;
  /** Upper bound on any single wait, Retry-After included, so a hostile header cannot stall an ask. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = Object.freeze({
  attempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
});

/** Only rate limits and server faults are worth resending; a 4xx will fail the same way again. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === 429 || (status !== undefined && status >= 500 && status <= 599);
}

/**
 * Parses a Retry-After header: either delta-seconds ("1", "2.5") or an HTTP date.
 * Returns milliseconds, or undefined when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Wait before attempt number `nextAttempt` (2 = the first retry). */
export function retryDelayMs(
  options: RetryOptions,
  nextAttempt: number,
  retryAfter: string | null | undefined,
): number {
  const fromHeader = parseRetryAfter(retryAfter);
  // Jitter keeps parallel models that hit the same limit from retrying in lockstep.
  const backoff = options.baseDelayMs * 2 ** (nextAttempt - 2) * (1 + Math.random() * 0.25);
  return Math.min(options.maxDelayMs, fromHeader ?? backoff);
}

/** Sleeps, but wakes early (rejecting with the signal's reason) when the signal aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
