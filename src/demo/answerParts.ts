/**
 * A recorded answer in parts, for the asks whose answer depends on what was sent (the selected
 * function or the whole file): the same explanation, program and tests, with the program widened to
 * the whole file when the whole file was the context.
 */
import type { Recording } from './replayTypes';

export interface AnswerParts {
  readonly before: string;
  /** The program, ending with a newline. */
  readonly code: string;
  readonly tests: string;
  readonly after?: string;
  /** `<think>` reasoning streamed before the answer, as reasoning models do. */
  readonly reasoning?: string;
}

/** Each demo model's recorded pace, the same for every recorded ask. */
export const PACE: Readonly<Record<string, { readonly ttftMs: number; readonly chunkDelayMs: number }>> = {
  'demo-gpt-4o-mini': { ttftMs: 380, chunkDelayMs: 9 },
  'demo-llama-3.3-70b': { ttftMs: 170, chunkDelayMs: 3 },
  'demo-qwen2.5-coder': { ttftMs: 650, chunkDelayMs: 22 },
  'demo-deepseek-r1': { ttftMs: 900, chunkDelayMs: 6 },
};

function compose(parts: AnswerParts, fence: string, code: string): string {
  return [
    parts.reasoning ? `<think>\n${parts.reasoning}\n</think>\n` : '',
    parts.before,
    '```' + fence + '\n' + code.replace(/\n$/, '') + '\n```',
    '```' + fence + ' tests\n' + parts.tests + '\n```',
    parts.after ?? '',
  ]
    .filter((s) => s !== '')
    .join('\n\n');
}

/** The recordings per model; `widen` turns the program into the whole file's new text. */
export function recordingsOf(
  answers: Readonly<Record<string, AnswerParts>>,
  fence: string,
  widen?: (code: string) => string,
): Readonly<Record<string, Recording>> {
  return Object.fromEntries(
    Object.entries(answers).map(([model, parts]) => [
      model,
      { text: compose(parts, fence, widen ? widen(parts.code) : parts.code), ...PACE[model] },
    ]),
  );
}
