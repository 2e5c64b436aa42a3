import type { Logger } from '../types';
import type { Box, BoxSpec } from './container';
import { cancelledError } from './engineErrors';

export interface PoolOptions {
  /** Started containers kept waiting per image+limits in use. */
  readonly size: number;
  /** Waiting containers are removed after this long without a run. */
  readonly idleMs: number;
  /** Containers being created and started at once; more wait their turn here, not in the engine. */
  readonly opensAtOnce: number;
  /** Creates and starts a box; gives up (and removes what it made) when the signal aborts. */
  readonly open: (spec: BoxSpec, signal?: AbortSignal) => Promise<Box>;
  readonly logger: Logger;
}

interface Waiter {
  /** A run waiting for its container goes before background refills. */
  readonly urgent: boolean;
  readonly start: () => void;
}

interface Failed {
  readonly error: unknown;
}

interface Shelf {
  readonly key: string;
  readonly spec: BoxSpec;
  readonly ready: Box[];
  opening: number;
  /** Refills that failed in a row, and when the next may start (back-off: an engine that refuses is not hammered). */
  failures: number;
  retryAt: number;
  /** Opens under way for this shelf, background refills included. */
  readonly pending: Set<Promise<true | Failed>>;
  idleTimer?: NodeJS.Timeout;
}

/** Wait before the next background refill after `failures` failed in a row: 1 s, 2 s, 4 s... at most 30 s. */
export function refillBackoffMs(failures: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));
}

/**
 * Warm pool: created-and-started fresh containers waiting for code. A run takes one (or
 * opens one when the shelf is empty) and the shelf refills in the background. Boxes are
 * never handed out twice; used boxes are destroyed by the caller.
 *
 * At most `opensAtOnce` containers are being created at a time. When runs outpace the pool, an
 * engine given every create at once slows them all down, and with them the removal of a
 * cancelled run's container; queued here, a cancelled run leaves the queue at once.
 */
export class WarmPool {
  private readonly shelves = new Map<string, Shelf>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly waiters: Waiter[] = [];
  private opens = 0;
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  /**
   * A fresh started box for the spec; from the shelf when one is waiting. An abort while the box
   * is still to be opened rejects with SandboxError('cancelled') and removes what was made.
   */
  async take(key: string, spec: BoxSpec, signal?: AbortSignal): Promise<Box> {
    const shelf = this.shelf(key, spec);
    this.touch(shelf);
    const box = shelf.ready.shift();
    // No refill here: creating a container costs the engine more CPU than a short run, so the
    // shelf is refilled when the caller's runs are done (`replenish`), not while they compete.
    return box ?? this.track(this.openInTurn(spec, true, signal));
  }

  /** Refills the shelf of a spec in the background, one container at a time. */
  replenish(key: string): void {
    const shelf = this.shelves.get(key);
    if (shelf) this.refill(shelf);
  }

  /**
   * Fills the shelf for a spec to `count` (default: pool size) and resolves when it is full,
   * including containers a background refill was still preparing.
   */
  async warm(key: string, spec: BoxSpec, count = this.options.size): Promise<void> {
    const shelf = this.shelf(key, spec);
    this.touch(shelf);
    const missing = Math.max(0, count - shelf.ready.length - shelf.opening);
    for (let i = 0; i < missing; i++) void this.startOpen(shelf);
    const opened = await Promise.all([...shelf.pending]);
    const failure = opened.find((o): o is Failed => o !== true);
    if (failure) throw failure.error;
  }

  /** Counts of waiting containers, for tests and the status bar. */
  waiting(): number {
    let n = 0;
    for (const shelf of this.shelves.values()) n += shelf.ready.length;
    return n;
  }

  /** Removes every waiting container and waits for boxes still being opened. */
  async drain(): Promise<void> {
    const boxes: Box[] = [];
    for (const shelf of this.shelves.values()) {
      clearTimeout(shelf.idleTimer);
      boxes.push(...shelf.ready.splice(0));
    }
    await Promise.allSettled(boxes.map((b) => b.destroy()));
    // Opens finishing during the wait see `closed` and destroy their box inside the tracked promise.
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
    // Boxes that finished opening during the wait landed on a shelf: remove them too.
    const late = [...this.shelves.values()].flatMap((s) => s.ready.splice(0));
    await Promise.allSettled(late.map((b) => b.destroy()));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
    this.shelves.clear();
  }

