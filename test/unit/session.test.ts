import assert from 'node:assert/strict';
import { createProvider } from '../../src/core/providers/registry';
import { startAsk } from '../../src/core/session';
import type { ModelConfig, ProviderKind, SessionEvent } from '../../src/core/types';
import type { ReplayServer } from '../../src/demo/replayServer';
import { FAST_RETRY, eventually, modelAt, startFastReplay } from '../fakes/replayHarness';

const KINDS: readonly [ProviderKind, string][] = [
  ['openai', 'demo-gpt-4o-mini'],
  ['groq', 'demo-llama-3.3-70b'],
  ['ollama', 'demo-qwen2.5-coder'],
  ['openai-compatible', 'demo-deepseek-r1'],
];

const PROMPT =
  'Write a Python function `primes_up_to(n)` that returns the list of primes <= n, and print primes_up_to(50).';

describe('session: one ask fanned out to every model', () => {
  let server: ReplayServer;
  let models: ModelConfig[];
  before(async () => {
    server = await startFastReplay();
    models = KINDS.map(([kind, model]) => modelAt(server, kind, model, { id: model }));
  });
  afterEach(() => server.reset());
  after(() => server.close());

  function ask(onEvent: (e: SessionEvent) => void = () => {}) {
    const providers = models.map((m) => createProvider(m, 'test-key', FAST_RETRY));
    return startAsk({ instruction: PROMPT, intent: 'generate', language: 'python' }, { providers }, onEvent);
  }

  it('streams every model and extracts code from each answer', async () => {
    const events: SessionEvent[] = [];
    const record = await ask((e) => events.push(e)).done;
    assert.deepEqual(
      record.candidates.map((c) => c.status),
      ['done', 'done', 'done', 'done'],
    );
    for (const c of record.candidates) {
      assert.match(c.extraction?.main?.code ?? '', /def primes_up_to/, `${c.id} has code`);
      const streamed = events
        .filter(
          (e): e is Extract<SessionEvent, { type: 'delta' }> => e.type === 'delta' && e.candidateId === c.id,
        )
        .map((e) => e.text)
        .join('');
      assert.equal(streamed, c.answer, `${c.id}: deltas join to the answer`);
    }
    assert.equal(events[0]?.type, 'session-started');
    assert.equal(events.at(-1)?.type, 'session-done');
  });

  it('sends the system prompt for the language and the user instruction to every model', async () => {
    await ask().done;
    const bodies = server.requests.filter((r) => r.method === 'POST').map((r) => JSON.stringify(r.body));
    assert.equal(bodies.length, 4);
    for (const body of bodies) {
      assert.match(body, /runnable python program/);
      assert.match(body, /primes_up_to\(n\)/);
    }
  });

  it('has every request in flight at once: fan-out is parallel, not sequential', async () => {
    for (const [, model] of KINDS) server.setFault(model, { hang: true });
    const handle = ask();
    await eventually(() => server.requests.filter((r) => r.method === 'POST').length === 4, 5_000);
    assert.ok(
      server.requests.every((r) => !r.finished),
      'no request had to finish before the others started',
    );
    handle.cancel();
    await handle.done;
  });

  it('does not wait for a slow model before finishing the fast ones', async () => {
    server.setFault('demo-deepseek-r1', { ttftMs: 1_500 });
    const order: string[] = [];
    await ask((e) => {
      if (e.type === 'candidate-done') order.push(e.candidateId);
    }).done;
    assert.equal(order.length, 4);
    assert.equal(order.at(-1), 'demo-deepseek-r1');
  });

  it('cancel aborts every in-flight stream and marks the candidates cancelled', async () => {
    for (const [, model] of KINDS) server.setFault(model, { hang: true });
    const handle = ask();
    await eventually(() => server.requests.filter((r) => r.method === 'POST').length === 4, 5_000);
    const started = Date.now();
    handle.cancel();
    const record = await handle.done;
    assert.ok(Date.now() - started < 2_000, 'cancel settles promptly');
    assert.deepEqual(
      record.candidates.map((c) => c.status),
      ['cancelled', 'cancelled', 'cancelled', 'cancelled'],
    );
    await eventually(() => server.requests.every((r) => r.clientClosed), 2_000);
  });

  it("keeps the other candidates when one provider fails, with that provider's advice", async () => {
    server.setFault('demo-llama-3.3-70b', { status: 401 });
    const record = await ask().done;
    const failed = record.candidates.find((c) => c.id === 'demo-llama-3.3-70b');
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.error?.code, 'auth');
    assert.match(failed?.error?.advice ?? '', /Groq.*Set API Key/);
    const others = record.candidates.filter((c) => c !== failed);
    assert.deepEqual(
      others.map((c) => c.status),
      ['done', 'done', 'done'],
    );
    assert.ok(others.every((c) => c.extraction?.main));
  });

  it('keeps the partial text of a stream cut mid-way, marked incomplete', async () => {
    server.setFault('demo-gpt-4o-mini', { cutAfterChunks: 12 });
    const record = await ask().done;
    const cut = record.candidates.find((c) => c.id === 'demo-gpt-4o-mini');
    assert.equal(cut?.status, 'done');
    assert.equal(cut?.incomplete, true);
    assert.ok((cut?.answer.length ?? 0) > 0);
  });

  it('emits nothing before startAsk has returned its handle', async () => {
    const box: { handle?: ReturnType<typeof ask> } = {};
    const seen: (string | undefined)[] = [];
    box.handle = ask(() => seen.push(box.handle?.askId));
    await box.handle.done;
    assert.ok(seen.length > 0);
    assert.ok(
      seen.every((id) => id === box.handle?.askId),
      'every event saw the handle',
    );
  });

  it('survives a listener that throws', async () => {
    const record = await ask(() => {
      throw new Error('listener bug');
    }).done;
    assert.equal(record.candidates.length, 4);
  });

  it('records cost for models with a price and usage', async () => {
    const priced = models.map((m, i) =>
      i === 0 ? { ...m, price: { inputPerMTok: 1, outputPerMTok: 2 } } : m,
    );
    const providers = priced.map((m) => createProvider(m, 'k', FAST_RETRY));
    const done: SessionEvent[] = [];
    const record = await startAsk({ instruction: PROMPT, intent: 'generate' }, { providers }, (e) => {
      if (e.type === 'candidate-done') done.push(e);
    }).done;
    const [first, second] = record.candidates;
    const usage = first?.usage;
    assert.ok(usage?.inputTokens && usage.outputTokens);
    assert.equal(first?.costUsd, (usage.inputTokens * 1 + usage.outputTokens * 2) / 1e6);
    assert.equal(second?.costUsd, undefined);
    const event = done.find((e) => e.type === 'candidate-done' && e.candidateId === first?.id);
    assert.equal(
      event?.type === 'candidate-done' ? event.costUsd : 'no event',
      first?.costUsd,
      'the panel gets the cost',
    );
  });
});
