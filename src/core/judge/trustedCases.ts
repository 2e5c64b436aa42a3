import type { JudgeInput, TrustedSource } from '../types';
import { parseExamples } from './examples';
import type { JudgeCase } from './testCases';
import { splitTestCases } from './testCases';

/** The pseudo test block the prompt's and context's examples belong to in the matrix. */
export const EXAMPLES_TEST_ID = 'examples';

/**
 * Trusted cases of a judge input: usage examples in the prompt, then in the context, then the
 * user's own test files' assertions. A duplicate (same assertion) keeps its first source.
 */
export function trustedCases(
  input: Pick<JudgeInput, 'prompt' | 'context' | 'trustedTests' | 'language'>,
): JudgeCase[] {
  const cases: JudgeCase[] = [];
  const seen = new Set<string>();
  const push = (c: Omit<JudgeCase, 'trusted'>, source: TrustedSource): void => {
    if (seen.has(c.code)) return;
    seen.add(c.code);
    cases.push({ ...c, trusted: true, source });
  };
  const fromText = (text: string | undefined, source: TrustedSource): void => {
    for (const e of parseExamples(text ?? '', input.language)) {
      const n = cases.filter((c) => c.testId === EXAMPLES_TEST_ID).length + 1;
      push(
        { id: `${EXAMPLES_TEST_ID}.${n}`, testId: EXAMPLES_TEST_ID, code: e.code, setup: e.setup },
        source,
      );
    }
  };
  fromText(input.prompt, 'prompt');
  fromText(input.context, 'context');
  // Prefixed so a file's test ids never collide with the models' (`t1` from both).
  const files = (input.trustedTests ?? []).map((t) => ({ ...t, id: `file:${t.id}` }));
  for (const c of splitTestCases(files, input.language)) push(c, 'file');
  return cases;
}
