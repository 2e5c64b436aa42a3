/**
 * At most `capacity` jobs run at once; up to `size` wait behind them in order. Asks, /v1/execute
 * and /v1/judge share it, because they share the sandbox and the machine's cores.
 */
import { HttpError } from './httpError';

interface Waiting {
  readonly key: object;
  readonly start: () => void;
  readonly reject: (error: unknown) => void;
}

export class RunQueue {
  private running = 0;
  private readonly waiting: Waiting[] = [];

  constructor(
    readonly capacity: number,
    readonly size: number,
    /** Seconds a client is told to wait when the queue is full (Retry-After). */
    private readonly retryAfterS: () => number,
  ) {}

  get counts(): { running: number; queued: number; capacity: number; queueSize: number } {
    return {
      running: this.running,
      queued: this.waiting.length,
      capacity: this.capacity,
      queueSize: this.size,
    };
  }

  /** Throws 503 when nothing can run and the queue is full. */
  ensureRoom(): void {
    if (this.running < this.capacity || this.waiting.length < this.size) return;
    const seconds = String(this.retryAfterS());
    throw new HttpError(
      503,
      'queue-full',
      `The gateway is busy: ${this.running} running and ${this.waiting.length} queued (the most it holds).`,
      `Retry after ${seconds} s, or raise server.queueSize / server.maxConcurrentRuns.`,
      { 'retry-after': seconds },
    );
  }

  /**
   * Runs `job` now or when a slot frees; `key` identifies the waiting entry for `withdraw`.
   * The returned promise settles with the job (queued jobs that are withdrawn never start).
   */
  submit<T>(key: object, job: () => Promise<T>): Promise<T> {
    this.ensureRoom();
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.running++;
        job()
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.waiting.shift()?.start();
          });
      };
      if (this.running < this.capacity) start();
      else this.waiting.push({ key, start, reject });
    });
  }

  /** Takes a job out of the queue before it started (its promise rejects with `error`); false when it is not waiting. */
  withdraw(key: object, error: unknown): boolean {
    const at = this.waiting.findIndex((w) => w.key === key);
    if (at < 0) return false;
    this.waiting.splice(at, 1)[0]?.reject(error);
    return true;
  }

  /** Withdraws every waiting job (shutdown). */
  drain(error: unknown): void {
    for (const w of this.waiting.splice(0)) w.reject(error);
  }
}
