import type { Judge, JudgeInput, Logger, Sandbox, Verdict } from '../types';
import { silentLogger } from '../types';
import { gatherEvidence } from './evidence';
import type { LlmJudge } from './llmJudge';
import { decideVerdict } from './strategies';

export interface JudgeOptions {
  readonly sandbox: Sandbox;
  /** Optional second opinion from a model; shown beside the deterministic verdict, never instead. */
  readonly llmJudge?: LlmJudge;
  readonly logger?: Logger;
  /** Run the candidates against the models' tests (default true); off: judge by their own runs. */
  readonly crossTests?: boolean;
  /** Overrides the sandbox image for the input's language. */
  readonly image?: string;
  /** Harness containers at once (default 2). */
  readonly concurrency?: number;
  /** Each test case's time budget inside the harness, in milliseconds (default 1000). */
  readonly caseBudgetMs?: number;
}

/**
 * The judge: runs what needs running in the sandbox, then decides deterministically; the LLM
 * judge, when configured, adds its opinion. Throws `JudgeError` when the sandbox fails under it
 * (reason `sandbox`, the `SandboxError` as its cause), the harness breaks (`harness-failed`) or
 * the ask is cancelled (`cancelled`): a failure the caller must show, never only log.
 */
export function createJudge(options: JudgeOptions): Judge {
  const logger = options.logger ?? silentLogger;
  return {
    async judge(input: JudgeInput): Promise<Verdict> {
      const effective = options.crossTests === false ? { ...input, tests: [] } : input;
      const evidence = await gatherEvidence(effective, {
        sandbox: options.sandbox,
        image: options.image,
        concurrency: options.concurrency,
        caseBudgetMs: options.caseBudgetMs,
      });
      const verdict = decideVerdict(evidence, effective);
      logger.info(`judge: ${verdict.strategy} picked ${verdict.pick ?? 'nothing'} (${verdict.confidence})`);
      return withLlmOpinion(verdict, effective, options.llmJudge);
    },
  };
}

/** The optional LLM judge's opinion beside the deterministic verdict (never instead of it). */
export async function withLlmOpinion(
  verdict: Verdict,
  input: JudgeInput,
  llmJudge?: LlmJudge,
): Promise<Verdict> {
  if (!llmJudge) return verdict;
  const opinion = await llmJudge.opinion(input, verdict);
  return opinion ? { ...verdict, llm: { ...opinion, model: llmJudge.model } } : verdict;
}
