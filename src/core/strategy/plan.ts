/**
 * Which models an ask asks, and in which rounds, under each strategy; and the cascade's stop rule.
 * Pure: the session (src/core/session.ts) runs the rounds, the benchmark (bench/cascade.ts)
 * replays recorded candidates through the same functions.
 */
import type { ProjectEvidence } from '../project/types';
import type { ModelConfig, Verdict } from '../types';
import type { ModelRecords } from './tiers';
import { isLocal, tierOf, tiersOf, winsPerDollar } from './tiers';
import type { AskStrategy, SkippedModel } from './types';

/**
 * The confidence a verified verdict needs for the cascade to stop, unless configured
 * (`cascade.threshold`). bench/cascade.ts's cost rule on its tuning half: the most accurate
 * threshold at no more than 40 % of `all`'s cost (0.75; its quality rule, within 0.01 of `all`,
 * gives 0.9 at about 80 % of the cost). docs/benchmarks.md has both on the held-out half.
 */
export const DEFAULT_CASCADE_THRESHOLD = 0.75;

/** Output tokens expected of an answer not yet given (an estimate of what a skipped model would cost). */
export const EXPECTED_OUTPUT_TOKENS = 600;

export interface StrategySettings {
  readonly strategy: AskStrategy;
  /** Cascade: default DEFAULT_CASCADE_THRESHOLD. */
  readonly threshold?: number;
  /** Budget: the most one ask may cost, USD (required for `budget`). */
  readonly budgetUsd?: number;
  /** Per-model records (the record store): tiers and the budget order by wins per dollar. */
  readonly records?: ModelRecords;
}

export interface AskRound {
  /** The cascade's tier; undefined for one round of every tier. */
  readonly tier?: number;
  readonly models: readonly ModelConfig[];
}

export interface AskPlan {
  readonly strategy: AskStrategy;
  readonly rounds: readonly AskRound[];
  /** Models the plan never asks (budget), with their estimated cost. */
  readonly skipped: readonly SkippedModel[];
}

/**
 * Estimated USD of asking `model`: its price times this ask's input tokens and the expected answer;
 * 0 for a local model without a price; undefined for a cloud model without one.
 */
export function estimateAskUsd(
  model: ModelConfig,
  inputTokens: number,
  outputTokens: number = EXPECTED_OUTPUT_TOKENS,
): number | undefined {
  if (model.price) {
    return (inputTokens * model.price.inputPerMTok + outputTokens * model.price.outputPerMTok) / 1e6;
  }
  return isLocal(model) ? 0 : undefined;
}

/** The rounds of one ask. Throws when `budget` has no `budgetUsd` (the config schema requires it). */
export function planAsk(
  models: readonly ModelConfig[],
  settings: StrategySettings,
  inputTokens: number,
): AskPlan {
  switch (settings.strategy) {
    case 'all':
      return { strategy: 'all', rounds: models.length ? [{ models }] : [], skipped: [] };
    case 'cascade':
      return {
        strategy: 'cascade',
        rounds: tiersOf(models, settings.records).map((t) => ({ tier: t.tier, models: t.models })),
        skipped: [],
      };
    case 'budget':
      return planBudget(models, settings, inputTokens);
  }
}

/**
 * The budget's choice: models in order of value (wins per dollar from the records, else the
 * cheaper estimate first), each taken while the estimated total stays within `budgetUsd`. A cloud
 * model without a price is never taken: its cost could break the budget.
 */
function planBudget(
  models: readonly ModelConfig[],
  settings: StrategySettings,
  inputTokens: number,
): AskPlan {
  const budget = settings.budgetUsd;
  if (budget === undefined || !(budget >= 0)) {
    throw new Error('The budget strategy needs budgetUsd: the most one ask may cost, in USD (e.g. 0.01).');
  }
  const estimate = (m: ModelConfig): number | undefined => estimateAskUsd(m, inputTokens);
  const value = (m: ModelConfig): number | undefined => winsPerDollar(settings.records?.get(m.id));
  const ordered = models
    .map((m, i) => ({ m, i, usd: estimate(m), value: value(m) }))
    .sort((a, b) => {
      if (a.value !== b.value) {
        if (a.value === undefined) return 1;
        if (b.value === undefined) return -1;
        return b.value - a.value;
      }
      const ua = a.usd ?? Infinity;
      const ub = b.usd ?? Infinity;
      return ua === ub ? a.i - b.i : ua < ub ? -1 : 1;
    });
  const chosen: ModelConfig[] = [];
  const skipped: SkippedModel[] = [];
  let total = 0;
  for (const { m, usd } of ordered) {
    const tier = tierOf(m).tier;
    if (usd === undefined) {
      skipped.push({ modelId: m.id, tier, why: 'no price, so its cost cannot be kept within the budget' });
    } else if (total + usd > budget + 1e-12) {
      skipped.push({ modelId: m.id, tier, estimatedUsd: usd, why: 'over the budget' });
    } else {
      chosen.push(m);
      total += usd;
    }
  }
  // Asked in the configured order, as `all` would.
  const asked = models.filter((m) => chosen.includes(m));
  return { strategy: 'budget', rounds: asked.length ? [{ models: asked }] : [], skipped };
}

export interface CascadeDecision {
  readonly verified: boolean;
  readonly stop: boolean;
  readonly why: string;
}

/**
 * The cascade's stop rule: the verdict is verified (a pick that is not the labelled fallback) and
 * its calibrated confidence is at least `threshold`. In project mode (the project's tests decided)
 * it is the edit itself: it applied, the tests ran, it fixes every test failing at the baseline and
 * breaks none.
 */
export function cascadeDecision(
  verdict: Verdict | undefined,
  threshold: number,
  pickEvidence?: ProjectEvidence,
): CascadeDecision {
  if (!verdict || verdict.pick === null) return { verified: false, stop: false, why: 'no pick yet' };
  if (verdict.strategy === 'project-tests') {
    const e = pickEvidence;
    if (!e || !e.edit.ok || e.run?.state !== 'ok' || verdict.unverified) {
      return {
        verified: false,
        stop: false,
        why: "the pick's edit was not measured against the project tests",
      };
    }
    if (e.regressedIds.length > 0) {
      return {
        verified: false,
        stop: false,
        why: `the pick breaks ${e.regressedIds.length} project test(s)`,
      };
    }
    if (e.counts.stillFailing > 0) {
      return { verified: false, stop: false, why: `${e.counts.stillFailing} project test(s) still fail` };
    }
    return { verified: true, stop: true, why: 'the pick fixes the failing tests and breaks none' };
  }
  if (verdict.unverified) return { verified: false, stop: false, why: 'nothing ran successfully' };
  const c = verdict.confidence.toFixed(2);
  return verdict.confidence >= threshold
    ? { verified: true, stop: true, why: `verified with confidence ${c} ≥ ${threshold}` }
    : { verified: true, stop: false, why: `confidence ${c} < ${threshold}` };
}

/** Sum of the priced skipped models' estimates; undefined when none has one. */
export function savedUsdOf(skipped: readonly SkippedModel[]): number | undefined {
  const priced = skipped.filter((s) => s.estimatedUsd !== undefined);
  return priced.length ? priced.reduce((sum, s) => sum + (s.estimatedUsd ?? 0), 0) : undefined;
}
