/**
 * Evidence when none is given (issue 28), against Docker: candidates without tests run on inputs
 * generated from the signature and the examples; the biggest class of identical behaviour wins,
 * and the user's example outranks any generated input.
 */
import assert from 'node:assert/strict';
import { createIncrementalJudge } from '../../src/core/judge/incremental';
import { createJudge } from '../../src/core/judge/verdict';
import type { DockerSandbox } from '../../src/core/sandbox/docker';
import { createDockerSandbox } from '../../src/core/sandbox/docker';
import type { JudgeInput } from '../../src/core/types';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';

const right = [
  'def count_vowels(s: str) -> int:\n    return sum(1 for c in s.lower() if c in "aeiou")\n',
  'def count_vowels(s: str) -> int:\n    n = 0\n    for c in s:\n        if c in "aeiouAEIOU":\n            n += 1\n    return n\n',
  'import re\n\ndef count_vowels(s: str) -> int:\n    return len(re.findall("[aeiou]", s, re.I))\n',
];
const lowerOnly = 'def count_vowels(s: str) -> int:\n    return sum(c in "aeiou" for c in s)\n';
const crashes = 'def count_vowels(s: str) -> int:\n    return s[0] and 1\n';

const prompt = (examples: string): string =>
  `def count_vowels(s: str) -> int:\n    """Count the vowels of s, upper or lower case.${examples}\n    """\n`;

describe('judge: generated evidence when no test is given (Docker)', function () {
  let sandbox: DockerSandbox;
  before(async function () {
    sandbox = createDockerSandbox({ images: { python: OFFLINE_IMAGES.python ?? '' }, pull: false });
    await sandbox.check();
  });
  after(() => sandbox.dispose());

  it('picks from the largest class of identical behaviour and says the inputs were generated', async () => {
    const input: JudgeInput = {
      prompt: prompt(''),
      language: 'python',
      tests: [],
      candidates: [
        { id: 'lower', model: '', code: lowerOnly },
        { id: 'crash', model: '', code: crashes },
        ...right.map((code, i) => ({ id: `right${i}`, model: '', code })),
      ],
    };
    const verdict = await createJudge({ sandbox }).judge(input);
    assert.match(verdict.pick ?? '', /^right/);
    assert.equal(verdict.strategy, 'consensus');
    assert.ok(
      verdict.reasons.some((r) => /generated \d+ inputs/.test(r)),
      verdict.reasons.join('\n'),
    );
    assert.ok(verdict.confidence > 0 && verdict.confidence < 1);
    assert.equal(verdict.unverified, false);
    assert.equal(verdict.matrix, undefined, 'generated inputs are not shown as tests');
  });

  it("never lets generated inputs outrank the user's example: a minority passing it wins", async () => {
    // Three identical wrong candidates against one right one: the example decides.
    const input: JudgeInput = {
      prompt: prompt('\n    >>> count_vowels("AbE")\n    2'),
      language: 'python',
      tests: [],
      candidates: [
        { id: 'lower1', model: '', code: lowerOnly },
        { id: 'lower2', model: '', code: `${lowerOnly}\n` },
        { id: 'lower3', model: '', code: `# same\n${lowerOnly}` },
        { id: 'right', model: '', code: right[0] },
      ],
    };
    const verdict = await createJudge({ sandbox }).judge(input);
    assert.equal(verdict.pick, 'right');
    assert.ok(
      verdict.reasons.some((r) => /all 1 of your examples/.test(r)),
      verdict.reasons.join('\n'),
    );
    assert.equal(verdict.matrix?.cases.length, 1, 'the matrix shows the trusted example only');
  });

  it('the incremental judge sends the generated inputs at finish: the same cases and verdict as the batch judge', async () => {
    const input: JudgeInput = {
      prompt: prompt(''),
      language: 'python',
      tests: [],
      candidates: [
        { id: 'lower', model: '', code: lowerOnly },
        ...right.map((code, i) => ({ id: `right${i}`, model: '', code })),
      ],
    };
    assert.equal(sandbox.feeds?.('python'), true, 'the Docker sandbox has live runs');
    const live = createIncrementalJudge({ sandbox }).begin(input);
    for (const c of input.candidates) live.addCandidate(c);
    const evidence = await live.evidence();
    const batch = await createJudge({ sandbox }).judge(input);
    assert.ok(evidence.cases.some((c) => c.generated));
    const incremental = createIncrementalJudge({ sandbox }).begin(input);
    for (const c of input.candidates) incremental.addCandidate(c);
    const verdict = await incremental.finish();
    assert.deepEqual(
      [verdict.pick, verdict.strategy, verdict.confidence, verdict.reasons],
      [batch.pick, batch.strategy, batch.confidence, batch.reasons],
    );
  });
});
