/** A verdict as JSON: `quorum judge --json`, the gateway's POST /v1/judge and MCP's judge share it. */
import type { Verdict } from './types';

/** Exactly the documented `--json` shape (plus `llm` when a judge model is configured). */
export function verdictJson(verdict: Verdict): object {
  const { pick, strategy, confidence, reasons } = verdict;
  const ranking = verdict.ranking.map(({ id, score, ran, testsPassed, testsTotal }) => ({
    id,
    score,
    ran,
    testsPassed,
    testsTotal,
  }));
  return { pick, strategy, confidence, ranking, reasons, ...(verdict.llm ? { llm: verdict.llm } : {}) };
}
