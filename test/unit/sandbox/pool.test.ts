import assert from 'node:assert/strict';
import type { Box, BoxSpec } from '../../../src/core/sandbox/container';
import { WarmPool, refillBackoffMs } from '../../../src/core/sandbox/pool';
import { DEFAULT_LIMITS, SandboxError, silentLogger } from '../../../src/core/types';

const SPEC: BoxSpec = { language: 'python', image: 'img', limits: DEFAULT_LIMITS, labels: {} };

/**
 * An engine stand-in for the pool: each open waits until the test lets it finish, and the test
 * sees which opens are under way, in order, and with which signal.
 */
class FakeEngine {
  readonly started: { id: number; signal?: AbortSignal; finish: () => void }[] = [];
  running = 0;
  maxRunning = 0;
  private next = 0;

  open = (_spec: BoxSpec, signal?: AbortSignal): Promise<Box> => {
    const id = this.next++;
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return new Promise<Box>((resolve) => {
      this.started.push({
        id,
        signal,
        finish: () => {
          this.running--;
          resolve({ id, destroy: () => Promise.resolve() } as unknown as Box);
        },
      });
    });
  };

  /** Finishes the opens under way, oldest first, until `count` have been finished. */
  async finish(count: number): Promise<void> {
    for (let done = 0; done < count;) {
      const pending = this.started.find((s) => !('done' in s));
      if (!pending) {
        await new Promise((r) => setImmediate(r));
        continue;
      }
      Object.assign(pending, { done: true });
      pending.finish();
      done++;
      await new Promise((r) => setImmediate(r));
    }
  }
}

function poolOn(engine: FakeEngine, opensAtOnce = 2, size = 2): WarmPool {
  return new WarmPool({ size, idleMs: 60_000, opensAtOnce, open: engine.open, logger: silentLogger });
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('sandbox warm pool: opening containers', () => {
  it('creates at most opensAtOnce containers at a time, and every run still gets one', async () => {
    const engine = new FakeEngine();
    const pool = poolOn(engine, 2);
    const takes = Array.from({ length: 6 }, () => pool.take('k', SPEC));
    await tick();
    assert.equal(engine.running, 2);
    await engine.finish(6);
    const boxes = (await Promise.all(takes)) as unknown as { id: number }[];
    assert.deepEqual(boxes.map((b) => b.id).sort(), [0, 1, 2, 3, 4, 5]);
    assert.equal(engine.maxRunning, 2);
    await pool.close();
  });

  it('opens a waiting run its container before background refills', async () => {
    const engine = new FakeEngine();
    const pool = poolOn(engine, 1, 3);
    const warming = pool.warm('k', SPEC, 3); // three refills queue up behind one slot
    await tick();
    const take = pool.take('k', SPEC); // the shelf is empty: this run needs an open too
    await tick();
    await engine.finish(2); // the refill under way, then the next in turn
    // The second open was the run's (urgent), not the second refill.
    const box = (await take) as unknown as { id: number };
    assert.equal(box.id, 1);
    await engine.finish(2);
    await warming;
    await pool.close();
  });

  it('lets a cancelled run leave the queue at once, without ever creating its container', async () => {
    const engine = new FakeEngine();
    const pool = poolOn(engine, 1);
    const first = pool.take('k', SPEC);
    const cancel = new AbortController();
    const second = pool.take('k', SPEC, cancel.signal);
    await tick();
    cancel.abort();
    await assert.rejects(second, (e: unknown) => SandboxError.is(e) && e.reason === 'cancelled');
    await engine.finish(1);
    await first;
    await tick();
    assert.equal(engine.started.length, 1, 'the cancelled run opened nothing');
    await pool.close();
  });

  it('hands the run its signal for an open under way, so the open can give up', async () => {
    const engine = new FakeEngine();
    const pool = poolOn(engine, 2);
    const cancel = new AbortController();
    const take = pool.take('k', SPEC, cancel.signal);
    await tick();
    assert.equal(engine.started[0]?.signal, cancel.signal);
    await engine.finish(1);
    await take;
    await pool.close();
  });
});

describe('sandbox pool: ask-aware preparation and back-off', function () {
  it('trim() removes the waiting boxes beyond the idle size', async () => {
    const destroyed: number[] = [];
    let next = 0;
    const pool = new WarmPool({
      size: 1,
      idleMs: 60_000,
      opensAtOnce: 2,
      open: () => {
        const id = next++;
        return Promise.resolve({
          id,
          destroy: () => {
            destroyed.push(id);
            return Promise.resolve();
          },
        } as unknown as Box);
      },
      logger: silentLogger,
    });
    await pool.warm('k', SPEC, 5);
    assert.equal(pool.waiting(), 5);
    pool.trim('k');
    assert.equal(pool.waiting(), 1);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(destroyed.sort(), [1, 2, 3, 4]);
    await pool.close();
  });

  it('refill back-off doubles from 1 s and stops growing at 30 s', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 20].map(refillBackoffMs),
      [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000],
    );
  });
});
