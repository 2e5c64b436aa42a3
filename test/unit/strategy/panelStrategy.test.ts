/**
 * The panel's side of a cascade ask: the session's tier events and record folded by the webview's
 * own reducer, and the verdict bar's line (which tier is asked, which answered, what it saved).
 */
import assert from 'node:assert/strict';
import type { StrategyRecord } from '../../../src/core/strategy/types';
import type { RunRecord, SessionEvent, SessionEventBody } from '../../../src/core/types';
import { DEFAULT_LIMITS } from '../../../src/core/types';
import { recordToEvents } from '../../../src/webview/recordReplay';
import { reduceEvent } from '../../../src/webview/sessionReducer';
import { finishedStrategyText, strategyText } from '../../../src/webview/strategyLine';
import { initialViewModel } from '../../../src/webview/viewModel';
import type { ViewModel } from '../../../src/webview/viewModel';

const strategy: StrategyRecord = {
  strategy: 'cascade',
  threshold: 0.8,
  tierCount: 3,
  answeredTier: 2,
  pickTier: 2,
  tiers: [
    {
      round: 1,
      tier: 1,
      modelIds: ['qwen'],
      stopped: false,
      why: 'confidence 0.40 < 0.8: asking the next tier',
    },
    { round: 2, tier: 2, modelIds: ['gpt'], stopped: true, why: 'verified with confidence 0.93 ≥ 0.8' },
  ],
  skipped: [{ modelId: 'r1', tier: 3, estimatedUsd: 0.0062, why: 'not asked' }],
  savedUsd: 0.0062,
};

const record: RunRecord = {
  version: 1,
  askId: 'ask-1',
  startedAt: '2026-12-03T00:00:00.000Z',
  request: { instruction: 'primes', intent: 'generate', language: 'python' },
  systemPrompt: '',
  candidates: [],
  limits: DEFAULT_LIMITS,
  images: {},
  strategy,
};

const fold = (bodies: readonly SessionEventBody[], from: ViewModel = initialViewModel()): ViewModel =>
  bodies.map((b): SessionEvent => ({ ...b, askId: 'ask-1' })).reduce(reduceEvent, from);

describe('panel: which tier answered and what was saved', () => {
  it('says which tier is being asked while the cascade runs, with the last tier’s word', () => {
    const started = fold([
      { type: 'session-started', models: [] },
      { type: 'tier-started', round: 1, tier: 1, rounds: 3, modelIds: ['qwen'] },
    ]);
    assert.equal(strategyText(started.ask), 'Cascade: asking tier 1 of 3');
    const second = fold(
      [
        { type: 'judge-started' },
        {
          type: 'tier-done',
          round: 1,
          tier: 1,
          stopped: false,
          why: 'confidence 0.40 < 0.8: asking the next tier',
          skipped: [],
        },
        { type: 'tier-started', round: 2, tier: 2, rounds: 3, modelIds: ['gpt'] },
      ],
      started,
    );
    assert.equal(second.ask?.judging, false, 'a new tier is asked, not judged');
    assert.equal(
      strategyText(second.ask),
      'Cascade: asking tier 2 of 3 (confidence 0.40 < 0.8: asking the next tier)',
    );
    const done = fold([{ type: 'session-done', record, cancelled: false }], second);
    assert.equal(
      strategyText(done.ask),
      'Tier 2 of 3 answered (verified with confidence 0.93 ≥ 0.8) · not asked: r1 · about $0.0062 saved',
    );
  });

  it('shows the same line for the ask reopened from history', () => {
    const vm = recordToEvents(record).reduce(reduceEvent, initialViewModel());
    assert.equal(strategyText(vm.ask), finishedStrategyText(strategy));
  });

  it('has no line for an all ask, and says when a saving is unknown', () => {
    const vm = recordToEvents({ ...record, strategy: undefined }).reduce(reduceEvent, initialViewModel());
    assert.equal(strategyText(vm.ask), undefined);
    assert.equal(
      finishedStrategyText({
        strategy: 'budget',
        budgetUsd: 0.005,
        tiers: [{ round: 1, modelIds: ['a', 'b'], stopped: true, why: 'one round' }],
        skipped: [{ modelId: 'c', tier: 2, why: 'no price, so its cost cannot be kept within the budget' }],
      }),
      'Budget $0.0050: 2 asked · not asked: c · saving unknown (no price)',
    );
  });
});
