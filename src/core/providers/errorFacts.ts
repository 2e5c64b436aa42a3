/**
 * Reads what matters out of an error thrown by any of the three SDKs (openai, groq-sdk, ollama)
 * or by fetch itself. The openai and groq SDKs share one generated error shape (`status`, `headers`);
 * ollama throws `ResponseError` with `status_code`; fetch failures carry the socket error in `cause`.
 * Duck typing keeps this one function instead of three SDK-specific mappers.
 */

export interface FailureFacts {
  readonly status?: number;
  /** Raw Retry-After header, when the response had one. */
  readonly retryAfter?: string | null;
  /** The TCP connection was refused: nothing listens at the base URL. */
  readonly connectionRefused: boolean;
  /** Any other failure to reach the server (DNS, reset before the response). */
  readonly connectionFailed: boolean;
  /** The server sent something that is not the expected JSON. */
  readonly malformed: boolean;
  readonly message: string;
}

interface HeaderBag {
  get(name: string): string | null;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Walks `cause` chains and AggregateErrors looking for a socket error code. */
function socketCodes(error: unknown, depth = 0): string[] {
  if (depth > 5 || typeof error !== 'object' || error === null) return [];
  const own = field(error, 'code');
  const codes = typeof own === 'string' ? [own] : [];
  const nested = field(error, 'errors');
  const children = Array.isArray(nested) ? nested : [];
  return [
    ...codes,
    ...socketCodes(field(error, 'cause'), depth + 1),
    ...children.flatMap((e) => socketCodes(e, depth + 1)),
  ];
}

export function failureFacts(error: unknown): FailureFacts {
  const rawStatus = field(error, 'status') ?? field(error, 'status_code');
  const status = typeof rawStatus === 'number' ? rawStatus : undefined;
  const headers = field(error, 'headers');
  const retryAfter =
    typeof headers === 'object' && headers !== null && typeof (headers as HeaderBag).get === 'function'
      ? (headers as HeaderBag).get('retry-after')
      : undefined;
  const codes = socketCodes(error);
  // The generated SDKs set `name` on some classes only; the constructor name is always there.
  const names = [
    field(error, 'name'),
    (error as { constructor?: { name?: unknown } } | null)?.constructor?.name,
  ];
  const message = error instanceof Error ? error.message : String(error);
  return {
    status,
    retryAfter,
    connectionRefused: codes.includes('ECONNREFUSED'),
    connectionFailed:
      status === undefined &&
      (names.includes('APIConnectionError') ||
        codes.some((c) =>
          ['ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'UND_ERR_SOCKET'].includes(c),
        )),
    malformed: error instanceof SyntaxError,
    message,
  };
}
