/**
 * One run the gateway holds: its status, every event it emitted (numbered from 1, kept so a stream
 * can be replayed from the start or resumed after Last-Event-ID), and its record. Listeners are
 * event streams; a listener that goes away (a client that disconnects) never affects the run.
 * Every event and status also goes to `persist` (the database); a run read back from there is a
 * RunEntry too (`RunEntry.stored`), so views and streams are the same for both.
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

/** Where a run's changes go as they happen (the run store); absent for a run read back from it. */
export interface RunPersistence {
  event(runId: string, event: StreamEvent): void;
  status(runId: string, status: RunStatus): void;
  finish(
    runId: string,
    status: RunStatus,
    record: RunRecord | undefined,
    error: RunFailure | undefined,
  ): void;
}

export class RunEntry {
  readonly createdAt: number = Date.now();
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

  constructor(
    readonly id: string,
    /** The caller's owner id (a token's hashed id, or `local`). */
    readonly owner: string = 'local',
    private readonly persist?: RunPersistence,
    /** Events of an earlier attempt (a run re-queued after a restart): numbering goes on after them. */
    earlier: readonly StreamEvent[] = [],
    /**
     * The first event: `queued`, `requeued` (a later attempt; the default after earlier events), or
     * none (`continue`: a replica takes a run another one accepted and announced as queued).
     */
    first: 'queued' | 'requeued' | 'continue' = earlier.length ? 'requeued' : 'queued',
  ) {
    this.finished = new Promise<void>((resolve) => (this.settle = resolve));
    this.events.push(...earlier);
    if (first !== 'continue')
      this.push('status', first === 'requeued' ? { status: 'queued', requeued: true } : { status: 'queued' });
  }

  /**
   * A run another replica works on (replicas.ts), as stored so far: its events come in through
   * `append` as that replica stores them, and `finished` settles with its `end` event.
   */
  static following(row: Parameters<typeof RunEntry.stored>[0]): RunEntry {
    const entry = RunEntry.stored({ ...row, events: [] });
    let settle!: () => void;
    Object.assign(entry, {
      finished: new Promise<void>((resolve) => (settle = resolve)),
      settle,
    });
    for (const e of row.events) entry.append(e);
    return entry;
  }

  /** An event stored by another process: kept and handed to listeners, in order, once each. */
  append(e: StreamEvent): void {
    if (this.terminal || e.id <= (this.events.at(-1)?.id ?? 0)) return;
    this.events.push(e);
    let body: { status?: RunStatus; record?: RunRecord; error?: RunFailure } = {};
    try {
      body = JSON.parse(e.data) as typeof body;
    } catch {
      // not JSON: nothing to read from it
    }
    if (e.event === 'status' && body.status) this.status = body.status;
    for (const listener of [...this.listeners]) listener(e);
    if (e.event === 'end') {
      this.status = body.status ?? 'failed';
      this.record = body.record;
      this.error = body.error;
      this.listeners.clear();
      this.settle();
    }
  }

  /** A finished run (or one another process holds) as stored: for views and replays only. */
  static stored(row: {
    id: string;
    owner: string;
    status: RunStatus;
    createdAt: number;
    record?: unknown;
    error?: RunFailure;
    events: readonly StreamEvent[];
  }): RunEntry {
    const entry = Object.create(RunEntry.prototype) as RunEntry;
    Object.assign(entry, {
      id: row.id,
      owner: row.owner,
      createdAt: row.createdAt,
      status: row.status,
      events: [...row.events],
      record: row.record as RunRecord | undefined,
      error: row.error,
      cancelRequested: false,
      listeners: new Set(),
      finished: Promise.resolve(),
      settle: () => undefined,
    });
    return entry;
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
    this.persist?.event(this.id, stored);
    for (const listener of [...this.listeners]) listener(stored);
  }

  setStatus(status: Exclude<RunStatus, 'completed' | 'failed' | 'cancelled'>): void {
    this.status = status;
    this.persist?.status(this.id, status);
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
    this.persist?.finish(this.id, status, record, error);
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
 * The runs this process is working on (queued or running), by id. Finished runs leave it: the
 * database holds them (and every run's events) for views, replays and history.
 */
export class RunRegistry {
  private readonly runs = new Map<string, RunEntry>();

  get(id: string): RunEntry | undefined {
    return this.runs.get(id);
  }

  all(): RunEntry[] {
    return [...this.runs.values()];
  }

  add(entry: RunEntry): void {
    this.runs.set(entry.id, entry);
  }

  /** Once its end is in the database (so a read from there sees it finished). */
  remove(id: string): void {
    this.runs.delete(id);
  }
}
