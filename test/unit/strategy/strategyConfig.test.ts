import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../../src/core/config';
import { DEFAULT_CASCADE_THRESHOLD } from '../../../src/core/strategy/plan';
import { ASK_STRATEGIES } from '../../../src/core/strategy/types';

describe('strategy: configuration', () => {
  it('defaults to all, with the cascade threshold the bench chose', () => {
    const { config, issues } = parseConfig({});
    assert.deepEqual(issues, []);
    assert.deepEqual(config.strategy, {
      strategy: 'all',
      threshold: DEFAULT_CASCADE_THRESHOLD,
      budgetUsd: undefined,
    });
  });

  it('reads strategy, cascade.threshold, budgetUsd and a model tier', () => {
    const { config, issues } = parseConfig({
      strategy: 'budget',
      budgetUsd: 0.02,
      cascade: { threshold: 0.9 },
      models: [{ id: 'a', kind: 'ollama', model: 'qwen', tier: 2 }],
    });
    assert.deepEqual(issues, []);
    assert.deepEqual(config.strategy, { strategy: 'budget', threshold: 0.9, budgetUsd: 0.02 });
    assert.equal(config.models[0]?.tier, 2);
  });

  it('names the field of a bad value', () => {
    const bad = parseConfig({ strategy: 'cheapest', cascade: { threshold: 2 } });
    assert.deepEqual(
      bad.issues.map((i) => i.path),
      ['strategy', 'cascade.threshold'],
    );
    assert.equal(
      parseConfig({ models: [{ id: 'a', kind: 'ollama', model: 'q', tier: 0 }] }).issues[0]?.path,
      'models[0].tier',
    );
  });

  it('budget without budgetUsd says what to set and asks as cascade meanwhile', () => {
    const { config, issues } = parseConfig({ strategy: 'budget' });
    assert.equal(issues[0]?.path, 'budgetUsd');
    assert.match(issues[0]?.message ?? '', /needs budgetUsd/);
    assert.equal(config.strategy.strategy, 'cascade');
  });

  it("VS Code's settings match the schema: the strategies, the default threshold, application scope", () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      contributes: {
        configuration: { properties: Record<string, { enum?: string[]; default?: unknown; scope?: string }> };
      };
    };
    const props = pkg.contributes.configuration.properties;
    assert.deepEqual(props['quorum.strategy']?.enum, [...ASK_STRATEGIES]);
    assert.equal(props['quorum.cascade.threshold']?.default, DEFAULT_CASCADE_THRESHOLD);
    // A cloned workspace must not raise what an ask may spend.
    for (const key of ['quorum.strategy', 'quorum.cascade.threshold', 'quorum.budgetUsd'])
      assert.equal(props[key]?.scope, 'application', key);
  });
});
