import assert from 'node:assert/strict';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { DEFER_ASK_MAX, DEFER_MAX, DEFER_MS, UsedContainers } from '../../../src/core/sandbox/usedContainers';
import { whenOpened, whileNotAborted } from '../../../src/core/sandbox/runWaits';
import { silentLogger } from '../../../src/core/types';
import type { FeedPort } from '../../../src/core/types';

/** Containers that record their removal, and a pool that records its refills. */
function fixture() {
  const removed: string[] = [];
  const refilled: string[] = [];
  const box = (name: string) => ({
    destroy: () => {
      removed.push(name);
      return Promise.resolve();
    },
  });
  const used = new UsedContainers({ replenish: (key: string) => void refilled.push(key) }, silentLogger);
  return { used, box, removed, refilled };
}

describe('sandbox: when used containers are removed (usedContainers.ts)', () => {
  it('removes at once when nothing else runs, and refills the touched pool keys on the next turn', async () => {
    const { used, box, removed, refilled } = fixture();
    used.touch('python|img|limits');
    used.release(box('a'), true);
    assert.deepEqual(removed, ['a']);
    await nextTurn();
    assert.deepEqual(refilled, ['python|img|limits']);
  });

  it('keeps an exited container while other runs are in flight, then removes it when they end', async () => {
    const { used, box, removed } = fixture();
    used.running = 1; // another candidate still running
    used.release(box('a'), true);
    used.release(box('crashed'), false); // not exited by itself: removed now
    assert.deepEqual(removed, ['crashed']);
    used.running = 0;
    used.release(undefined, false);
    await nextTurn();
    assert.deepEqual(removed, ['crashed', 'a']);
  });

  it(`under sustained load waits at most ${DEFER_MS} ms, and at most ${DEFER_MAX} containers`, async () => {
    const { used, box, removed } = fixture();
    used.running = 1;
    for (let i = 0; i < DEFER_MAX - 1; i++) used.release(box(`b${i}`), true);
    assert.equal(removed.length, 0);
    used.release(box('last'), true);
    assert.equal(removed.length, DEFER_MAX, 'the DEFER_MAX-th one flushes them all');
    used.release(box('late'), true);
    await sleep(DEFER_MS + 100);
    assert.ok(removed.includes('late'), 'the timer removes it although a run is still in flight');
  });

  it('while an ask is under way, keeps up to DEFER_ASK_MAX until the ask ends, with no timer', async () => {
    const { used, box, removed } = fixture();
    used.askStarted();
    for (let i = 0; i < DEFER_ASK_MAX - 1; i++) used.release(box(`c${i}`), true);
    await sleep(DEFER_MS + 100);
    assert.equal(removed.length, 0);
    used.askEnded();
    assert.equal(removed.length, DEFER_ASK_MAX - 1);
  });

  it('a container given up while being created is removed when it arrives; settled() waits for it', async () => {
    const { used, box, removed } = fixture();
    let arrive!: (b: ReturnType<typeof box>) => void;
    used.removeWhenArrived(
      new Promise((resolve) => {
        arrive = resolve;
      }),
    );
    const settled = used.settled();
    arrive(box('late-create'));
    await settled;
    assert.deepEqual(removed, ['late-create']);
  });
});

describe('sandbox: what a run waits for (runWaits.ts)', () => {
  it('whileNotAborted rejects as cancelled when the run is cancelled, and hands over what was pending', async () => {
    const controller = new AbortController();
    const pending = sleep(50, 'container');
    let abandoned: Promise<string> | undefined;
    const waiting = whileNotAborted(pending, controller.signal, (p) => {
      abandoned = p;
    });
    controller.abort();
    await assert.rejects(waiting, (e: Error & { reason?: string }) => e.reason === 'cancelled');
    assert.equal(await abandoned, 'container');
    assert.equal(await whileNotAborted(Promise.resolve(7), new AbortController().signal), 7);
  });

  it('whenOpened calls the hook before the feed learns its run started', () => {
    const order: string[] = [];
    const feed = whenOpened({ open: () => void order.push('open') }, () => void order.push('hook'));
    feed?.open({ write: () => undefined, end: () => undefined } as unknown as FeedPort);
    assert.deepEqual(order, ['hook', 'open']);
    assert.equal(
      whenOpened(undefined, () => undefined),
      undefined,
    );
  });
});
