/**
 * Tests written by a cheap model when the candidates bring none: the request goes through the real
 * SDKs to the loopback replay server (OpenAI SSE and Ollama NDJSON wires), bounded in tokens, to
 * the cheapest tier; its asserts reach the judge and its cost the record; a failed request only
 * drops that evidence; and the written asserts rank like generated evidence (the user's examples
 * first), with reasons that name the model.
 */
import assert from 'node:assert/strict';
import { renderText } from '../../../src/cli/report';
import { parseConfig } from '../../../src/core/config';
import { askCostUsd } from '../../../src/core/cost';
import type { CaseEvidence } from '../../../src/core/judge/agreement';
import { judgeByBehaviour } from '../../../src/core/judge/behaviourClusters';
import type { CandidateOutcome, JudgeEvidence } from '../../../src/core/judge/evidence';
import { judgeCases } from '../../../src/core/judge/evidence';
import { decideVerdict } from '../../../src/core/judge/strategies';
import type { JudgeCase } from '../../../src/core/judge/testCases';
import {
  TEST_WRITING_MAX_TOKENS,
  parseWrittenAsserts,
  pickTestWriter,
  testWriterConfig,
} from '../../../src/core/judge/writtenTests';
import { buildPipeline } from '../../../src/core/pipeline';
import { createProvider } from '../../../src/core/providers/registry';
import { startAsk } from '../../../src/core/session';
import type {
  CellResult,
  JudgeInput,
  ModelConfig,
  RunResult,
  Sandbox,
  Verdict,
} from '../../../src/core/types';
import type { ReplayServer } from '../../../src/demo/replayServer';
import { FAST_RETRY, modelAt, startFastReplay } from '../../fakes/replayHarness';
import { runResult } from '../../fakes/runResult';

const PROMPT = 'Write a Python function `add(a: int, b: int) -> int` that returns the sum of a and b.';
const ANSWER = '```python\ndef add(a: int, b: int) -> int:\n    return a + b\n\nprint(add(2, 3))\n```\n';
const ANSWER_WITH_TESTS = `${ANSWER}\n\`\`\`python\nassert add(1, 1) == 2\n\`\`\`\n`;
const WRITTEN =
  'Here are the tests:\n```python\nassert add(1, 2) == 3\nassert add(0, 0) == 0  # zero\n' +
  'assert add(-1, 1) == 0\nassert add(1, 2) == 3\nassert sub(1, 2) == -1\nassert add(x, 2) == 3\n```\n';

/** A sandbox that runs nothing: every program exits 0 at once. */
const quietSandbox: Sandbox = {
  imageFor: (language) => `img/${language}`,
  check: async () => {},
  dispose: async () => {},
  run: (request): Promise<RunResult> => Promise.resolve(runResult({ language: request.language })),
};

/** A batch judge that keeps what it was given and picks the first candidate. */
function keepingJudge(): { judge(input: JudgeInput): Promise<Verdict>; inputs: JudgeInput[] } {
  const inputs: JudgeInput[] = [];
  return {
    inputs,
    judge: (input) => {
      inputs.push(input);
      return Promise.resolve({
        pick: input.candidates[0]?.id ?? null,
        strategy: 'best-available',
        confidence: 0.5,
        ranking: [],
        reasons: [],
        unverified: false,
      });
    },
  };
}

const isWriting = (body: unknown): boolean =>
  JSON.stringify((body as { messages?: unknown }).messages ?? '').includes('You write unit tests');

