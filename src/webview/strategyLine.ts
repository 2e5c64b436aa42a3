/**
 * The verdict bar's line about a cascade or budget ask: while it runs, which tier is being asked;
 * at the end, which tier answered and the estimated money it did not spend. Pure, so the reducer's
 * tests and the panel share it.
 */
import type { StrategyRecord } from './domainTypes';
import type { AskView } from './viewModel';

function usd(value: number): string {
  if (value === 0) return '$0';
  return value < 0.01 ? `$${value.toPrecision(2)}` : `$${value.toFixed(value < 1 ? 3 : 2)}`;
}

/** The finished ask's strategy in words: "Tier 1 of 3 answered · not asked: gpt, r1 · about $0.0062 saved". */
export function finishedStrategyText(s: StrategyRecord): string {
  const last = s.tiers.at(-1);
  const parts: string[] = [];
  if (s.strategy === 'cascade') {
    parts.push(
      s.answeredTier !== undefined
        ? `Tier ${s.answeredTier}${s.tierCount ? ` of ${s.tierCount}` : ''} answered${last ? ` (${last.why})` : ''}`
        : 'Cascade: every tier asked at once',
    );
  } else {
    parts.push(`Budget ${usd(s.budgetUsd ?? 0)}: ${last?.modelIds.length ?? 0} asked`);
  }
  if (s.skipped.length) parts.push(`not asked: ${s.skipped.map((m) => m.modelId).join(', ')}`);
  if (s.savedUsd !== undefined) parts.push(`about ${usd(s.savedUsd)} saved`);
  else if (s.skipped.length) parts.push('saving unknown (no price)');
  if (s.note) parts.push(s.note);
  return parts.join(' · ');
}

/** The line for the ask as it stands; undefined for an `all` ask. */
export function strategyText(ask: AskView | undefined): string | undefined {
  if (!ask) return undefined;
  if (ask.strategy && !ask.running) return finishedStrategyText(ask.strategy);
  const r = ask.round;
  if (!r) return undefined;
  const where = r.tier !== undefined ? `tier ${r.tier} of ${r.rounds}` : `round ${r.round}`;
  const before = r.previous ? ` (${r.previous})` : '';
  return `${r.tier !== undefined ? 'Cascade' : 'Budget'}: asking ${where}${before}`;
}
