/**
 * One ask's strategy over the configured one (`quorum ask --strategy`, the gateway's and MCP's
 * `strategy` field), checked with errors that name the field, and the record's strategy in words.
 */
import { formatUsd } from '../spend';
import type { StrategySettings } from './plan';
import type { StrategyRecord } from './types';
import { ASK_STRATEGIES, isAskStrategy } from './types';

export interface StrategyOverride {
  readonly strategy?: unknown;
  readonly budgetUsd?: unknown;
  readonly threshold?: unknown;
}

/** Names the caller uses for the fields (`--budget-usd` in the CLI, `budgetUsd` in JSON). */
export interface OverrideNames {
  readonly strategy: string;
  readonly budgetUsd: string;
  readonly threshold: string;
}

/** A wrong value: the message (naming the field as the caller calls it), the field, and the message without it. */
export interface StrategyError {
  readonly error: string;
  readonly field: keyof OverrideNames;
  readonly reason: string;
}

const wrong = (names: OverrideNames, field: keyof OverrideNames, reason: string): StrategyError => ({
  error: `${names[field]}: ${reason}`,
  field,
  reason,
});

export const JSON_NAMES: OverrideNames = {
  strategy: 'strategy',
  budgetUsd: 'budgetUsd',
  threshold: 'threshold',
};

/**
 * The settings of one ask: the override's fields over `base`. A budget alone means the budget
 * strategy. Returns `{ error }` naming the field when a value is wrong.
 */
export function applyStrategyOverride(
  base: StrategySettings | undefined,
  override: StrategyOverride,
  names: OverrideNames = JSON_NAMES,
): { readonly settings: StrategySettings } | StrategyError {
  const { strategy, budgetUsd, threshold } = override;
  if (strategy !== undefined && !isAskStrategy(strategy))
    return wrong(names, 'strategy', `expected one of ${ASK_STRATEGIES.join(', ')}`);
  if (
    budgetUsd !== undefined &&
    !(typeof budgetUsd === 'number' && Number.isFinite(budgetUsd) && budgetUsd > 0)
  )
    return wrong(names, 'budgetUsd', 'expected a positive number of US dollars, e.g. 0.01');
  if (threshold !== undefined && !(typeof threshold === 'number' && threshold >= 0 && threshold <= 1))
    return wrong(names, 'threshold', 'expected a number from 0 to 1');
  const chosen = strategy ?? (budgetUsd !== undefined ? 'budget' : (base?.strategy ?? 'all'));
  const settings: StrategySettings = {
    ...base,
    strategy: chosen,
    ...(budgetUsd !== undefined ? { budgetUsd } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
  };
  if (settings.strategy === 'budget' && settings.budgetUsd === undefined)
    return wrong(names, 'budgetUsd', `needed by the budget strategy (the most one ask may cost, in USD)`);
  return { settings };
}

/** "cascade: tier 1 of 3 answered (verified with confidence 0.95 ≥ 0.8); not asked: b, c — about $0.0062 saved" */
export function strategyLine(s: StrategyRecord): string {
  const last = s.tiers.at(-1);
  const head =
    s.strategy === 'cascade'
      ? s.answeredTier !== undefined
        ? `cascade: tier ${s.answeredTier}${s.tierCount ? ` of ${s.tierCount}` : ''} answered`
        : 'cascade: every tier at once'
      : `budget ${formatUsd(s.budgetUsd ?? 0)}: ${last?.modelIds.length ?? 0} model(s) asked`;
  const why = last ? ` (${last.why})` : '';
  const skipped = s.skipped.length ? `; not asked: ${s.skipped.map((m) => m.modelId).join(', ')}` : '';
  const saved = s.savedUsd !== undefined ? ` — about ${formatUsd(s.savedUsd)} saved` : '';
  const note = s.note ? `. ${s.note}` : '';
  return `${head}${why}${skipped}${saved}${note}`;
}
