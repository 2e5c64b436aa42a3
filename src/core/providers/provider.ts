/**
 * The behaviour every provider kind shares: one deadline combined with the caller's AbortSignal,
 * bounded retries of 429/5xx (never once answer text has streamed), TTFT and latency, and the
 * mapping of any failure to a `ProviderError` with advice. A kind only supplies a `StreamingBackend`.
 */
import { ProviderError, silentLogger } from '../types';
import type {
  ChatMessage,
  CompletionResult,
  Logger,
  ModelConfig,
  Provider,
  ProviderRequest,
  Usage,
} from '../types';
import { failureFacts } from './errorFacts';
import { errorFromFacts, incompleteError, unknownModelError } from './failureAdvice';
import type { VendorIdentity } from './failureAdvice';
import { DEFAULT_RETRY, abortableSleep, isRetryableStatus, retryDelayMs } from './retryPolicy';
import type { RetryOptions } from './retryPolicy';

export const DEFAULT_TIMEOUT_MS = 120_000;
/** The model list for unknown-model advice is a courtesy: never let it hold the error back long. */
const MODEL_LIST_TIMEOUT_MS = 3_000;

/** What callers may pass when creating a provider. Never carries the key itself. */
export interface ProviderOptions {
  readonly logger?: Logger;
  /** Tests shrink the backoff; production uses DEFAULT_RETRY. */
  readonly retry?: Partial<RetryOptions>;
}

/** Collects one attempt's stream; the backend feeds it, the policy reads it. */
export class StreamSink {
  text = '';
  reasoning = '';
  usage?: Usage;
  finishReason?: string;
  firstContentAt?: number;
  /** True once the server answered 200 and began streaming: from here on nothing is resent. */
  streaming = false;
  constructor(private readonly onDelta: (text: string) => void) {}
  content(piece: string | null | undefined): void {
    if (!piece) return;
    this.firstContentAt ??= performance.now();
    this.text += piece;
    this.onDelta(piece);
  }
  think(piece: string | null | undefined): void {
    if (piece) this.reasoning += piece;
  }
}

/** The vendor-specific half: open one stream and pour it into the sink. */
export interface StreamingBackend {
  readonly identity: VendorIdentity;
  /** Resolves when the stream ends; must set `sink.finishReason` when the server said it finished. */
  stream(messages: readonly ChatMessage[], signal: AbortSignal, sink: StreamSink): Promise<void>;
  /** Model names the server offers, for unknown-model advice. */
  listModels(signal: AbortSignal): Promise<string[]>;
}

export class StreamingProvider implements Provider {
  private readonly retry: RetryOptions;
  private readonly logger: Logger;
  constructor(
    readonly config: ModelConfig,
    private readonly backend: StreamingBackend,
    options: ProviderOptions = {},
  ) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.logger = options.logger ?? silentLogger;
  }

  async complete(request: ProviderRequest): Promise<CompletionResult> {
    const started = performance.now();
    const deadline = AbortSignal.timeout(this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = AbortSignal.any([request.signal, deadline]);
    const who = this.backend.identity;
    for (let attempt = 1; ; attempt++) {
      const sink = new StreamSink(request.onDelta);
      try {
        await this.backend.stream(request.messages, signal, sink);
        if (signal.aborted) throw signal.reason;
        if (sink.finishReason === undefined)
          throw incompleteError(who, sink, 'the stream ended without a finish signal');
        const end = performance.now();
        this.logger.debug(
          `${who.vendor} ${this.config.id}: ${sink.finishReason} after ${Math.round(end - started)} ms, attempt ${attempt}`,
        );
        return {
          text: sink.text,
          reasoning: sink.reasoning || undefined,
          usage: sink.usage,
          ttftMs: sink.firstContentAt === undefined ? undefined : Math.round(sink.firstContentAt - started),
          latencyMs: Math.round(end - started),
          finishReason: sink.finishReason,
        };
      } catch (error) {
        const failure = await this.classify(error, sink, request.signal, deadline);
        const retryable =
          !sink.streaming && attempt < this.retry.attempts && isRetryableStatus(failure.status);
        if (!retryable) {
          this.logger.debug(
            `${who.vendor} ${this.config.id}: failed (${failure.error.code}) on attempt ${attempt}`,
          );
          throw failure.error;
        }
        const wait = retryDelayMs(this.retry, attempt + 1, failure.retryAfter);
        this.logger.warn(
          `${who.vendor} ${this.config.id}: ${failure.status ?? ''} on attempt ${attempt}; retrying in ${wait} ms`,
        );
        try {
          await abortableSleep(wait, signal);
        } catch {
          throw (await this.classify(signal.reason, sink, request.signal, deadline)).error;
        }
      }
    }
  }

  private async classify(
    error: unknown,
    sink: StreamSink,
    caller: AbortSignal,
    deadline: AbortSignal,
  ): Promise<{ error: ProviderError; status?: number; retryAfter?: string | null }> {
    const who = this.backend.identity;
    const partialText = sink.text || undefined;
    // The signals are the truth about aborts: each SDK words its abort error differently.
    if (caller.aborted) {
      return {
        error: new ProviderError(
          'cancelled',
          `Request to ${who.vendor} cancelled`,
          'Cancelled at your request.',
          undefined,
          partialText,
          sink.usage,
        ),
      };
    }
    if (deadline.aborted) {
      const seconds = Math.round((this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000);
      return {
        error: new ProviderError(
          'timeout',
          `${who.vendor} did not finish within ${seconds} s`,
          `Raise timeoutMs for '${this.config.id}' or pick a faster model.`,
          undefined,
          partialText,
          sink.usage,
        ),
      };
    }
    if (ProviderError.is(error)) return { error };
    const facts = failureFacts(error);
    if (sink.streaming && facts.status === undefined && !facts.malformed) {
      return { error: incompleteError(who, sink, facts.message) };
    }
    if (facts.status === 404)
      return { error: unknownModelError(who, await this.modelsOrUndefined()), status: 404 };
    return { error: errorFromFacts(facts, who, sink), status: facts.status, retryAfter: facts.retryAfter };
  }

  private async modelsOrUndefined(): Promise<string[] | undefined> {
    try {
      return await this.backend.listModels(AbortSignal.timeout(MODEL_LIST_TIMEOUT_MS));
    } catch {
      return undefined;
    }
  }
}