describe('judge/writtenTests: a cheap model writes tests when the candidates bring none', () => {
  describe('parsing and choosing', () => {
    it('keeps literal asserts of the function, normalised, once each; skips prose, other functions and names', () => {
      assert.deepEqual(parseWrittenAsserts(WRITTEN, 'add'), [
        'assert add(1, 2) == 3',
        'assert add(0, 0) == 0',
        'assert add(-1, 1) == 0',
      ]);
      assert.deepEqual(parseWrittenAsserts("assert add('a', [1, (2,)]) == {'k': None}", 'add'), [
        'assert add("a", [1, (2,)]) == {"k": None}',
      ]);
      assert.equal(
        parseWrittenAsserts(
          Array.from({ length: 30 }, (_, i) => `assert add(${i}, 0) == ${i}`).join('\n'),
          'add',
        ).length,
        10,
        'at most ten',
      );
    });

    it('the writer is the lowest tier, then the cheaper price; its output is bounded', () => {
      const premium: ModelConfig = {
        id: 'big',
        kind: 'openai',
        model: 'gpt-4o',
        enabled: true,
        price: { inputPerMTok: 2.5, outputPerMTok: 10 },
      };
      const cheap: ModelConfig = {
        ...premium,
        id: 'mini',
        price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
      };
      const local: ModelConfig = { id: 'qwen', kind: 'ollama', model: 'qwen', enabled: true };
      assert.equal(pickTestWriter([premium, cheap, local])?.id, 'qwen');
      assert.equal(pickTestWriter([premium, cheap])?.id, 'mini');
      assert.equal(pickTestWriter([]), undefined);
      assert.equal(testWriterConfig(cheap).maxTokens, TEST_WRITING_MAX_TOKENS);
      assert.equal(testWriterConfig({ ...cheap, maxTokens: 100 }).maxTokens, 100);
    });

    it('the pipeline gives the session a writer only when there is a judge', async () => {
      const { config } = parseConfig({
        models: [
          { id: 'big', kind: 'openai', model: 'gpt-4o', price: { inputPerMTok: 2.5, outputPerMTok: 10 } },
          { id: 'qwen', kind: 'ollama', model: 'qwen' },
        ],
      });
      const withJudge = await buildPipeline({
        config,
        models: config.models,
        keyFor: () => 'k',
        sandbox: quietSandbox,
      });
      assert.equal(withJudge.testWriter?.config.id, 'qwen');
      assert.equal(withJudge.testWriter?.config.maxTokens, TEST_WRITING_MAX_TOKENS);
      const without = await buildPipeline({
        config,
        models: config.models,
        keyFor: () => 'k',
        sandbox: null,
      });
      assert.equal(without.testWriter, undefined);
    });
  });

  describe('the request, through the real SDKs against the replay server', () => {
    let server: ReplayServer;
    let answerFor: (prompt: string) => string;
    before(async () => {
      server = await startFastReplay({
        answers: (_model, prompt) => ({
          text: prompt.includes('You write unit tests') ? WRITTEN : answerFor(prompt),
        }),
      });
    });
    beforeEach(() => {
      server.reset();
      answerFor = () => ANSWER;
    });
    after(() => server.close());

    const ask = (models: ModelConfig[], writer: ModelConfig | undefined, instruction = PROMPT) => {
      const judge = keepingJudge();
      const done = startAsk(
        { instruction, intent: 'generate', language: 'python' },
        {
          providers: models.map((m) => createProvider(m, 'k', FAST_RETRY)),
          sandbox: quietSandbox,
          judge,
          testWriter: writer ? createProvider(testWriterConfig(writer), 'k', FAST_RETRY) : undefined,
        },
        () => {},
      ).done;
      return { judge, done };
    };

    it('a local writer (Ollama wire): one request with num_predict bounded; its asserts reach the judge; it costs nothing', async () => {
      const local = modelAt(server, 'ollama', 'demo-qwen', { id: 'qwen' });
      const cloud = modelAt(server, 'openai', 'demo-gpt', { id: 'gpt' });
      const { judge, done } = ask([cloud, local], local);
      const record = await done;
      const writing = server.requests.filter((r) => r.method === 'POST' && isWriting(r.body));
      assert.equal(writing.length, 1, 'one test-writing request');
      assert.equal(writing[0].model, 'demo-qwen');
      assert.equal(
        (writing[0].body as { options?: { num_predict?: number } }).options?.num_predict,
        TEST_WRITING_MAX_TOKENS,
      );
      assert.deepEqual(judge.inputs[0].writtenTests, {
        modelId: 'qwen',
        asserts: ['assert add(1, 2) == 3', 'assert add(0, 0) == 0', 'assert add(-1, 1) == 0'],
      });
      assert.equal(record.testWriting?.modelId, 'qwen');
      assert.equal(record.testWriting?.asserts, 3);
      assert.equal(record.testWriting?.costUsd, 0);
      assert.ok((record.testWriting?.usage?.outputTokens ?? 0) > 0, 'usage from the wire');
      assert.equal(record.testWriting?.error, undefined);
    });

    it('a priced writer (OpenAI wire): max_tokens bounded, and its cost is in the record', async () => {
      const price = { inputPerMTok: 0.15, outputPerMTok: 0.6 };
      const mini = modelAt(server, 'openai', 'demo-mini', { id: 'mini', price });
      const { done } = ask([mini], mini);
      const record = await done;
      const writing = server.requests.find((r) => r.method === 'POST' && isWriting(r.body));
      assert.equal((writing?.body as { max_tokens?: number }).max_tokens, TEST_WRITING_MAX_TOKENS);
      const usage = record.testWriting?.usage;
      assert.ok(usage?.inputTokens && usage.outputTokens);
      const expected = (usage.inputTokens * 0.15 + usage.outputTokens * 0.6) / 1e6;
      assert.ok(Math.abs((record.testWriting?.costUsd ?? 0) - expected) < 1e-12);
      assert.ok(expected > 0);
      const answers = record.candidates.reduce((sum, c) => sum + (c.costUsd ?? 0), 0);
      assert.ok(answers > 0);
      assert.ok(Math.abs((askCostUsd(record) ?? 0) - (answers + expected)) < 1e-12, "in the ask's cost");
      assert.match(renderText(record), /Tests written by mini: 3 assert\(s\) for the judge/);
    });

    it('a failed request only drops the written tests: the judge still decides', async () => {
      const local = modelAt(server, 'ollama', 'demo-broken', { id: 'broken' });
      const cloud = modelAt(server, 'openai', 'demo-gpt', { id: 'gpt' });
      server.setFault('demo-broken', { status: 401 });
      const { judge, done } = ask([cloud], local);
      const record = await done;
      assert.equal(judge.inputs.length, 1);
      assert.equal(judge.inputs[0].writtenTests, undefined);
      assert.equal(record.verdict?.pick, 'gpt');
      assert.equal(record.testWriting?.modelId, 'broken');
      assert.equal(record.testWriting?.asserts, 0);
      assert.ok(record.testWriting?.error, 'the failure is recorded');
    });

    it('no request when a model wrote tests, the user gave an example, or no function is known', async () => {
      const local = modelAt(server, 'ollama', 'demo-qwen', { id: 'qwen' });
      answerFor = () => ANSWER_WITH_TESTS;
      let r = ask([local], local);
      assert.equal((await r.done).testWriting, undefined);
      answerFor = () => ANSWER;
      r = ask([local], local, `${PROMPT}\nadd(2, 2) == 4`);
      assert.equal((await r.done).testWriting, undefined, 'an example from the user');
      answerFor = () => '```python\nprint(5)\n```\n';
      r = ask([local], local, 'Print five.');
      assert.equal((await r.done).testWriting, undefined, 'no def anywhere');
      assert.equal(server.requests.filter((q) => q.method === 'POST' && isWriting(q.body)).length, 0);
    });
  });

  describe('how written asserts weigh', () => {
    const generated: JudgeCase[] = [0, 1].map((i) => ({
      id: `generated.${i + 1}`,
      testId: 'generated',
      code: `add(${i}, 1)`,
      setup: '',
      generated: true,
    }));
    const written: JudgeCase[] = [0, 1].map((i) => ({
      id: `written.${i + 1}`,
      testId: 'written',
      code: `assert add(${i}, 2) == ${i + 2}`,
      setup: '',
      generated: true,
      writtenBy: 'qwen',
    }));
    const example: JudgeCase = {
      id: 'prompt.1',
      testId: 'prompt',
      code: 'assert add(5, 5) == 0',
      setup: '',
      trusted: true,
    };

    /** `right` adds; `wrong` returns a constant: the same probe on both generated inputs. */
    function evidenceOf(cases: JudgeCase[], exampleWinner?: string): JudgeEvidence {
      const behave = (id: string, rightOne: boolean): CaseEvidence => {
        const cells: Record<string, CellResult> = {};
        const probes: Record<string, string[]> = {};
        for (const c of cases) {
          if (c.trusted) cells[c.id] = id === exampleWinner ? 'pass' : 'fail';
          else if (c.writtenBy) cells[c.id] = rightOne ? 'pass' : 'fail';
          else cells[c.id] = 'pass';
          if (!c.trusted) probes[c.id] = [rightOne ? `${c.id}-sum` : '7'];
        }
        return { id, cells, probes };
      };
      const outcome = (id: string, right: boolean): CandidateOutcome => ({
        id,
        outcome: 'ok',
        stdout: '',
        stderrBytes: 0,
        detail: '',
        evidence: behave(id, right),
      });
      return {
        cases,
        outcomes: [outcome('w1', false), outcome('w2', false), outcome('r', true)],
        sandboxMs: 0,
        hostMs: 0,
      };
    }
    const input = { candidates: ['w1', 'w2', 'r'].map((id) => ({ id, model: id, code: '' })) };

    it('without written asserts the larger class wins; with them the class that passes them', () => {
      assert.equal(decideVerdict(evidenceOf(generated), input).pick, 'w1');
      const verdict = decideVerdict(evidenceOf([...generated, ...written]), input);
      assert.equal(verdict.pick, 'r');
      assert.ok(
        verdict.reasons.some((r) => /2 tests written by qwen .*r passes 2 of them/.test(r)),
        verdict.reasons.join('\n'),
      );
      const j = judgeByBehaviour(
        evidenceOf([...generated, ...written]).outcomes.map((o) => o.evidence),
        new Set(['w1', 'w2', 'r']),
        [...generated, ...written],
      );
      assert.equal(j?.writtenTotal, 2);
      assert.deepEqual(
        j?.classes.map((c) => [c.members, c.writtenPassed]),
        [
          [['r'], 2],
          [['w1', 'w2'], 0],
        ],
      );
    });

    it("never above the user's example: a candidate passing it wins over the written asserts", () => {
      const cases = [example, ...generated, ...written];
      assert.equal(decideVerdict(evidenceOf(cases, 'w2'), input).pick, 'w2');
    });

    it('the judge puts written asserts after the generated inputs, and only when no model wrote a test', () => {
      const base = {
        prompt: PROMPT,
        language: 'python' as const,
        candidates: [{ id: 'a', model: 'a', code: 'def add(a: int, b: int) -> int:\n    return a + b\n' }],
        writtenTests: { modelId: 'qwen', asserts: ['assert add(1, 2) == 3'] },
      };
      const cases = judgeCases({ ...base, tests: [] });
      const last = cases[cases.length - 1];
      assert.deepEqual([last.code, last.writtenBy, last.generated], ['assert add(1, 2) == 3', 'qwen', true]);
      assert.ok(cases.slice(0, -1).every((c) => c.generated && !c.writtenBy));
      const withTests = judgeCases({
        ...base,
        tests: [{ id: 't', model: 'a', code: 'assert add(1, 1) == 2' }],
      });
      assert.ok(withTests.every((c) => !c.writtenBy));
    });
  });
});
