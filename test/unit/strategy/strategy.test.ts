import assert from 'node:assert/strict';
import type { ProjectEvidence } from '../../../src/core/project/types';
import { cascadeDecision, estimateAskUsd, planAsk, savedUsdOf } from '../../../src/core/strategy/plan';
import { applyStrategyOverride, strategyLine } from '../../../src/core/strategy/override';
import type { ModelRecordSummary } from '../../../src/core/strategy/tiers';
import { tierOf, tiersOf, winsPerDollar } from '../../../src/core/strategy/tiers';
import type { ModelConfig, Verdict } from '../../../src/core/types';

const model = (id: string, extra: Partial<ModelConfig> = {}): ModelConfig => ({
  id,
  kind: 'openai',
  model: id,
  enabled: true,
  ...extra,
});

const ollama = model('qwen-local', { kind: 'ollama' });
const lmstudio = model('lmstudio', { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1' });
const mini = model('mini', { price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } });
const gpt4o = model('gpt-4o', { price: { inputPerMTok: 2.5, outputPerMTok: 10 } });
const groq = model('groq-llama', { kind: 'groq' });
const free = model('free-tier', {
  kind: 'openai-compatible',
  baseUrl: 'https://example.com/v1',
  price: { inputPerMTok: 0, outputPerMTok: 0 },
});

describe('strategy: tiers from price and kind', () => {
  it('puts local and free models in tier 1, cheap cloud in 2, premium in 3', () => {
    assert.deepEqual(
      [ollama, lmstudio, free, mini, groq, gpt4o].map((m) => [m.id, tierOf(m).tier, tierOf(m).source]),
      [
        ['qwen-local', 1, 'local'],
        ['lmstudio', 1, 'local'],
        ['free-tier', 1, 'price'],
        ['mini', 2, 'price'],
        ['groq-llama', 2, 'unpriced'],
        ['gpt-4o', 3, 'price'],
      ],
    );
  });

  it("lets the model's own tier override the default", () => {
    assert.deepEqual(tierOf({ ...gpt4o, tier: 1 }), { modelId: 'gpt-4o', tier: 1, source: 'config' });
    assert.equal(tierOf({ ...ollama, tier: 3 }).tier, 3);
  });

  it('groups by tier, lowest first, the cheaper first within a tier', () => {
    const pricier = model('pricier-mini', { price: { inputPerMTok: 0.5, outputPerMTok: 1.5 } });
    const tiers = tiersOf([gpt4o, pricier, mini, ollama]);
    assert.deepEqual(
      tiers.map((t) => [t.tier, t.models.map((m) => m.id)]),
      [
        [1, ['qwen-local']],
        [2, ['mini', 'pricier-mini']],
        [3, ['gpt-4o']],
      ],
    );
  });

  it('orders a tier by wins per dollar when records are given (the record store hook)', () => {
    const pricier = model('pricier-mini', { price: { inputPerMTok: 0.5, outputPerMTok: 1.5 } });
    const records = new Map<string, ModelRecordSummary>([
      ['mini', { asks: 10, wins: 1, costUsd: 0.01 }], // 100 wins per dollar
      ['pricier-mini', { asks: 10, wins: 8, costUsd: 0.04 }], // 200 wins per dollar
    ]);
    assert.deepEqual(
      tiersOf([mini, pricier], records)[0]?.models.map((m) => m.id),
      ['pricier-mini', 'mini'],
    );
    assert.equal(winsPerDollar({ asks: 3, wins: 2, costUsd: 0 }), Infinity);
    assert.equal(winsPerDollar({ asks: 3, wins: 0, costUsd: 1 }), 0);
    assert.equal(winsPerDollar(undefined), undefined);
  });
});

describe('strategy: plans', () => {
  it('all asks every model in one round', () => {
    const plan = planAsk([mini, ollama], { strategy: 'all' }, 1000);
    assert.deepEqual(
      plan.rounds.map((r) => r.models.map((m) => m.id)),
      [['mini', 'qwen-local']],
    );
    assert.equal(plan.rounds[0]?.tier, undefined);
  });

  it('cascade asks tier by tier', () => {
    const plan = planAsk([gpt4o, mini, ollama], { strategy: 'cascade' }, 1000);
    assert.deepEqual(
      plan.rounds.map((r) => [r.tier, r.models.map((m) => m.id)]),
      [
        [1, ['qwen-local']],
        [2, ['mini']],
        [3, ['gpt-4o']],
      ],
    );
  });

  it('estimates a model from its price, local ones at 0, unpriced cloud unknown', () => {
    // 1000 input tokens at $2.50/M + 600 output at $10/M.
    assert.equal(estimateAskUsd(gpt4o, 1000), 0.0025 + 0.006);
    assert.equal(estimateAskUsd(ollama, 1000), 0);
    assert.equal(estimateAskUsd(groq, 1000), undefined);
  });

  it('budget takes the cheapest models while the estimate fits, never an unpriced cloud one', () => {
    // mini: 0.00015 + 0.00036 = $0.00051; gpt-4o: $0.0085.
    const plan = planAsk([gpt4o, groq, mini, ollama], { strategy: 'budget', budgetUsd: 0.005 }, 1000);
    assert.deepEqual(
      plan.rounds.map((r) => r.models.map((m) => m.id)),
      [['mini', 'qwen-local']],
    );
    assert.deepEqual(
      plan.skipped.map((s) => [s.modelId, s.why]),
      [
        ['gpt-4o', 'over the budget'],
        ['groq-llama', 'no price, so its cost cannot be kept within the budget'],
      ],
    );
    assert.equal(savedUsdOf(plan.skipped), 0.0085);
    const roomy = planAsk([gpt4o, mini], { strategy: 'budget', budgetUsd: 0.01 }, 1000);
    assert.deepEqual(
      roomy.rounds[0]?.models.map((m) => m.id),
      ['gpt-4o', 'mini'],
    );
  });

  it('budget prefers the better value by record over the cheaper', () => {
    const pricier = model('pricier', { price: { inputPerMTok: 1, outputPerMTok: 4 } });
    const records = new Map<string, ModelRecordSummary>([
      ['mini', { asks: 10, wins: 0, costUsd: 0.005 }],
      ['pricier', { asks: 10, wins: 9, costUsd: 0.03 }],
    ]);
    // pricier: 0.001 + 0.0024 = $0.0034; both together exceed $0.0035.
    const plan = planAsk([mini, pricier], { strategy: 'budget', budgetUsd: 0.0035, records }, 1000);
    assert.deepEqual(
      plan.rounds[0]?.models.map((m) => m.id),
      ['pricier'],
    );
  });

  it('budget without budgetUsd says what to set', () => {
    assert.throws(() => planAsk([mini], { strategy: 'budget' }, 10), /needs budgetUsd/);
  });
});

describe('strategy: the cascade stop rule', () => {
  const verdict = (extra: Partial<Verdict>): Verdict => ({
    pick: 'a',
    strategy: 'cross-test',
    confidence: 0.9,
    ranking: [],
    reasons: [],
    unverified: false,
    ...extra,
  });

  it('stops on a verified verdict at or above the threshold', () => {
    assert.deepEqual(cascadeDecision(verdict({ confidence: 0.8 }), 0.8), {
      verified: true,
      stop: true,
      why: 'verified with confidence 0.80 ≥ 0.8',
    });
    assert.equal(cascadeDecision(verdict({ confidence: 0.79 }), 0.8).stop, false);
  });

  it('goes on when nothing ran, or there is no pick or no verdict', () => {
    assert.equal(
      cascadeDecision(verdict({ unverified: true, strategy: 'fallback', confidence: 1 }), 0.5).stop,
      false,
    );
    assert.equal(cascadeDecision(verdict({ pick: null }), 0.5).stop, false);
    assert.equal(cascadeDecision(undefined, 0.5).stop, false);
  });

  it('in project mode stops only on an edit that fixes the failing tests and breaks none', () => {
    const evidence = (extra: Partial<ProjectEvidence>): ProjectEvidence => ({
      candidateId: 'a',
      edit: { ok: true, newText: 'x', diff: '' } as ProjectEvidence['edit'],
      run: { state: 'ok', tests: {}, wallMs: 1 } as unknown as ProjectEvidence['run'],
      outcomes: [],
      counts: { fixed: 1, regressed: 0, stillFailing: 0, passing: 3, new: 0 },
      fixedIds: ['t1'],
      regressedIds: [],
      touchesTests: false,
      ...extra,
    });
    const v = verdict({ strategy: 'project-tests', confidence: 0.5 });
    assert.equal(cascadeDecision(v, 0.99, evidence({})).stop, true, 'confidence is not the rule here');
    assert.equal(cascadeDecision(v, 0.5, evidence({ regressedIds: ['t2'] })).stop, false);
    assert.equal(
      cascadeDecision(
        v,
        0.5,
        evidence({ counts: { fixed: 0, regressed: 0, stillFailing: 1, passing: 3, new: 0 } }),
      ).stop,
      false,
    );
    assert.equal(cascadeDecision(v, 0.5, evidence({ run: undefined })).stop, false);
    assert.equal(cascadeDecision(v, 0.5, undefined).stop, false);
  });
});

describe('strategy: one ask over the configured strategy', () => {
  const base = { strategy: 'cascade' as const, threshold: 0.8 };
  it('takes the override, a budget alone meaning the budget strategy', () => {
    assert.deepEqual(applyStrategyOverride(base, { strategy: 'all' }), {
      settings: { strategy: 'all', threshold: 0.8 },
    });
    assert.deepEqual(applyStrategyOverride(base, { budgetUsd: 0.02 }), {
      settings: { strategy: 'budget', threshold: 0.8, budgetUsd: 0.02 },
    });
    assert.deepEqual(applyStrategyOverride(undefined, {}), { settings: { strategy: 'all' } });
  });

  it("names the field of a bad value, with the caller's names", () => {
    const cli = { strategy: '--strategy', budgetUsd: '--budget-usd', threshold: '--threshold' };
    const error = (r: ReturnType<typeof applyStrategyOverride>): string | undefined =>
      'error' in r ? r.error : undefined;
    assert.equal(
      error(applyStrategyOverride(base, { strategy: 'cheap' }, cli)),
      '--strategy: expected one of all, cascade, budget',
    );
    assert.deepEqual(applyStrategyOverride(base, { budgetUsd: -1 }), {
      error: 'budgetUsd: expected a positive number of US dollars, e.g. 0.01',
      field: 'budgetUsd',
      reason: 'expected a positive number of US dollars, e.g. 0.01',
    });
    assert.equal(
      error(applyStrategyOverride(base, { strategy: 'budget' }, cli)),
      '--budget-usd: needed by the budget strategy (the most one ask may cost, in USD)',
    );
    assert.ok('error' in applyStrategyOverride(base, { threshold: 1.5 }));
  });

  it('says in one line which tier answered and what was saved', () => {
    assert.equal(
      strategyLine({
        strategy: 'cascade',
        threshold: 0.8,
        tierCount: 3,
        answeredTier: 1,
        tiers: [
          {
            round: 1,
            tier: 1,
            modelIds: ['local'],
            stopped: true,
            why: 'verified with confidence 0.95 ≥ 0.8',
          },
        ],
        skipped: [
          { modelId: 'cheap', tier: 2, estimatedUsd: 0.0005, why: 'not asked' },
          { modelId: 'premium', tier: 3, estimatedUsd: 0.0062, why: 'not asked' },
        ],
        savedUsd: 0.0067,
      }),
      'cascade: tier 1 of 3 answered (verified with confidence 0.95 ≥ 0.8); not asked: cheap, premium — about $0.0067 saved',
    );
  });
});
