/** Shapes shared by the replay server and its wire modules. */

/** One recorded answer. */
export interface Recording {
  /** The answer's content, exactly as the model streamed it. */
  readonly text: string;
  /** Reasoning the server streamed beside the content (`reasoning_content` / Ollama `thinking`). */
  readonly reasoning?: string;
  /** Recorded time to first token, replayed unless a fault or option overrides it. */
  readonly ttftMs?: number;
  /** Recorded pace between pieces. */
  readonly chunkDelayMs?: number;
}

/** Misbehaviour injected for one model name, so tests can drive every failure path through the real SDKs. */
export interface Fault {
  /** Wait this long before the first piece (after the headers). */
  readonly ttftMs?: number;
  /** Wait this long between pieces. */
  readonly chunkDelayMs?: number;
  /** Answer with this HTTP status instead of the recording (401, 429, 500...). */
  readonly status?: number;
  /** How many requests get `status` before the recording is served; omitted = every request. */
  readonly times?: number;
  /** Retry-After header sent with `status` (seconds or an HTTP date). */
  readonly retryAfter?: string;
  /** Destroy the socket after this many content pieces. */
  readonly cutAfterChunks?: number;
  /** Send a broken JSON line after this many content pieces, then end the stream. */
  readonly malformedAfterChunks?: number;
  /** Never answer: accept the request and hold it open. */
  readonly hang?: boolean;
  /** Ignore `stream_options.include_usage`, as servers that predate it do (Groq still sends `x_groq.usage`). */
  readonly noUsageChunk?: boolean;
}

/** What the server saw, so tests can assert on the wire (the Authorization value is kept for that). */
export interface ReplayRequest {
  readonly method: string;
  readonly path: string;
  readonly model?: string;
  /** The raw Authorization header; the demo only ever sees placeholder keys. */
  readonly authorization?: string;
  readonly body: unknown;
  status: number;
  /** True when the client closed the connection before the response was complete. */
  clientClosed: boolean;
  /** True when the whole response was written. */
  finished: boolean;
}

/** Pacing and content for one response, after faults are applied. */
export interface Playback {
  readonly model: string;
  readonly recording: Recording;
  readonly promptText: string;
  readonly ttftMs: number;
  readonly chunkDelayMs: number;
  readonly cutAfterChunks?: number;
  readonly malformedAfterChunks?: number;
}
