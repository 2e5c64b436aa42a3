import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createProvider } from '../../../src/core/providers/registry';
import { ProviderError } from '../../../src/core/types';
import type { ProviderKind } from '../../../src/core/types';
import type { ReplayServer } from '../../../src/demo/replayServer';
import {
  FAST_RETRY,
  chatRequests,
  collect,
  eventually,
  modelAt,
  rejection,
  startFastReplay,
} from '../../fakes/replayHarness';

const MODEL = 'demo-gpt-4o-mini';

function providerError(error: unknown): ProviderError {
  assert.ok(ProviderError.is(error), `expected a ProviderError, got ${String(error)}`);
  return error;
}

/** A port nothing listens on: bind one, note it, release it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

describe('provider failures become ProviderErrors with advice', () => {
  let server: ReplayServer;
  before(async () => {
    server = await startFastReplay();
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  const vendors: readonly [ProviderKind, string, string][] = [
    ['openai', 'OpenAI', 'OPENAI_API_KEY'],
    ['groq', 'Groq', 'GROQ_API_KEY'],
    ['openai-compatible', '127.0.0.1', 'QUORUM_T_OPENAI_COMPATIBLE_DEMO_GPT_4O_MINI_API_KEY'],
  ];
  for (const [kind, vendor, envVar] of vendors) {
    it(`${kind}: 401 -> 'auth', advice names the vendor, the command and ${envVar}`, async () => {
      server.setFault(MODEL, { status: 401 });
      const error = providerError(
        await rejection(() => collect(createProvider(modelAt(server, kind, MODEL), 'bad-key', FAST_RETRY))),
      );
      assert.equal(error.code, 'auth');
      assert.equal(error.status, 401);
      assert.ok(error.advice.startsWith(`${vendor}`), error.advice);
      assert.match(error.advice, /rejected the API key; set it with 'Quorum: Set API Key'/);
      assert.ok(error.advice.includes(envVar), error.advice);
      assert.equal(chatRequests(server).length, 1, 'a 401 is never retried');
    });
  }

  it('429 with Retry-After: 1 waits about a second, then succeeds', async () => {
    server.setFault(MODEL, { status: 429, times: 1, retryAfter: '1' });
    const started = Date.now();
    const { result } = await collect(createProvider(modelAt(server, 'openai', MODEL), 'k', FAST_RETRY));
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 950, `retried after ${elapsed} ms, before the server's Retry-After`);
    assert.ok(elapsed < 5_000, `took ${elapsed} ms`);
    assert.ok(result.text.includes('def primes_up_to'));
    assert.deepEqual(
      chatRequests(server).map((r) => r.status),
      [429, 200],
    );
  });

  it('500 is retried a bounded number of times, then fails as server', async () => {
    server.setFault(MODEL, { status: 500 });
    const error = providerError(
      await rejection(() => collect(createProvider(modelAt(server, 'groq', MODEL), 'k', FAST_RETRY))),
    );
    assert.equal(error.code, 'server');
    assert.equal(error.status, 500);
    assert.equal(chatRequests(server).length, 3);
  });

  it('500 twice then OK recovers on the third attempt (Ollama too)', async () => {
    server.setFault('demo-qwen2.5-coder', { status: 500, times: 2 });
    const { result } = await collect(
      createProvider(modelAt(server, 'ollama', 'demo-qwen2.5-coder'), undefined, FAST_RETRY),
    );
    assert.ok(result.text.includes('primes_up_to'));
    assert.equal(chatRequests(server).length, 3);
  });

  it('Ollama not running (a closed port) -> connection, advising `ollama serve`', async () => {
    const port = await closedPort();
    const config = {
      id: 'local',
      kind: 'ollama' as const,
      model: 'qwen2.5-coder:7b',
      baseUrl: `http://127.0.0.1:${port}`,
      enabled: true,
    };
    const error = providerError(
      await rejection(() => collect(createProvider(config, undefined, FAST_RETRY))),
    );
    assert.equal(error.code, 'connection');
    assert.equal(
      error.advice,
      `Ollama is not running at http://127.0.0.1:${port}; start it with \`ollama serve\`.`,
    );
  });

  it('an OpenAI-wire server that is down -> connection, advising to check the base URL', async () => {
    const port = await closedPort();
    const config = {
      id: 'lm',
      kind: 'openai-compatible' as const,
      model: 'm',
      baseUrl: `http://127.0.0.1:${port}/v1`,
      enabled: true,
    };
    const error = providerError(
      await rejection(() => collect(createProvider(config, undefined, FAST_RETRY))),
    );
    assert.equal(error.code, 'connection');
    assert.match(error.advice, /check the base URL/i);
  });

  for (const kind of ['openai', 'groq', 'ollama'] as const) {
    it(`${kind}: unknown model -> advice lists the models the server has`, async () => {
      const error = providerError(
        await rejection(() =>
          collect(createProvider(modelAt(server, kind, 'gpt-5-nonexistent'), 'k', FAST_RETRY)),
        ),
      );
      assert.equal(error.code, 'unknown-model');
      assert.match(error.advice, /no model 'gpt-5-nonexistent'/);
      for (const name of [
        'demo-gpt-4o-mini',
        'demo-llama-3.3-70b',
        'demo-qwen2.5-coder',
        'demo-deepseek-r1',
      ]) {
        assert.ok(error.advice.includes(name), error.advice);
      }
      const listing = server.requests.find((r) => r.method === 'GET');
      assert.ok(listing, 'the model list was fetched from the server');
    });
  }

  for (const kind of ['openai', 'ollama'] as const) {
    it(`${kind}: a stream cut mid-way -> incomplete, keeping the partial text, never resent`, async () => {
      const model = kind === 'ollama' ? 'demo-qwen2.5-coder' : MODEL;
      server.setFault(model, { cutAfterChunks: 12 });
      const deltas: string[] = [];
      const provider = createProvider(modelAt(server, kind, model), 'k', FAST_RETRY);
      const error = providerError(
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
    const error = providerError(
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
      const error = providerError(
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
      const error = providerError(await pending);
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
    const error = providerError(await pending);
    assert.equal(error.code, 'cancelled');
    assert.ok(Date.now() - started < 1_000, 'did not wait out the 30 s Retry-After');
  });

  for (const kind of ['openai', 'ollama'] as const) {
    it(`${kind}: a server that never answers -> timeout after timeoutMs`, async () => {
      const model = kind === 'ollama' ? 'demo-qwen2.5-coder' : MODEL;
      server.setFault(model, { hang: true });
      const started = Date.now();
      const error = providerError(
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
    const error = providerError(
      await rejection(() =>
        collect(createProvider(modelAt(server, 'openai', MODEL, { timeoutMs: 250 }), 'k', FAST_RETRY)),
      ),
    );
    assert.equal(error.code, 'timeout');
    assert.ok((error.partialText ?? '').length > 0);
  });
});
