import assert from 'node:assert/strict';
import { formatIssue, parseConfig, sessionSettingsOf } from '../../src/core/config';
import { DEFAULT_LIMITS } from '../../src/core/types';

describe('config: schema validation', () => {
  it('fills defaults for an empty config', () => {
    const { config, issues } = parseConfig({});
    assert.deepEqual(issues, []);
    assert.deepEqual(config.models, []);
    assert.deepEqual(config.sandbox.limits, DEFAULT_LIMITS);
    assert.equal(config.sandbox.poolSize, 2);
    assert.equal(config.judge.crossTests, true);
  });

  it('keeps valid models and names the bad entry by its path', () => {
    const { config, issues } = parseConfig({
      models: [
        { id: 'gpt', kind: 'openai', model: 'gpt-4o-mini' },
        { id: 'llama', kind: 'groq', model: 'llama-3.3-70b-versatile', enabled: false },
        { id: 'bad', kind: 'anthropic', model: 'claude' },
      ],
    });
    assert.deepEqual(
      config.models.map((m) => [m.id, m.enabled]),
      [
        ['gpt', true],
        ['llama', false],
      ],
    );
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.path, 'models[2].kind');
    assert.match(formatIssue(issues[0]), /^models\[2\]\.kind: .*openai/);
  });

  it('requires a baseUrl for openai-compatible models and rejects duplicate ids', () => {
    const { config, issues } = parseConfig({
      models: [
        { id: 'x', kind: 'openai-compatible', model: 'm' },
        { id: 'o', kind: 'ollama', model: 'qwen2.5-coder' },
        { id: 'o', kind: 'ollama', model: 'llama3' },
      ],
    });
    assert.deepEqual(
      config.models.map((m) => m.model),
      ['qwen2.5-coder'],
    );
    assert.deepEqual(
      issues.map((i) => i.path),
      ['models[0].baseUrl', 'models[2].id'],
    );
  });

  it('merges partial limits over the defaults and rejects unknown keys by path', () => {
    const ok = parseConfig({ sandbox: { limits: { timeoutMs: 3000 } } });
    assert.equal(ok.config.sandbox.limits.timeoutMs, 3000);
    assert.equal(ok.config.sandbox.limits.memoryMiB, DEFAULT_LIMITS.memoryMiB);
    const bad = parseConfig({
      sandbox: { limits: { memoryMiB: -1 } },
      models: [{ id: 'a', kind: 'ollama', model: 'm' }],
    });
    assert.deepEqual(
      bad.issues.map((i) => i.path),
      ['sandbox.limits.memoryMiB'],
    );
    assert.equal(bad.config.models.length, 1, 'a bad sandbox setting must not lose the models');
    assert.deepEqual(bad.config.sandbox.limits, DEFAULT_LIMITS);
  });

  it('never accepts an apiKey field in a model entry', () => {
    const { config, issues } = parseConfig({
      models: [{ id: 'a', kind: 'openai', model: 'm', apiKey: 'sk-x' }],
    });
    assert.equal(config.models.length, 0);
    assert.equal(issues[0]?.path, 'models[0]');
    assert.match(issues[0].message, /apiKey/);
  });

  it('hands the session its prompt, language, limits and strategy from the config', () => {
    const { config } = parseConfig({
      systemPrompt: 'Answer in {language}.',
      language: 'bash',
      sandbox: { limits: { timeoutMs: 3000 } },
    });
    assert.deepEqual(sessionSettingsOf(config), {
      systemPrompt: 'Answer in {language}.',
      defaultLanguage: 'bash',
      limits: { ...DEFAULT_LIMITS, timeoutMs: 3000 },
      strategy: config.strategy,
    });
  });
});
