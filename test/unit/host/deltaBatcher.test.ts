// Pure (no `vscode`): streamed deltas are joined before they are posted, without reordering anything.
import { strict as assert } from 'node:assert';
import type { SessionEvent } from '../../../src/core/types';
import { DeltaBatcher } from '../../../src/host/deltaBatcher';

const delta = (candidateId: string, text: string, askId = 'ask-1'): SessionEvent => ({
  type: 'delta',
  askId,
  candidateId,
  text,
});

describe('delta batching for the panel', () => {
  it("joins each candidate's deltas within the window into one event, in first-delta order", async () => {
    const out: SessionEvent[] = [];
    const batcher = new DeltaBatcher((e) => out.push(e), 20);
    for (let i = 0; i < 100; i++) {
      batcher.push(delta('b', `${i} `));
      batcher.push(delta('a', 'x'));
    }
    assert.deepEqual(out, [], 'nothing is sent before the window ends');
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(out.length, 2);
    assert.deepEqual(out[0], delta('b', Array.from({ length: 100 }, (_, i) => `${i} `).join('')));
    assert.deepEqual(out[1], delta('a', 'x'.repeat(100)));
  });

  it('flushes pending text before any other event, so a card is complete before it is done', () => {
    const out: SessionEvent[] = [];
    const batcher = new DeltaBatcher((e) => out.push(e), 10_000);
    const done: SessionEvent = {
      type: 'candidate-failed',
      askId: 'ask-1',
      candidateId: 'a',
      error: { code: 'server', message: 'x', advice: 'y' },
    };
    batcher.push(delta('a', 'hel'));
    batcher.push(delta('a', 'lo'));
    batcher.push(done);
    assert.deepEqual(out, [delta('a', 'hello'), done]);
    batcher.dispose();
  });

  it("never joins deltas of two asks: the old ask's text is sent before the new ask's", () => {
    const out: SessionEvent[] = [];
    const batcher = new DeltaBatcher((e) => out.push(e), 10_000);
    batcher.push(delta('a', 'old', 'ask-1'));
    batcher.push(delta('a', 'new', 'ask-2'));
    batcher.flush();
    assert.deepEqual(out, [delta('a', 'old', 'ask-1'), delta('a', 'new', 'ask-2')]);
    batcher.dispose();
  });

  it('sends nothing after dispose', async () => {
    const out: SessionEvent[] = [];
    const batcher = new DeltaBatcher((e) => out.push(e), 5);
    batcher.push(delta('a', 'late'));
    batcher.dispose();
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(out, []);
  });
});
