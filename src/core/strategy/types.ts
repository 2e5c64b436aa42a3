/**
 * The serializable shapes of an ask strategy (issue 28): which models an ask asks, in which order,
 * and what the record says about it. Types and constants only, so the webview may import them.
 *
 * - `all`: every enabled model at once (the default, as before).
 * - `cascade`: models in tiers (local/free, then cheap cloud, then premium); the next tier is asked
 *   only when the verdict so far is not verified with enough confidence, and every earlier
 *   candidate stays in the judgment.
 * - `budget`: at most `budgetUsd` of estimated cost per ask; the models are chosen by value.
 */

export const ASK_STRATEGIES = ['all', 'cascade', 'budget'] as const;
export type AskStrategy = (typeof ASK_STRATEGIES)[number];

export function isAskStrategy(value: unknown): value is AskStrategy {
  return typeof value === 'string' && (ASK_STRATEGIES as readonly string[]).includes(value);
}

/** Where a model's tier came from. */
export type TierSource = 'config' | 'local' | 'price' | 'unpriced';

/** One model the strategy did not ask, and what it would have cost (estimated). */
export interface SkippedModel {
  readonly modelId: string;
  readonly tier: number;
  /** Estimated USD of asking it (input tokens of this ask + the expected answer); undefined: no price. */
  readonly estimatedUsd?: number;
  /** Why it was not asked: a cascade stopped before its tier, or it did not fit the budget. */
  readonly why: string;
}

/** One round of an ask: the models asked together and what the judge said after them. */
export interface TierRecord {
  /** 1 for the first round of the ask. */
  readonly round: number;
  /** The cascade's tier of this round; undefined for one round of every tier (`all`, `budget`). */
  readonly tier?: number;
  readonly modelIds: readonly string[];
  /** The verdict over every candidate so far (earlier tiers included), when the judge gave one. */
  readonly pick?: string | null;
  readonly confidence?: number;
  /** The verdict counted as verified: a pick that ran, or in project mode an edit that fixes and breaks nothing. */
  readonly verified?: boolean;
  /** True when this round ended the ask (the stop rule held, or it was the last round). */
  readonly stopped: boolean;
  /** Why the ask stopped or went on, in words. */
  readonly why: string;
  /** Estimated USD spent by this round's answers (priced models with usage only). */
  readonly costUsd?: number;
}

/** What the record of an ask says about its strategy. */
export interface StrategyRecord {
  readonly strategy: AskStrategy;
  /** Cascade: the confidence a verified verdict needs to stop. */
  readonly threshold?: number;
  /** Budget: the most the ask may cost, in USD (estimated before asking). */
  readonly budgetUsd?: number;
  readonly tiers: readonly TierRecord[];
  /** Cascade: the tier whose round ended the ask (the last one asked). */
  readonly answeredTier?: number;
  /** Every tier in the plan, for "tier 1 of 3". */
  readonly tierCount?: number;
  /** The tier of the model the verdict picked. */
  readonly pickTier?: number;
  readonly skipped: readonly SkippedModel[];
  /** Sum of the skipped models' estimated cost; undefined when none of them has a price. */
  readonly savedUsd?: number;
  /** Something the user should know about how the strategy ran (no judge: one round). */
  readonly note?: string;
}
