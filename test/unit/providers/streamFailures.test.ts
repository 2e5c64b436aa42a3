import assert from 'node:assert/strict';
import { createProvider } from '../../../src/core/providers/registry';
import type { ReplayServer } from '../../../src/demo/replayServer';
import {
  FAST_RETRY,
  asProviderError,
  chatRequests,
  collect,
  eventually,
  modelAt,
  rejection,
  startFastReplay,
} from '../../fakes/replayHarness';

const MODEL = 'demo-gpt-4o-mini';

describe('streams that break, hang or are cancelled', () => {
  let server: ReplayServer;
  before(async () => {
    server = await startFastReplay();
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  for (const kind of ['openai', 'ollama'] as const) {
    it(`${kind}: a stream cut mid-way -> incomplete, keeping the partial text, never resent`, async () => {
      const model = kind === 'ollama' ? 'demo-qwen2.5-coder' : MODEL;
      server.setFault(model, { cutAfterChunks: 12 });
      const deltas: string[] = [];
      const provider = createProvider(modelAt(server, kind, model), 'k', FAST_RETRY);
      const error = asProviderError(
        await rejection(() =>
          provider.complete({
            messages: [{ role: 'user', content: 'primes' }],
            signal: new AbortController().signal,
            onDelta: (t) => deltas.push(t),
          }),
        ),
      );
      assert.equal(error.code, 'incomplete');
      assert.equal(deltas.length, 12);
      assert.equal(error.partialText, deltas.join(''));
      assert.ok((error.partialText ?? '').length > 10);
      assert.equal(chatRequests(server).length, 1, 'text had streamed, so the request must not be resent');
    });
  }

  it('a malformed JSON line in the SSE stream -> bad-response with the partial text', async () => {
    server.setFault(MODEL, { malformedAfterChunks: 5 });
    const error = asProviderError(
      await rejection(() => collect(createProvider(modelAt(server, 'openai', MODEL), 'k', FAST_RETRY))),
    );
    assert.equal(error.code, 'bad-response');
    assert.ok((error.partialText ?? '').length > 0);
    assert.equal(chatRequests(server).length, 1);
  });

  it('ollama: a malformed NDJSON line ends the answer as incomplete, keeping the text before it', async () => {
    // The ollama package skips lines it cannot parse, so the missing `done` line is what gives it away.
    server.setFault('demo-qwen2.5-coder', { malformedAfterChunks: 5 });
    const { warn } = console;
    console.warn = () => {};
    try {
      const error = asProviderError(
        await rejection(() =>
          collect(createProvider(modelAt(server, 'ollama', 'demo-qwen2.5-coder'), undefined, FAST_RETRY)),
        ),
      );
      assert.equal(error.code, 'incomplete');
      assert.ok((error.partialText ?? '').length > 0);
    } finally {
      console.warn = warn;
    }
  });

  for (const kind of ['openai', 'groq', 'ollama'] as const) {
    it(`${kind}: abort mid-stream -> cancelled promptly, and the server sees the socket closed`, async () => {
      const model = kind === 'ollama' ? 'demo-qwen2.5-coder' : MODEL;
      server.setFault(model, { chunkDelayMs: 20 });
      const controller = new AbortController();
      let abortedAt = 0;
      const provider = createProvider(modelAt(server, kind, model), 'k', FAST_RETRY);
      const pending = rejection(() =>
        provider.complete({
          messages: [{ role: 'user', content: 'primes' }],
          signal: controller.signal,
          onDelta: () => {
            if (!abortedAt) {
              abortedAt = Date.now();
              controller.abort();
            }
          },
        }),
      );
      const error = asProviderError(await pending);
      assert.equal(error.code, 'cancelled');
      // The whole paced stream would take over 5 s; stopping well under 1 s (on a loaded CI box) is prompt.
      assert.ok(Date.now() - abortedAt < 1_000, `took ${Date.now() - abortedAt} ms to stop`);
      const [request] = chatRequests(server);
      await eventually(() => request.clientClosed);
      assert.equal(request.finished, false);
    });
  }

  it('abort while waiting out a Retry-After stops at once', async () => {
    server.setFault(MODEL, { status: 429, retryAfter: '30' });
    const controller = new AbortController();
    const provider = createProvider(modelAt(server, 'openai', MODEL), 'k', { retry: { maxDelayMs: 60_000 } });
    const pending = rejection(() => collect(provider, controller.signal));
    await eventually(() => chatRequests(server).length === 1);
    const started = Date.now();
    controller.abort();
    const error = asProviderError(await pending);
    assert.equal(error.code, 'cancelled');
    assert.ok(Date.now() - started < 1_000, 'did not wait out the 30 s Retry-After');
  });

  for (const kind of ['openai', 'ollama'] as const) {
    it(`${kind}: a server that never answers -> timeout after timeoutMs`, async () => {
      const model = kind === 'ollama' ? 'demo-qwen2.5-coder' : MODEL;
      server.setFault(model, { hang: true });
      const started = Date.now();
      const error = asProviderError(
        await rejection(() =>
          collect(createProvider(modelAt(server, kind, model, { timeoutMs: 300 }), 'k', FAST_RETRY)),
        ),
      );
      const elapsed = Date.now() - started;
      assert.equal(error.code, 'timeout');
      assert.match(error.advice, /timeoutMs/);
      assert.ok(elapsed >= 290 && elapsed < 3_000, `timed out after ${elapsed} ms`);
    });
  }

  it('a timeout mid-stream keeps the partial text', async () => {
    server.setFault(MODEL, { chunkDelayMs: 30 });
    const error = asProviderError(
      await rejection(() =>
        collect(createProvider(modelAt(server, 'openai', MODEL, { timeoutMs: 250 }), 'k', FAST_RETRY)),
      ),
    );
    assert.equal(error.code, 'timeout');
    assert.ok((error.partialText ?? '').length > 0);
  });
});
