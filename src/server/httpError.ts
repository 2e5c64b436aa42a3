/**
 * An HTTP failure with the same shape everywhere: `{ error, message, advice }` plus the status and
 * any headers (Retry-After). Routes and the gateway throw it; the app's error handler sends it.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    /** A stable machine-readable code (`queue-full`, `not-found`, ...). */
    readonly code: string,
    message: string,
    readonly advice: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** The request field at fault, for 400s. */
    readonly field?: string,
  ) {
    super(message);
  }
  static is(error: unknown): error is HttpError {
    return error instanceof HttpError;
  }
  body(): Record<string, unknown> {
    return {
      error: this.code,
      message: this.message,
      advice: this.advice,
      ...(this.field !== undefined ? { field: this.field } : {}),
    };
  }
}

export const notFound = (id: string): HttpError =>
  new HttpError(
    404,
    'not-found',
    `No run with id ${id}.`,
    'A token sees only its own runs; the oldest finished runs are deleted past the history size (server.historySize).',
  );

export const badField = (field: string, message: string): HttpError =>
  new HttpError(
    400,
    'bad-request',
    `${field}: ${message}`,
    'Fix the field named and send the request again.',
    {},
    field,
  );
