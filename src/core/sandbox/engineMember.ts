import type { Logger } from '../types';
import { SandboxError } from '../types';
import type { EngineSandbox } from './engineSandbox';

export type EngineState = 'unknown' | 'up' | 'down';

/** First retry of a down engine after this long, doubling up to RETRY_MAX_MS. */
export const RETRY_FIRST_MS = 1_000;
export const RETRY_MAX_MS = 30_000;

/** Failures that say something about the engine, not about the program, the image or the caller. */
export function isEngineFailure(error: unknown): boolean {
  if (!SandboxError.is(error)) return true;
  return ['not-installed', 'not-running', 'permission-denied', 'engine-error'].includes(error.reason);
}

/**
 * One engine of a router: its sandbox (own warm pool, own orphan sweep), its state and its
 * capacity. A failed check marks it down; it is then retried with back-off, and when it answers
 * again every container this instance had on it is removed before it takes runs again.
 */
export class EngineMember {
  state: EngineState = 'unknown';
  running = 0;
  /** Why it is down: the error of the failed check. */
  lastError: SandboxError | undefined;
  private failures = 0;
  private retry: NodeJS.Timeout | undefined;
  private checking: Promise<boolean> | undefined;
  private disposed = false;

  constructor(
    readonly sandbox: EngineSandbox,
    readonly maxConcurrent: number,
    readonly weight: number,
    private readonly onChange: () => void,
    private readonly logger: Logger,
  ) {}

  get name(): string {
    return this.sandbox.engine;
  }

  /** May take runs: up, or not checked yet (the first run checks it). */
  get usable(): boolean {
    return this.state !== 'down';
  }

  get free(): number {
    return this.maxConcurrent - this.running;
  }

  /** Asks the engine (one check at a time); marks it up or down. Resolves whether it answered. */
  check(): Promise<boolean> {
    this.checking ??= (async () => {
      try {
        await this.sandbox.check();
        if (this.state === 'down') await this.recover();
        else this.state = 'up';
        return true;
      } catch (error) {
        this.markDown(error);
        return false;
      } finally {
        this.checking = undefined;
      }
    })();
    return this.checking;
  }

  markDown(error: unknown): void {
    this.lastError = SandboxError.is(error)
      ? error
      : new SandboxError(
          'not-running',
          `The engine ${this.name} failed: ${String(error)}`,
          'See the Quorum log.',
        );
    if (this.state === 'down' || this.disposed) return;
    this.state = 'down';
    this.failures = 0;
    this.logger.warn(`sandbox: engine ${this.name} is down: ${this.lastError.message}`);
    this.schedule();
    this.onChange();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.retry);
  }

  private schedule(): void {
    clearTimeout(this.retry);
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this.failures++);
    this.retry = setTimeout(() => {
      if (this.disposed || this.state !== 'down') return;
      void this.check().then((up) => {
        if (!up && this.state === 'down') this.schedule();
      });
    }, delay);
    this.retry.unref();
  }

  /** Back after being down: what it had (waiting containers, runs cut off) is removed first. */
  private async recover(): Promise<void> {
    await this.sandbox
      .reset()
      .catch((e: unknown) => this.logger.warn(`sandbox: reset of ${this.name}: ${String(e)}`));
    clearTimeout(this.retry);
    this.state = 'up';
    this.lastError = undefined;
    this.logger.info(`sandbox: engine ${this.name} is back`);
    this.onChange();
  }
}
