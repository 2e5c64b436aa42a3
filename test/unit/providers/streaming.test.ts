import assert from 'node:assert/strict';
import { createProvider } from '../../../src/core/providers/registry';
import type { ReplayServer } from '../../../src/demo/replayServer';
import { recordingFor } from '../../../src/demo/recordings';
import type { ProviderKind } from '../../../src/core/types';
import { PRIMES_MESSAGES, collect, modelAt, startFastReplay } from '../../fakes/replayHarness';

const prompt = PRIMES_MESSAGES.map((m) => m.content).join('\n');
const KINDS: readonly [ProviderKind, string][] = [
  ['openai', 'demo-gpt-4o-mini'],
  ['groq', 'demo-llama-3.3-70b'],
  ['ollama', 'demo-qwen2.5-coder'],
  ['openai-compatible', 'demo-deepseek-r1'],
];

describe('providers stream recorded answers through the real SDKs', () => {
  let server: ReplayServer;
  before(async () => {
    server = await startFastReplay({ ttftMs: 40 });
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  for (const [kind, model] of KINDS) {
    it(`${kind}: deltas arrive in order, join to the recorded text, with usage and TTFT`, async () => {
      const { result, deltas } = await collect(createProvider(modelAt(server, kind, model), 'test-key'));
      const recorded = recordingFor(model, prompt)?.text;
      assert.ok(recorded);
      assert.ok(deltas.length > 10, `expected many deltas, got ${deltas.length}`);
      assert.equal(deltas.join(''), recorded);
      assert.equal(result.text, recorded);
      assert.equal(result.finishReason, 'stop');
      assert.ok(
        (result.usage?.inputTokens ?? 0) > 0 && (result.usage?.outputTokens ?? 0) > 0,
        JSON.stringify(result.usage),
      );
      assert.ok(result.ttftMs !== undefined && result.ttftMs >= 35, `ttft ${result.ttftMs}`);
      assert.ok(result.latencyMs >= result.ttftMs);
    });
  }

  it('asks the OpenAI wire for usage in the stream and Groq under its /openai/v1 prefix', async () => {
    await collect(createProvider(modelAt(server, 'groq', 'demo-llama-3.3-70b'), 'gsk-test'));
    await collect(createProvider(modelAt(server, 'openai', 'demo-gpt-4o-mini'), 'sk-test'));
    const [groq, openai] = server.requests;
    assert.equal(groq.path, '/openai/v1/chat/completions');
    assert.equal(openai.path, '/v1/chat/completions');
    assert.deepEqual((openai.body as { stream_options?: unknown }).stream_options, { include_usage: true });
    assert.equal((openai.body as { stream?: unknown }).stream, true);
  });

  it('takes Groq usage from x_groq.usage when the server sends no usage chunk', async () => {
    server.setFault('demo-llama-3.3-70b', { noUsageChunk: true });
    server.setFault('demo-deepseek-r1', { noUsageChunk: true });
    const groq = await collect(createProvider(modelAt(server, 'groq', 'demo-llama-3.3-70b'), 'gsk-test'));
    assert.ok((groq.result.usage?.outputTokens ?? 0) > 0, JSON.stringify(groq.result.usage));
    // A plain OpenAI-wire server without the usage chunk has nothing to report, and we do not invent it.
    const plain = await collect(
      createProvider(modelAt(server, 'openai-compatible', 'demo-deepseek-r1'), undefined),
    );
    assert.equal(plain.result.usage, undefined);
  });

  it('passes temperature and maxTokens in each wire’s own field names', async () => {
    await collect(
      createProvider(
        modelAt(server, 'openai', 'demo-gpt-4o-mini', { temperature: 0.2, maxTokens: 300 }),
        'k',
      ),
    );
    await collect(
      createProvider(
        modelAt(server, 'ollama', 'demo-qwen2.5-coder', { temperature: 0.2, maxTokens: 300 }),
        undefined,
      ),
    );
    const [openai, ollama] = server.requests;
    assert.equal((openai.body as { temperature: number }).temperature, 0.2);
    assert.equal((openai.body as { max_tokens: number }).max_tokens, 300);
    assert.deepEqual((ollama.body as { options: unknown }).options, { temperature: 0.2, num_predict: 300 });
  });
});

describe('reasoning streamed beside the content is kept apart', () => {
  let server: ReplayServer;
  const answer = {
    text: 'The answer is 42.',
    reasoning: 'Six times seven is forty-two, so the answer is 42.',
  };
  before(async () => {
    server = await startFastReplay({ answers: () => answer });
  });
  after(() => server.close());

  for (const kind of ['openai-compatible', 'ollama'] as const) {
    it(`${kind}: reasoning_content / thinking goes to result.reasoning, never to the deltas`, async () => {
      const { result, deltas } = await collect(
        createProvider(modelAt(server, kind, 'any-reasoner'), undefined),
      );
      assert.equal(result.text, answer.text);
      assert.equal(deltas.join(''), answer.text);
      assert.equal(result.reasoning, answer.reasoning);
    });
  }
});
