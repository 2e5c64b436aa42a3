import { z } from 'zod';
import type { JudgeInput, Logger, Provider, Verdict } from '../types';
import { silentLogger } from '../types';

/** The optional LLM judge: a configured model asked for a structured choice. Off by default. */
export interface LlmJudge {
  readonly model: string;
  opinion(input: JudgeInput, verdict: Verdict): Promise<{ pick: string | null; rationale: string } | null>;
}

const answerSchema = z.object({
  pick: z.string().nullable(),
  rationale: z.string().min(1).max(2000),
});

/** Builds the prompt the judge model sees: the task, every candidate, its run and its test row. */
export function llmJudgePrompt(input: JudgeInput, verdict: Verdict): string {
  const rows = new Map(verdict.ranking.map((r) => [r.id, r]));
  const parts = [
    'You judge candidate solutions to a programming task. Pick the one most likely to be correct.',
    'Answer with ONLY a JSON object: {"pick": "<candidate id or null>", "rationale": "<one or two sentences>"}.',
    `## Task\n${input.prompt}`,
  ];
  for (const c of input.candidates) {
    const r = rows.get(c.id);
    const run = r ? `ran: ${r.ran}; tests passed: ${r.testsPassed}/${r.testsTotal}` : 'not run';
    parts.push(`## Candidate ${c.id} (${c.model}) — ${run}\n\`\`\`${input.language}\n${c.code}\n\`\`\``);
  }
  return parts.join('\n\n');
}

/**
 * Reads the model's answer: the first JSON object in it, validated; a pick must name a real
 * candidate. Anything else is null, and the caller keeps the deterministic verdict.
 */
export function parseLlmAnswer(
  text: string,
  candidateIds: readonly string[],
): { pick: string | null; rationale: string } | null {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text.slice(start, end + 1));
  } catch {
    return null;
  }
  const parsed = answerSchema.safeParse(raw);
  if (!parsed.success) return null;
  if (parsed.data.pick !== null && !candidateIds.includes(parsed.data.pick)) return null;
  return parsed.data;
}

export function createLlmJudge(provider: Provider, logger: Logger = silentLogger): LlmJudge {
  return {
    model: provider.config.id,
    async opinion(input, verdict) {
      const controller = new AbortController();
      const abort = (): void => controller.abort();
      input.signal?.addEventListener('abort', abort, { once: true });
      try {
        const result = await provider.complete({
          messages: [{ role: 'user', content: llmJudgePrompt(input, verdict) }],
          signal: controller.signal,
          onDelta: () => {},
        });
        const answer = parseLlmAnswer(
          result.text,
          input.candidates.map((c) => c.id),
        );
        if (!answer)
          logger.warn(
            `LLM judge ${provider.config.id} gave no valid choice; keeping the deterministic verdict`,
          );
        return answer;
      } catch (error) {
        logger.warn(`LLM judge ${provider.config.id} failed: ${String(error)}`);
        return null;
      } finally {
        input.signal?.removeEventListener('abort', abort);
      }
    },
  };
}
