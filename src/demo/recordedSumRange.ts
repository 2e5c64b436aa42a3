/**
 * Recorded answers to the sample's TypeScript ask, "fix the off-by-one in sumRange" on
 * sample/sumRange.ts. Three models include `to`; the Groq/Llama answer "fixes" the wrong end (it
 * starts at from + 1), which its own test misses and the others' catch.
 */
import { recordingsOf, type AnswerParts } from './answerParts';
import type { Recording } from './replayTypes';

const FILE_HEAD =
  '/** A TypeScript file to try Quorum on: sumRange has an off-by-one. Select it and ask the models to fix it. */\n\n';
const FILE_TAIL = '\nconsole.log(sumRange(1, 10)); // should print 55\n';

const gpt4oMini: AnswerParts = {
  before: 'The loop stops before `to` (`i < to`), so the last number is never added. Include it:',
  code: `/** The sum of the whole numbers from \`from\` to \`to\`, both included. */
function sumRange(from: number, to: number): number {
  let total = 0;
  for (let i = from; i <= to; i++) total += i;
  return total;
}
`,
  tests: `console.assert(sumRange(1, 10) === 55);
console.assert(sumRange(5, 5) === 5);
console.assert(sumRange(3, 2) === 0);
console.assert(sumRange(-2, 2) === 0);`,
};

// Shifts the start instead of including the end: 2..10 is 54, not 55.
const llama33: AnswerParts = {
  before: '**Fixed Off-by-One Error**\n\nThe range should not count the starting number twice:',
  code: `function sumRange(from: number, to: number): number {
  let total = 0;
  for (let i = from + 1; i <= to; i++) total += i;
  return total;
}
`,
  tests: `console.assert(sumRange(0, 3) === 6);
console.assert(sumRange(0, 0) === 0);`,
};

const qwenCoder: AnswerParts = {
  before: '',
  code: `function sumRange(from: number, to: number): number {
  if (to < from) return 0;
  return ((from + to) * (to - from + 1)) / 2;
}
`,
  tests: `console.assert(sumRange(1, 10) === 55);
console.assert(sumRange(1, 1) === 1);
console.assert(sumRange(4, 6) === 15);`,
};

const deepseekR1: AnswerParts = {
  reasoning: `The comment says both ends are included, but the loop condition is i < to, so to is skipped: sumRange(1, 10) gives 45 instead of 55. The fix is i <= to. Keep the name and the signature, and the empty range (to < from) should stay 0.`,
  before: 'Make the loop include `to`:',
  code: `/** The sum of the whole numbers from \`from\` to \`to\`, both included. */
function sumRange(from: number, to: number): number {
  let total = 0;
  for (let i = from; i <= to; i++) total += i;
  return total;
}
`,
  tests: `console.assert(sumRange(1, 10) === 55);
console.assert(sumRange(2, 4) === 9);
console.assert(sumRange(10, 1) === 0);`,
};

const ANSWERS: Readonly<Record<string, AnswerParts>> = {
  'demo-gpt-4o-mini': gpt4oMini,
  'demo-llama-3.3-70b': llama33,
  'demo-qwen2.5-coder': qwenCoder,
  'demo-deepseek-r1': deepseekR1,
};

/** The answers to the selected function, and to the whole file. */
export const SUM_RANGE_ANSWERS: Readonly<Record<string, Recording>> = recordingsOf(ANSWERS, 'typescript');
export const SUM_RANGE_FILE_ANSWERS: Readonly<Record<string, Recording>> = recordingsOf(
  ANSWERS,
  'typescript',
  (code) => FILE_HEAD + code + FILE_TAIL,
);
