/**
 * Admission of work (asks, /v1/execute, /v1/judge): at most `capacity` at once, up to `size`
 * waiting. The bounds come from the machine (see gateway.ts: the engines' run capacity), because
 * an ask admitted here spends most of its time waiting on models and holds no sandbox slot then;
 * its program runs wait for the sandbox's own bound. Waiting work is served fairly: the next to
 * start is the oldest of the owner with the fewest jobs running, so one client's burst cannot
 * starve another. Past `size` a new job is refused with 429 and a Retry-After estimated from how
 * long jobs take and how many are ahead.
 */
import { HttpError } from './httpError';

interface Waiting {
  readonly key: object;
  readonly owner: string;
  readonly start: () => void;
  readonly reject: (error: unknown) => void;
}

export class RunQueue {
  private running = 0;
  private readonly runningBy = new Map<string, number>();
  private readonly waiting: Waiting[] = [];
  /** Mean seconds a job took (exponentially weighted), for Retry-After. */
  private meanS = 10;

  constructor(
    readonly capacity: number,
    readonly size: number,
  ) {}

  get counts(): { running: number; queued: number; capacity: number; queueSize: number } {
    return {
      running: this.running,
      queued: this.waiting.length,
      capacity: this.capacity,
      queueSize: this.size,
    };
  }

  /** Jobs of one owner running and waiting. */
  ownerCounts(owner: string): { running: number; queued: number } {
    return {
      running: this.runningBy.get(owner) ?? 0,
      queued: this.waiting.filter((w) => w.owner === owner).length,
    };
  }

  /** Seconds until a place is likely free: the mean job time for each round of `capacity` ahead. */
  retryAfterS(): number {
    const rounds = Math.ceil((this.waiting.length + 1) / this.capacity);
    return Math.max(1, Math.min(600, Math.ceil(this.meanS * rounds)));
  }

  /** Throws 429 with Retry-After when nothing can start and the queue is full. */
  ensureRoom(): void {
    if (this.running < this.capacity || this.waiting.length < this.size) return;
    const seconds = String(this.retryAfterS());
    throw new HttpError(
      429,
      'queue-full',
      `The gateway is at capacity: ${this.running} running and ${this.waiting.length} queued (the most it holds, sized from its sandbox engines).`,
      `Retry after ${seconds} s, or add an engine (sandbox.engines) or a replica.`,
      { 'retry-after': seconds },
    );
  }

  /**
   * Runs `job` now or when a place frees; `key` names the waiting job for `withdraw`. The promise
   * settles with the job (a withdrawn job never starts).
   */
  submit<T>(owner: string, key: object, job: () => Promise<T>): Promise<T> {
    this.ensureRoom();
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.running++;
        this.runningBy.set(owner, (this.runningBy.get(owner) ?? 0) + 1);
        const began = Date.now();
        job()
          .then(resolve, reject)
          .finally(() => {
            this.meanS = 0.8 * this.meanS + 0.2 * ((Date.now() - began) / 1000);
            this.running--;
            const left = (this.runningBy.get(owner) ?? 1) - 1;
            if (left > 0) this.runningBy.set(owner, left);
            else this.runningBy.delete(owner);
            this.next()?.start();
          });
      };
      if (this.running < this.capacity) start();
      else this.waiting.push({ key, owner, start, reject });
    });
  }

  /** The fair pick: the oldest waiting job of the owner with the fewest running. */
  private next(): Waiting | undefined {
    let best = -1;
    let bestRunning = Infinity;
    this.waiting.forEach((w, i) => {
      const running = this.runningBy.get(w.owner) ?? 0;
      if (running < bestRunning) {
        best = i;
        bestRunning = running;
      }
    });
    return best < 0 ? undefined : this.waiting.splice(best, 1)[0];
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
