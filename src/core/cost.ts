import type { Price, Usage } from './types';

/** Estimated cost in USD of one answer, when the model has a configured price and the API reported usage. */
export function costOf(price: Price | undefined, usage: Usage | undefined): number | undefined {
  if (!price || !usage || (usage.inputTokens === undefined && usage.outputTokens === undefined))
    return undefined;
  const input = ((usage.inputTokens ?? 0) * price.inputPerMTok) / 1e6;
  const output = ((usage.outputTokens ?? 0) * price.outputPerMTok) / 1e6;
  return input + output;
}
