import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gatherEvidence } from '../../src/core/judge/evidence';
import type { JudgeEvidence } from '../../src/core/judge/evidence';
import { createIncrementalJudge } from '../../src/core/judge/incremental';
import { decideVerdict } from '../../src/core/judge/strategies';
import { createJudge } from '../../src/core/judge/verdict';
import type { DockerSandbox } from '../../src/core/sandbox/docker';
import { createDockerSandbox } from '../../src/core/sandbox/docker';
import type { JudgeInput, RunRequest, Sandbox } from '../../src/core/types';
import { JudgeError } from '../../src/core/types';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'judge', 'judge-humaneval-dev-examples.jsonl');

/** The dev problems as the judge sees them (the reference test is dropped here). */
function devProblems(): (JudgeInput & { task: string })[] {
  return readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const p = JSON.parse(l) as JudgeInput & { task_id: string };
      return {
        task: p.task_id,
        prompt: p.prompt,
        language: p.language,
        candidates: p.candidates,
        tests: p.tests,
      };
    });
}

/**
 * Which dev problems to compare: all 82 (about 2 minutes here), or with QUORUM_JUDGE_QUICK=1 every
 * fourth one (21 problems, both halves of the split).
 */
const problems = devProblems().filter((_, i) => process.env.QUORUM_JUDGE_QUICK !== '1' || i % 4 === 1);

const CASE_ID = /\\?"id\\?":\\?"((?:examples|t\d+)\.\d+)\\?"/g;

/** The real sandbox, observed: each run's case ids, from its harness payload and then from its feed. */
function observed(sandbox: Sandbox): {
  sandbox: Sandbox;
  runs: { at: number; cases: string[]; fed: string[] }[];
  idle: () => Promise<void>;
} {
  const runs: { at: number; cases: string[]; fed: string[] }[] = [];
  let busy = 0;
  return {
    runs,
    sandbox: {
      ...sandbox,
      async run(request: RunRequest) {
        const seen = { at: performance.now(), cases: idsIn(request.code), fed: [] as string[] };
        runs.push(seen);
        const feed = request.feed;
        busy++;
        try {
          return await sandbox.run({
            ...request,
            feed: feed && {
              open(port) {
                busy--;
                feed.open({
                  send: (text) => {
                    seen.fed.push(...idsIn(text));
                    port.send(text);
                  },
                  expire: () => port.expire(),
                });
              },
              stdout: (chunk) => feed.stdout?.(chunk),
            },
          });
        } finally {
          if (!feed) busy--;
        }
      },
    },
    /** Resolves once no run has been starting or running (open harnesses wait) for 300 ms. */
    async idle() {
      for (let quiet = 0; quiet < 3;) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        quiet = busy === 0 ? quiet + 1 : 0;
      }
    },
  };
}

function idsIn(text: string): string[] {
  return [...text.matchAll(CASE_ID)].map((m) => m[1]);
}

/** Everything a verdict is decided from, in a comparable shape. */
function comparable(e: JudgeEvidence): unknown {
  return {
    cases: e.cases.map((c) => [c.id, c.code, c.trusted ?? false]),
    matrix: e.matrix,
    outcomes: e.outcomes.map((o) => [o.id, o.outcome, o.stdout, o.evidence.cells, o.evidence.probes]),
  };
}

