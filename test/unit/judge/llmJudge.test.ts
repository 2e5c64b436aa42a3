import assert from 'node:assert/strict';
import { createLlmJudge, llmJudgePrompt, parseLlmAnswer } from '../../../src/core/judge/llmJudge';
import { createJudge } from '../../../src/core/judge/verdict';
import type {
  JudgeInput,
  Provider,
  ProviderRequest,
  RunResult,
  Sandbox,
  Verdict,
} from '../../../src/core/types';
import { ProviderError } from '../../../src/core/types';
import { runResult } from '../../fakes/runResult';

const input: JudgeInput = {
  prompt: 'Write add(a, b).',
  language: 'python',
  candidates: [
    { id: 'a', model: 'm1', code: 'def add(a, b): return a - b' },
    { id: 'b', model: 'm2', code: 'def add(a, b): return a + b' },
  ],
  tests: [],
};

/** A judge model answering with fixed text: the judge's input, not a stand-in for an SDK. */
function answering(text: string | Error, seen: ProviderRequest[] = []): Provider {
  return {
    config: { id: 'judge-model', kind: 'openai', model: 'gpt-x', enabled: true },
    complete(request) {
      seen.push(request);
      return text instanceof Error ? Promise.reject(text) : Promise.resolve({ text, latencyMs: 1 });
    },
  };
}

const run = (stdout: string): RunResult => runResult({ stdout });

/**
 * Programs (no function to generate inputs for) that already carry their runs need no sandbox;
 * any call to it is a bug.
 */
const unusedSandbox: Sandbox = {
  run: () => Promise.reject(new Error('the judge should not run anything here')),
  check: () => Promise.resolve(),
  imageFor: () => 'img',
  dispose: () => Promise.resolve(),
};

describe('judge/llmJudge', () => {
  it('accepts a schema-valid choice naming a real candidate, even wrapped in prose', () => {
    assert.deepEqual(parseLlmAnswer('Sure!\n{"pick": "b", "rationale": "adds"}\n', ['a', 'b']), {
      pick: 'b',
      rationale: 'adds',
    });
    assert.deepEqual(parseLlmAnswer('{"pick": null, "rationale": "none works"}', ['a']), {
      pick: null,
      rationale: 'none works',
    });
  });

  it('rejects invalid output: no JSON, wrong types, empty rationale, unknown candidate', () => {
    for (const text of [
      'b is best',
      '{"pick": 1, "rationale": "x"}',
      '{"pick": "a", "rationale": ""}',
      '{"pick": "z", "rationale": "x"}',
      '{"pick": "a"',
    ]) {
      assert.equal(parseLlmAnswer(text, ['a', 'b']), null, text);
    }
  });

  it('shows the judge model the task, every candidate and its test row', () => {
    const verdict = {
      ranking: [{ id: 'a', score: 1, ran: true, testsPassed: 1, testsTotal: 2 }],
    } as unknown as Verdict;
    const prompt = llmJudgePrompt(input, verdict);
    assert.match(prompt, /Write add/);
    assert.match(prompt, /Candidate a \(m1\) — ran: true; tests passed: 1\/2/);
    assert.match(prompt, /Candidate b \(m2\) — not run/);
  });

  it('adds the model opinion beside the deterministic verdict, never replacing it', async () => {
    const seen: ProviderRequest[] = [];
    const candidates = [
      { ...input.candidates[0], code: 'print(2 - 1)', run: run('1\n') },
      { ...input.candidates[1], code: 'print(1 + 2)', run: run('3\n') },
      { id: 'c', model: 'm3', code: 'print(2 + 1)', run: run('3\n') },
    ];
    const judge = createJudge({
      sandbox: unusedSandbox,
      llmJudge: createLlmJudge(answering('{"pick":"a","rationale":"shortest"}', seen)),
    });
    const verdict = await judge.judge({ ...input, candidates });
    assert.equal(verdict.strategy, 'consensus');
    assert.equal(verdict.pick, 'b');
    assert.deepEqual(verdict.llm, { pick: 'a', rationale: 'shortest', model: 'judge-model' });
    assert.equal(seen.length, 1);
  });

  it('falls back to the deterministic verdict alone on invalid output or a provider failure', async () => {
    const candidates = input.candidates.map((c, i) => ({ ...c, code: `print(${i})`, run: run('x') }));
    for (const reply of ['not json', new ProviderError('server', 'down', 'retry later', 500)]) {
      const judge = createJudge({ sandbox: unusedSandbox, llmJudge: createLlmJudge(answering(reply)) });
      const verdict = await judge.judge({ ...input, candidates });
      assert.equal(verdict.llm, undefined);
      assert.equal(verdict.pick, 'a');
    }
  });
});
