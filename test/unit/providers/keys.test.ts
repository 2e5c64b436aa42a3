import assert from 'node:assert/strict';
import { compatibleEnvVar, PLACEHOLDER_KEY } from '../../../src/core/providers/openaiCompatible';
import { PROVIDER_REGISTRY, createProvider } from '../../../src/core/providers/registry';
import { PROVIDER_KINDS, ProviderError } from '../../../src/core/types';
import type { ReplayServer } from '../../../src/demo/replayServer';
import { chatRequests, collect, modelAt, rejection, startFastReplay } from '../../fakes/replayHarness';

describe('keys go only where they belong', () => {
  let server: ReplayServer;
  const saved = { openai: process.env.OPENAI_API_KEY, groq: process.env.GROQ_API_KEY };
  before(async () => {
    server = await startFastReplay();
    process.env.OPENAI_API_KEY = 'sk-from-the-environment-must-not-leak';
    process.env.GROQ_API_KEY = 'gsk-from-the-environment-must-not-leak';
  });
  after(async () => {
    for (const [name, value] of [
      ['OPENAI_API_KEY', saved.openai],
      ['GROQ_API_KEY', saved.groq],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await server.close();
  });
  beforeEach(() => server.reset());

  it('openai-compatible without a key sends the placeholder, never OPENAI_API_KEY from the environment', async () => {
    await collect(createProvider(modelAt(server, 'openai-compatible', 'demo-deepseek-r1'), undefined));
    const [request] = chatRequests(server);
    assert.equal(request.authorization, `Bearer ${PLACEHOLDER_KEY}`);
  });

  it('openai-compatible with its own key sends exactly that key', async () => {
    await collect(createProvider(modelAt(server, 'openai-compatible', 'demo-deepseek-r1'), 'or-own-key'));
    assert.equal(chatRequests(server)[0].authorization, 'Bearer or-own-key');
  });

  it('openai and groq send the key they were given, not the environment’s', async () => {
    await collect(createProvider(modelAt(server, 'openai', 'demo-gpt-4o-mini'), 'sk-given'));
    await collect(createProvider(modelAt(server, 'groq', 'demo-llama-3.3-70b'), 'gsk-given'));
    assert.deepEqual(
      chatRequests(server).map((r) => r.authorization),
      ['Bearer sk-given', 'Bearer gsk-given'],
    );
  });

  it('openai and groq without a key send an empty one (the server’s 401 brings the advice), not the environment’s', async () => {
    server.setFault('demo-gpt-4o-mini', { status: 401 });
    server.setFault('demo-llama-3.3-70b', { status: 401 });
    await rejection(() => collect(createProvider(modelAt(server, 'openai', 'demo-gpt-4o-mini'), undefined)));
    await rejection(() => collect(createProvider(modelAt(server, 'groq', 'demo-llama-3.3-70b'), undefined)));
    for (const request of chatRequests(server))
      assert.ok(!(request.authorization ?? '').includes('must-not-leak'), request.authorization);
  });

  it('ollama sends no Authorization header at all', async () => {
    await collect(createProvider(modelAt(server, 'ollama', 'demo-qwen2.5-coder'), 'ignored'));
    assert.equal(chatRequests(server)[0].authorization, undefined);
  });

  it('openai-compatible without a baseUrl is refused with advice, before any request', () => {
    const error = (() => {
      try {
        createProvider({ id: 'x', kind: 'openai-compatible', model: 'm', enabled: true }, 'k');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(ProviderError.is(error));
    assert.equal(error.code, 'bad-request');
    assert.match(error.advice, /Set baseUrl for 'x'/);
  });

  it('logs retries without ever logging the key', async () => {
    server.setFault('demo-gpt-4o-mini', { status: 500, times: 1 });
    const lines: string[] = [];
    const logger = {
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
      error: (m: string) => lines.push(m),
      debug: (m: string) => lines.push(m),
    };
    await collect(
      createProvider(modelAt(server, 'openai', 'demo-gpt-4o-mini'), 'sk-secret-456', {
        logger,
        retry: { baseDelayMs: 5 },
      }),
    );
    assert.ok(
      lines.some((l) => /retrying/.test(l)),
      lines.join('\n'),
    );
    assert.ok(!lines.some((l) => l.includes('sk-secret-456')));
  });

  it('never puts the key in an error message or advice', async () => {
    server.setFault('demo-gpt-4o-mini', { status: 401 });
    const error = await rejection(() =>
      collect(createProvider(modelAt(server, 'openai', 'demo-gpt-4o-mini'), 'sk-secret-123')),
    );
    assert.ok(ProviderError.is(error));
    assert.ok(!`${error.message} ${error.advice}`.includes('sk-secret-123'));
  });
});

describe('provider registry', () => {
  it('has one entry per provider kind', () => {
    assert.deepEqual(Object.keys(PROVIDER_REGISTRY).sort(), [...PROVIDER_KINDS].sort());
  });

  it('names the environment variable the CLI reads for each kind', () => {
    const config = (kind: (typeof PROVIDER_KINDS)[number], id = 'm') => ({
      id,
      kind,
      model: 'x',
      enabled: true,
      baseUrl: 'https://openrouter.ai/api/v1',
    });
    assert.equal(PROVIDER_REGISTRY.openai.envVar(config('openai')), 'OPENAI_API_KEY');
    assert.equal(PROVIDER_REGISTRY.groq.envVar(config('groq')), 'GROQ_API_KEY');
    assert.equal(PROVIDER_REGISTRY.ollama.envVar(config('ollama')), undefined);
    assert.equal(
      PROVIDER_REGISTRY['openai-compatible'].envVar(config('openai-compatible', 'open-router.llama')),
      'QUORUM_OPEN_ROUTER_LLAMA_API_KEY',
    );
    assert.equal(PROVIDER_REGISTRY['openai-compatible'].vendor(config('openai-compatible')), 'openrouter.ai');
  });

  it('says which kinds need a key', () => {
    assert.deepEqual(
      PROVIDER_KINDS.filter((k) => PROVIDER_REGISTRY[k].needsKey),
      ['openai', 'groq'],
    );
  });

  it('builds the QUORUM_<ID>_API_KEY name from any id', () => {
    assert.equal(compatibleEnvVar('gemini'), 'QUORUM_GEMINI_API_KEY');
    assert.equal(compatibleEnvVar('lm-studio 2'), 'QUORUM_LM_STUDIO_2_API_KEY');
  });
});