/** Both judges on one problem, answers arriving one by one; the first difference, if any. */
async function compareJudges(sandbox: Sandbox, problem: JudgeInput): Promise<string | undefined> {
  const batch = await gatherEvidence(problem, { sandbox, concurrency: 2 });
  const judgement = createIncrementalJudge({ sandbox }).begin(problem);
  // Each answer brings its code and its test block, a little apart, as models finish.
  for (let i = 0; i < problem.candidates.length; i++) {
    judgement.addCandidate(problem.candidates[i]);
    if (problem.tests[i]) judgement.addTests(problem.tests[i]);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  for (const extra of problem.tests.slice(problem.candidates.length)) judgement.addTests(extra);
  const incremental = await judgement.evidence();
  try {
    assert.deepEqual(comparable(incremental), comparable(batch));
    assert.deepEqual(decideVerdict(incremental, problem), decideVerdict(batch, problem));
    return undefined;
  } catch (error) {
    return (error as Error).message.slice(0, 1500);
  }
}

describe('incremental judge against the batch judge (real sandbox, dev benchmark set)', function () {
  let sandbox: DockerSandbox;
  before(async () => {
    sandbox = createDockerSandbox({ images: OFFLINE_IMAGES, poolSize: 2, pull: false });
    await sandbox.check();
  });
  after(() => sandbox.dispose());

  it(`gives the same matrix, probes and verdict on ${problems.length} dev problems, answers arriving one by one`, async function () {
    this.timeout(problems.length * 30_000);
    const differences: string[] = [];
    const raced: string[] = [];
    for (const problem of problems) {
      // A candidate that fills memory inside a case races the case's alarm against the memory
      // limit: the same judge gives a timeout cell one time and a dead harness the next. A
      // difference must therefore hold on a second comparison to count; a race rarely repeats.
      let difference = await compareJudges(sandbox, problem);
      if (difference) {
        raced.push(problem.task);
        difference = await compareJudges(sandbox, problem);
      }
      if (difference) differences.push(`${problem.task}: ${difference}`);
    }
    if (raced.length > 0) console.log(`      (compared twice, the first differed: ${raced.join(', ')})`);
    assert.deepEqual(differences, []);
  });

  it('at the last answer only its own row starts a container; the earlier harnesses are fed the new cases', async () => {
    const problem = problems.find((p) => p.candidates.length === 5 && p.tests.length >= 5) ?? problems[0];
    const watch = observed(sandbox);
    const judgement = createIncrementalJudge({ sandbox: watch.sandbox }).begin(problem);
    const n = problem.candidates.length;
    for (let i = 0; i < n - 1; i++) {
      judgement.addCandidate(problem.candidates[i]);
      judgement.addTests(problem.tests[i]);
    }
    for (const t of problem.tests.slice(n)) judgement.addTests(t);
    // Let the first answers' work start while "the last model is still answering".
    await watch.idle();
    const last = performance.now();
    const fedBefore = watch.runs.map((r) => r.fed.length);
    judgement.addTests(problem.tests[n - 1]);
    judgement.addCandidate(problem.candidates[n - 1]);
    const verdict = await judgement.finish();
    const started = watch.runs.filter((r) => r.at >= last);
    const block = (id: string): boolean => id.startsWith(`${problem.tests[n - 1].id}.`);
    const total = verdict.matrix?.cases.length ?? 0;
    // One container per candidate, ever: the new one's with every case in its payload...
    assert.equal(watch.runs.length, n);
    assert.equal(started.length, 1);
    assert.equal(started[0].cases.length, total);
    // ... and each earlier one took only the new block's cases, on its feed.
    const fedAfter = watch.runs.slice(0, n - 1).map((r, i) => r.fed.slice(fedBefore[i]));
    const newCases = fedAfter[0];
    assert.ok(newCases.length > 0 && newCases.every(block), `fed ${newCases.join(', ')}`);
    for (const fed of fedAfter) assert.deepEqual(fed, newCases);
    assert.equal(verdict.strategy, 'cross-test');
  });

  it('a sandbox without live runs, and a language without a harness, get the batch judge at finish', async () => {
    const problem = problems[1];
    const plain: Sandbox = {
      run: (request) => sandbox.run(request),
      check: () => sandbox.check(),
      imageFor: (language) => sandbox.imageFor(language),
      dispose: () => Promise.resolve(),
    };
    const judgement = createIncrementalJudge({ sandbox: plain }).begin(problem);
    for (const c of problem.candidates) judgement.addCandidate(c);
    for (const t of problem.tests) judgement.addTests(t);
    assert.deepEqual(
      comparable(await judgement.evidence()),
      comparable(await gatherEvidence(problem, { sandbox })),
    );

    const bash: JudgeInput = {
      prompt: 'print the sum of 2 and 3',
      language: 'bash',
      candidates: [
        { id: 'a', model: 'm', code: 'echo $((2 + 3))' },
        { id: 'b', model: 'm', code: 'echo 23' },
        { id: 'c', model: 'm', code: 'expr 2 + 3' },
      ],
      tests: [{ id: 't1', model: 'm', code: '[ "$(main)" = 5 ]' }],
    };
    const one = createIncrementalJudge({ sandbox }).begin(bash);
    for (const c of bash.candidates) one.addCandidate(c);
    one.addTests(bash.tests[0]);
    const incremental = await one.finish();
    assert.equal(incremental.strategy, 'consensus');
    assert.deepEqual(incremental, await createJudge({ sandbox }).judge(bash));
  });

  it('a candidate that blocks the harness alarm is stopped by the judge deadline; its cells time out, the others pass', async function () {
    this.timeout(60_000);
    const problem: JudgeInput = {
      prompt: 'add',
      language: 'python',
      candidates: [
        { id: 'good', model: 'm', code: 'def add(a, b):\n    return a + b\n' },
        {
          id: 'stuck',
          model: 'm',
          code: [
            'import signal',
            'def add(a, b):',
            '    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])',
            '    while True:',
            '        pass',
          ].join('\n'),
        },
      ],
      tests: [{ id: 't1', model: 'm', code: 'assert add(1, 2) == 3\nassert add(2, 2) == 4\n' }],
    };
    const judgement = createIncrementalJudge({ sandbox, caseBudgetMs: 200 }).begin(problem);
    for (const c of problem.candidates) judgement.addCandidate(c);
    const started = performance.now();
    judgement.addTests(problem.tests[0]);
    const evidence = await judgement.evidence();
    const cells = evidence.matrix?.cells ?? {};
    assert.ok(
      Object.values(cells.good).every((r) => r === 'pass'),
      JSON.stringify(cells.good),
    );
    assert.ok(
      Object.values(cells.stuck).every((r) => r === 'timeout'),
      JSON.stringify(cells.stuck),
    );
    // Its deadline: the cases and their probes at 0.2 s each, plus 3 s; not the container's 10 minutes.
    assert.ok(performance.now() - started < 15_000, `${performance.now() - started} ms`);
  });

  it('cancellation rejects finish with a cancelled JudgeError and leaves no container running', async () => {
    const problem = problems[0];
    const controller = new AbortController();
    const judgement = createIncrementalJudge({ sandbox }).begin({ ...problem, signal: controller.signal });
    for (const c of problem.candidates) judgement.addCandidate(c);
    for (const t of problem.tests) judgement.addTests(t);
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(
      judgement.finish(),
      (error: unknown) => JudgeError.is(error) && error.reason === 'cancelled',
    );
    await sandbox.settle();
  });

  it('an engine that is gone is a JudgeError with the sandbox advice, from both judges', async () => {
    const gone = createDockerSandbox({
      images: OFFLINE_IMAGES,
      dockerHost: 'unix:///nonexistent/docker.sock',
      pull: false,
    });
    try {
      const problem = problems[0];
      await assert.rejects(createJudge({ sandbox: gone }).judge(problem), (error: unknown) => {
        return JudgeError.is(error) && error.reason === 'sandbox' && error.advice.length > 0;
      });
      const judgement = createIncrementalJudge({ sandbox: gone }).begin(problem);
      judgement.addCandidate(problem.candidates[0]);
      judgement.addTests(problem.tests[0]);
      await assert.rejects(
        judgement.finish(),
        (error: unknown) => JudgeError.is(error) && error.reason === 'sandbox',
      );
    } finally {
      await gone.dispose();
    }
  });
});