  private shelf(key: string, spec: BoxSpec): Shelf {
    let shelf = this.shelves.get(key);
    if (!shelf) {
      shelf = { key, spec, ready: [], opening: 0, failures: 0, retryAt: 0, pending: new Set() };
      this.shelves.set(key, shelf);
    }
    return shelf;
  }

  /** (Re)arms the idle timer; also when a box lands, so one that took long to open is not forgotten. */
  private touch(shelf: Shelf): void {
    clearTimeout(shelf.idleTimer);
    shelf.idleTimer = setTimeout(() => {
      const boxes = shelf.ready.splice(0);
      this.options.logger.debug(
        `sandbox pool: idle, removing ${boxes.length} waiting container(s) for ${shelf.key}`,
      );
      for (const box of boxes) void this.track(box.destroy()).catch(() => undefined);
    }, this.options.idleMs);
    shelf.idleTimer.unref();
  }

  /** One background open at a time per shelf: refilling must not starve the runs themselves. */
  private refill(shelf: Shelf): void {
    if (this.closed || shelf.opening > 0 || shelf.ready.length >= this.options.size) return;
    if (Date.now() < shelf.retryAt) return;
    // Stop on a failure (engine gone, image missing), and let a later replenish retry only after a
    // back-off that doubles with each failure in a row.
    void this.startOpen(shelf).then((ok) => {
      if (ok === true) {
        shelf.failures = 0;
        this.refill(shelf);
      } else {
        shelf.failures++;
        shelf.retryAt = Date.now() + refillBackoffMs(shelf.failures);
      }
    });
  }

  /** Removes waiting containers of a spec beyond `size` (an ask's extra containers, once it is over). */
  trim(key: string, size = this.options.size): void {
    const shelf = this.shelves.get(key);
    if (!shelf) return;
    for (const box of shelf.ready.splice(size)) void this.track(box.destroy()).catch(() => undefined);
  }

  private startOpen(shelf: Shelf): Promise<true | Failed> {
    const opening = this.track(this.openInto(shelf));
    shelf.pending.add(opening);
    void opening.finally(() => shelf.pending.delete(opening));
    return opening;
  }

  /** Resolves true, or with the error that prevented it (never rejects: refills run unattended). */
  private async openInto(shelf: Shelf): Promise<true | Failed> {
    if (this.closed) return true;
    shelf.opening++;
    try {
      const box = await this.openInTurn(shelf.spec, false);
      if (this.closed) await box.destroy();
      else {
        shelf.ready.push(box);
        this.touch(shelf);
      }
      return true;
    } catch (error) {
      if (!this.closed)
        this.options.logger.warn(`sandbox pool: could not prepare a container: ${String(error)}`);
      return { error };
    } finally {
      shelf.opening--;
    }
  }

  private async openInTurn(spec: BoxSpec, urgent: boolean, signal?: AbortSignal): Promise<Box> {
    await this.turn(urgent, signal);
    try {
      // A refill whose turn comes after close() has nothing to fill.
      if (signal?.aborted || (this.closed && !urgent)) throw cancelledError();
      return await this.options.open(spec, signal);
    } finally {
      // The turn passes to the next waiter (`opens` stays as it is), or is given back.
      const next = this.waiters.shift();
      if (next) next.start();
      else this.opens--;
    }
  }

  private turn(urgent: boolean, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(cancelledError());
    if (this.opens < this.options.opensAtOnce) {
      this.opens++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(cancelledError());
      };
      const waiter: Waiter = {
        urgent,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const firstRefill = this.waiters.findIndex((w) => !w.urgent);
      if (urgent && firstRefill >= 0) this.waiters.splice(firstRefill, 0, waiter);
      else this.waiters.push(waiter);
    });
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }
}
