/**
 * When a used container is removed. Its program is over (its bootstrap waits to be removed), so
 * removing it is cleanup that waits until no run of this sandbox is in flight: the engine's work
 * does not slow parallel candidates down; under sustained load, at most DEFER_MAX wait, for
 * DEFER_MS. While an ask is under way (prepareFor until its signal) they wait for its end:
 * removing a container costs the engine more CPU than a short run, and at an ask's last answer
 * that CPU is what the verdict waits for. The pool's refills wait for the same quiet moment.
 */
import type { Logger } from '../types';
import type { Box } from './container';
import type { WarmPool } from './pool';

/** Used containers waiting for the runs in flight to end: at most this many, for at most this long. */
export const DEFER_MAX = 8;
export const DEFER_MS = 1_000;
/** Used containers waiting for the asks under way to end (their programs are over; each holds its memory). */
export const DEFER_ASK_MAX = 16;

/** What this module needs of a container and of the pool (the tests give it their own). */
type UsedBox = Pick<Box, 'destroy'>;
type Refills = Pick<WarmPool, 'replenish'>;

export class UsedContainers {
  /** Runs in flight (a live run stops counting once its program has started). */
  running = 0;
  private asks = 0;
  private readonly deferred: UsedBox[] = [];
  /** Pool keys taken from since the last quiet moment: refilled then. */
  private readonly touched = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly removals = new Set<Promise<void>>();

  constructor(
    private readonly pool: Refills,
    private readonly logger: Logger,
  ) {}

  quiet(): boolean {
    return this.running === 0 && this.asks === 0;
  }

  /** A run took a container of pool `key`: the pool refills it at the next quiet moment. */
  touch(key: string): void {
    this.touched.add(key);
  }

  askStarted(): void {
    this.asks++;
  }

  askEnded(): void {
    this.asks--;
    if (this.quiet()) this.flush();
  }

  /**
   * A run is over: a container whose program exited by itself may wait (`reusable`), any other
   * goes at once. Once nothing runs, after the caller has its result, the waiting ones go too.
   */
  release(box: UsedBox | undefined, reusable: boolean): void {
    if (box && reusable && !this.quiet()) this.defer(box);
    else if (box) this.remove(box);
    if (this.quiet()) setImmediate(() => this.quiet() && this.flush());
  }

  remove(box: UsedBox): void {
    this.track(
      box
        .destroy()
        .catch((e: unknown) => this.logger.warn(`sandbox: could not remove a container: ${String(e)}`)),
    );
  }

  /**
   * A container given up while being created is removed when it arrives: a create call already
   * sent to a busy engine can take seconds, and the cancelled run does not wait for it.
   */
  removeWhenArrived(taking: Promise<UsedBox>): void {
    this.track(
      taking.then(
        (box) => this.remove(box),
        () => undefined,
      ),
    );
  }

  /** Removes the waiting containers now (no refill). */
  removeDeferred(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const box of this.deferred.splice(0)) this.remove(box);
  }

  /** Resolves when every removal under way has settled. */
  async settled(): Promise<void> {
    while (this.removals.size) await Promise.allSettled([...this.removals]);
  }

  private flush(): void {
    this.removeDeferred();
    for (const key of this.touched) this.pool.replenish(key);
    this.touched.clear();
  }

  private defer(box: UsedBox): void {
    this.deferred.push(box);
    if (this.deferred.length >= (this.asks > 0 ? DEFER_ASK_MAX : DEFER_MAX)) this.flush();
    else if (this.asks === 0) this.timer ??= setTimeout(() => this.flush(), DEFER_MS);
  }

  /** Counted until it settles, so settle() and dispose() wait for it. */
  private track(p: Promise<void>): void {
    this.removals.add(p);
    void p.finally(() => this.removals.delete(p));
  }
}
