import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createProvider } from '../../../src/core/providers/registry';
import type { ProviderKind } from '../../../src/core/types';
import type { ReplayServer } from '../../../src/demo/replayServer';
import {
  FAST_RETRY,
  asProviderError,
  chatRequests,
  collect,
  modelAt,
  rejection,
  startFastReplay,
} from '../../fakes/replayHarness';

const MODEL = 'demo-gpt-4o-mini';

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
      const error = asProviderError(
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
    const error = asProviderError(
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
    const error = asProviderError(
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
    const error = asProviderError(
      await rejection(() => collect(createProvider(config, undefined, FAST_RETRY))),
    );
    assert.equal(error.code, 'connection');
    assert.match(error.advice, /check the base URL/i);
  });

  for (const kind of ['openai', 'groq', 'ollama'] as const) {
    it(`${kind}: unknown model -> advice lists the models the server has`, async () => {
      const error = asProviderError(
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
});
