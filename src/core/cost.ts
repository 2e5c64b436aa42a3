import type { Price, RunRecord, Usage } from './types';

/** Estimated cost in USD of one answer, when the model has a configured price and the API reported usage. */
export function costOf(price: Price | undefined, usage: Usage | undefined): number | undefined {
  if (!price || !usage || (usage.inputTokens === undefined && usage.outputTokens === undefined))
    return undefined;
  const input = ((usage.inputTokens ?? 0) * price.inputPerMTok) / 1e6;
  const output = ((usage.outputTokens ?? 0) * price.outputPerMTok) / 1e6;
  return input + output;
}

/**
 * What an ask cost, in USD: its answers' known costs plus the judge's test-writing request
 * (`testWriting`), when one was made. Undefined when no cost is known.
 */
export function askCostUsd(record: Pick<RunRecord, 'candidates' | 'testWriting'>): number | undefined {
  const known = [...record.candidates.map((c) => c.costUsd), record.testWriting?.costUsd].filter(
    (v): v is number => v !== undefined,
  );
  return known.length ? known.reduce((a, b) => a + b, 0) : undefined;
}
