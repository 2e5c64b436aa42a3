/**
 * Models in tiers, by price and kind: tier 1 is local or free (Ollama, a server on this machine, a
 * price of 0), tier 2 cheap cloud, tier 3 premium. A model's own `tier` in the config overrides.
 * Within a tier, and for the budget's choice, models are ordered by value: wins per dollar when the
 * caller passes per-model records (the record store of issue 28), else the cheaper first.
 */
import type { ModelConfig, Price } from '../types';
import type { TierSource } from './types';

/**
 * Blended USD per million tokens above which a priced model is premium (tier 3). Blended = one
 * part input to three parts output, as a code answer is mostly output: gpt-4o-mini (0.15/0.60)
 * is 0.49, gpt-3.5-turbo (0.50/1.50) 1.25, Claude 3.5 Haiku (0.80/4) 3.2 — cheap; gpt-4o (2.50/10)
 * 8.1, gpt-4.1 (2/8) 6.5, Claude Sonnet (3/15) 12 — premium.
 */
export const PREMIUM_ABOVE_PER_MTOK = 5;

export const LOCAL_TIER = 1;
export const CHEAP_TIER = 2;
export const PREMIUM_TIER = 3;

export interface ModelTier {
  readonly modelId: string;
  readonly tier: number;
  readonly source: TierSource;
}

/** One model's track record, as the per-model record store reports it (all fields are counts or USD). */
export interface ModelRecordSummary {
  /** Asks the model answered. */
  readonly asks: number;
  /** Asks where the verdict picked it (verified picks, when the store tells them apart). */
  readonly wins: number;
  /** USD spent on its answers over those asks. */
  readonly costUsd: number;
}

/** Per-model records by model id; absent models have none. */
export type ModelRecords = ReadonlyMap<string, ModelRecordSummary>;

export function blendedPerMTok(price: Price): number {
  return (price.inputPerMTok + 3 * price.outputPerMTok) / 4;
}

/** True for a base URL on this machine (LM Studio, vLLM, llama.cpp on loopback). */
export function isLoopbackUrl(baseUrl: string | undefined): boolean {
  if (!baseUrl) return false;
  try {
    const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** A model that runs on this machine: Ollama, or a server on loopback. */
export function isLocal(model: ModelConfig): boolean {
  return model.kind === 'ollama' || isLoopbackUrl(model.baseUrl);
}

/** A model's default tier: config `tier`, then its price, then its kind (local or unpriced cloud). */
export function tierOf(model: ModelConfig): ModelTier {
  const of = (tier: number, source: TierSource): ModelTier => ({ modelId: model.id, tier, source });
  if (model.tier !== undefined) return of(model.tier, 'config');
  if (model.price) {
    const blended = blendedPerMTok(model.price);
    if (blended === 0) return of(LOCAL_TIER, 'price');
    return of(blended > PREMIUM_ABOVE_PER_MTOK ? PREMIUM_TIER : CHEAP_TIER, 'price');
  }
  if (isLocal(model)) return of(LOCAL_TIER, 'local');
  // A cloud model without a price: its cost is unknown, so it goes with the cheap cloud.
  return of(CHEAP_TIER, 'unpriced');
}

/**
 * Wins per dollar from a record; Infinity for a model that wins at no cost (a local one), 0 for
 * one without wins, undefined without a record (nothing known).
 */
export function winsPerDollar(record: ModelRecordSummary | undefined): number | undefined {
  if (!record || record.asks === 0) return undefined;
  if (record.wins === 0) return 0;
  return record.costUsd > 0 ? record.wins / record.costUsd : Infinity;
}

/**
 * The order of models within a tier (and the budget's order of preference): with records, more
 * wins per dollar first (models without a record after those with one); then the cheaper (blended
 * price, unpriced last); then the configured order.
 */
export function compareByValue(records?: ModelRecords): (a: ModelConfig, b: ModelConfig) => number {
  const value = (m: ModelConfig): number | undefined => winsPerDollar(records?.get(m.id));
  const price = (m: ModelConfig): number => (m.price ? blendedPerMTok(m.price) : Infinity);
  return (a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va !== vb) {
      if (va === undefined) return 1;
      if (vb === undefined) return -1;
      return vb - va;
    }
    const pa = price(a);
    const pb = price(b);
    return pa === pb ? 0 : pa < pb ? -1 : 1;
  };
}

/** The models grouped by tier, lowest tier first, each tier ordered by value (stable). */
export function tiersOf(
  models: readonly ModelConfig[],
  records?: ModelRecords,
): { readonly tier: number; readonly models: readonly ModelConfig[] }[] {
  const byTier = new Map<number, ModelConfig[]>();
  for (const m of models) {
    const { tier } = tierOf(m);
    byTier.set(tier, [...(byTier.get(tier) ?? []), m]);
  }
  const compare = compareByValue(records);
  return [...byTier.entries()]
    .sort(([a], [b]) => a - b)
    .map(([tier, ms]) => ({ tier, models: [...ms].sort(compare) }));
}
