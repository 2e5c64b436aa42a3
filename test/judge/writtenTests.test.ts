/**
 * A cheap model's asserts in the real harness (Docker): with no test from the candidates or the
 * user, the written asserts run beside the generated inputs, in the batch judge and in the
 * incremental one, and turn a larger class of identical wrong behaviour into the runner-up.
 */
import assert from 'node:assert/strict';
import { createIncrementalJudge } from '../../src/core/judge/incremental';
import { createJudge } from '../../src/core/judge/verdict';
import type { DockerSandbox } from '../../src/core/sandbox/docker';
import { createDockerSandbox } from '../../src/core/sandbox/docker';
import type { JudgeInput } from '../../src/core/types';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';

const right = 'def count_vowels(s: str) -> int:\n    return sum(1 for c in s.lower() if c in "aeiou")\n';
// Two ways of the same mistake (upper-case vowels not counted): one class of two.
const lowerOnly = [
  'def count_vowels(s: str) -> int:\n    return sum(c in "aeiou" for c in s)\n',
  'def count_vowels(s: str) -> int:\n    return len([c for c in s if c in "aeiou"])\n',
];
const PROMPT = 'def count_vowels(s: str) -> int:\n    """Count the vowels of s, upper or lower case."""\n';
const WRITTEN = {
  modelId: 'qwen-local',
  asserts: [
    'assert count_vowels("AbE") == 2',
    'assert count_vowels("") == 0',
    'assert count_vowels("HELLO") == 2',
  ],
};

describe('judge: tests written by a cheap model (Docker)', function () {
  let sandbox: DockerSandbox;
  before(async function () {
    sandbox = createDockerSandbox({ images: { python: OFFLINE_IMAGES.python ?? '' }, pull: false });
    await sandbox.check();
  });
  after(() => sandbox.dispose());

  const input = (written?: typeof WRITTEN): JudgeInput => ({
    prompt: PROMPT,
    language: 'python',
    tests: [],
    candidates: [
      ...lowerOnly.map((code, i) => ({ id: `lower${i}`, model: '', code })),
      { id: 'right', model: '', code: right },
    ],
    ...(written ? { writtenTests: written } : {}),
  });

  it('without them the larger wrong class wins; with them the class that passes them, and the reasons name the writer', async () => {
    const judge = createJudge({ sandbox });
    assert.match((await judge.judge(input())).pick ?? '', /^lower/);
    const verdict = await judge.judge(input(WRITTEN));
    assert.equal(verdict.pick, 'right', verdict.reasons.join('\n'));
    assert.ok(
      verdict.reasons.some((r) => /3 tests written by qwen-local .*right passes 3 of them/.test(r)),
      verdict.reasons.join('\n'),
    );
    assert.equal(verdict.matrix, undefined, 'written asserts are generated evidence, not shown as tests');
  });

  it('the incremental judge sends them with the generated inputs at finish and decides the same', async () => {
    const start = input();
    const judgement = createIncrementalJudge({ sandbox }).begin({
      prompt: start.prompt,
      language: start.language,
    });
    for (const c of start.candidates) judgement.addCandidate(c);
    const verdict = await judgement.finish(undefined, WRITTEN);
    assert.equal(verdict.pick, 'right', verdict.reasons.join('\n'));
  });
});
