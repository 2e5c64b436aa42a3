/**
 * One run the gateway holds: its status, every event it emitted (numbered from 1, kept so a stream
 * can be replayed from the start or resumed after Last-Event-ID), and its record. Listeners are
 * event streams; a listener that goes away (a client that disconnects) never affects the run.
 */
import type { AskHandle } from '../core/session';
import type { RunRecord } from '../core/types';

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export const TERMINAL: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'cancelled']);

/** One Server-Sent Event as stored: `data` is already JSON, with the run's `askId` in it. */
export interface StreamEvent {
  readonly id: number;
  readonly event: string;
  readonly data: string;
}

export interface RunFailure {
  readonly message: string;
  readonly advice: string;
}

/** Any error as a run's failure: typed errors keep their advice. */
export function failureOf(error: unknown): RunFailure {
  const advised = error as { message?: unknown; advice?: unknown };
  return error instanceof Error && typeof advised.advice === 'string'
    ? { message: error.message, advice: advised.advice }
    : { message: String(error), advice: 'See the server log for details.' };
}

export class RunEntry {
  readonly createdAt = Date.now();
  status: RunStatus = 'queued';
  readonly events: StreamEvent[] = [];
  record?: RunRecord;
  error?: RunFailure;
  handle?: AskHandle;
  /** Set by DELETE; a run that starts afterwards is cancelled at once. */
  cancelRequested = false;
  readonly finished: Promise<void>;
  private settle!: () => void;
  private readonly listeners = new Set<(event: StreamEvent) => void>();

  constructor(readonly id: string) {
    this.finished = new Promise<void>((resolve) => (this.settle = resolve));
    this.push('status', { status: 'queued' });
  }

  get terminal(): boolean {
    return TERMINAL.has(this.status);
  }

  /** Appends an event (stamped with this run's id as `askId`) and hands it to every listener. */
  push(event: string, body: object): void {
    const stored: StreamEvent = {
      id: this.events.length + 1,
      event,
      data: JSON.stringify({ ...body, askId: this.id }),
    };
    this.events.push(stored);
    for (const listener of [...this.listeners]) listener(stored);
  }

  setStatus(status: Exclude<RunStatus, 'completed' | 'failed' | 'cancelled'>): void {
    this.status = status;
    this.push('status', { status });
  }

  /** The last event: the final status with the whole record (or why there is none). */
  finish(status: 'completed' | 'failed' | 'cancelled', record?: RunRecord, error?: RunFailure): void {
    if (this.terminal) return;
    this.status = status;
    this.record = record;
    this.error = error;
    this.handle = undefined;
    this.push('end', { status, record, error });
    this.listeners.clear();
    this.settle();
  }

  /** Calls `listener` for every event after `afterId`, then for new ones; returns the unsubscribe. */
  subscribe(afterId: number, listener: (event: StreamEvent) => void): () => void {
    for (const e of this.events) if (e.id > afterId) listener(e);
    if (this.terminal) return () => undefined;
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The record so far (the same JSON as `quorum ask --json`) plus id, status and links. */
  view(): Record<string, unknown> {
    const record = this.record ?? this.handle?.record();
    return {
      ...(record ?? {}),
      id: this.id,
      status: this.status,
      ...(this.error ? { error: this.error } : {}),
      links: linksOf(this.id),
    };
  }
}

export function linksOf(id: string): { self: string; events: string } {
  return { self: `/v1/runs/${id}`, events: `/v1/runs/${id}/events` };
}

/**
 * The runs in memory: at most `historySize`, the oldest finished ones evicted first (a run still
 * queued or running is never evicted). Idempotency keys name a run for `idempotencyMs`.
 */
export class RunRegistry {
  private readonly runs = new Map<string, RunEntry>();
  private readonly keys = new Map<string, { readonly runId: string; readonly at: number }>();

  constructor(
    private readonly historySize: number,
    private readonly idempotencyMs: number,
  ) {}

  get(id: string): RunEntry | undefined {
    return this.runs.get(id);
  }

  all(): RunEntry[] {
    return [...this.runs.values()];
  }

  add(entry: RunEntry, idempotencyKey?: string): void {
    this.runs.set(entry.id, entry);
    if (idempotencyKey) this.keys.set(idempotencyKey, { runId: entry.id, at: Date.now() });
    for (const [id, run] of this.runs) {
      if (this.runs.size <= this.historySize) break;
      if (run.terminal) this.runs.delete(id);
    }
    const now = Date.now();
    for (const [key, value] of this.keys) if (now - value.at > this.idempotencyMs) this.keys.delete(key);
  }

  /** The run an Idempotency-Key named within its lifetime, if still held. */
  byKey(key: string): RunEntry | undefined {
    const found = this.keys.get(key);
    if (!found || Date.now() - found.at > this.idempotencyMs) return undefined;
    return this.runs.get(found.runId);
  }
}
