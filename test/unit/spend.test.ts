import { strict as assert } from 'node:assert';
import { estimateSpend, estimateTokens, formatUsd, loadO200k, usesO200k } from '../../src/core/spend';
import type { ModelConfig } from '../../src/core/types';

const model = (id: string, kind: ModelConfig['kind'], name: string, inputPerMTok?: number): ModelConfig => ({
  id,
  kind,
  model: name,
  enabled: true,
  ...(inputPerMTok === undefined ? {} : { price: { inputPerMTok, outputPerMTok: inputPerMTok * 4 } }),
});

describe('spend before fan-out', () => {
  it('counts GPT-4o input with o200k_base: known token counts of the real tokenizer', async () => {
    const count = await loadO200k();
    // o200k_base splits these into 2 and 4 tokens ("hello", " world" / "def", " f", "():", ...).
    assert.equal(count('hello world'), 2);
    assert.ok(count('def f(x):\n    return x * 2\n') < estimateTokens('def f(x):\n    return x * 2\n') * 2);
    assert.equal(count(''), 0);
  });

  it('prices each enabled model, sums the priced ones, labels the estimates', async () => {
    const messages = [
      { role: 'system' as const, content: 'You write python.' },
      { role: 'user' as const, content: 'def f(x):\n    return x * 2\n'.repeat(160) },
    ];
    const models = [
      model('mini', 'openai', 'gpt-4o-mini', 0.15),
      model('llama', 'groq', 'llama-3.3-70b-versatile', 0.59),
      model('local', 'ollama', 'qwen2.5-coder:7b'),
    ];
    const spend = await estimateSpend(messages, models);
    const [mini, llama, local] = spend.models;
    assert.equal(mini?.method, 'o200k_base');
    assert.equal(llama?.method, 'estimate');
    assert.equal(llama?.inputTokens, 3 + Math.ceil(17 / 4) + 3 + Math.ceil((27 * 160) / 4) + 3);
    assert.equal(local?.inputUsd, undefined, 'no price, no cost');
    const count = await loadO200k();
    const [sys, user] = messages.map((m) => count(m.content));
    assert.equal(mini?.inputTokens, 3 + (sys ?? 0) + 3 + (user ?? 0) + 3);
    const expected = ((mini?.inputTokens ?? 0) * 0.15 + (llama?.inputTokens ?? 0) * 0.59) / 1e6;
    assert.ok(Math.abs((spend.inputUsd ?? 0) - expected) < 1e-12);
    assert.equal(spend.estimated, true);
  });

  it('loads no tokenizer when no OpenAI model is asked, and has no total without prices', async () => {
    let loaded = false;
    const spend = await estimateSpend([{ role: 'user', content: 'hi' }], [model('l', 'ollama', 'q')], (t) => {
      loaded = true;
      return t.length;
    });
    assert.equal(loaded, false);
    assert.equal(spend.inputUsd, undefined);
  });

  it('knows which OpenAI models use o200k_base', () => {
    assert.equal(usesO200k(model('a', 'openai', 'gpt-4.1-mini')), true);
    assert.equal(usesO200k(model('a', 'openai', 'o3-mini')), true);
    assert.equal(usesO200k(model('a', 'openai', 'gpt-3.5-turbo')), false);
    assert.equal(usesO200k(model('a', 'groq', 'gpt-4o')), false);
  });

  it('formats small and large amounts', () => {
    assert.equal(formatUsd(0.000123), '$0.00012');
    assert.equal(formatUsd(0.1234), '$0.123');
    assert.equal(formatUsd(12.345), '$12.35');
  });
});
