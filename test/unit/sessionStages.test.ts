import assert from 'node:assert/strict';
import { createProvider } from '../../src/core/providers/registry';
import { startAsk } from '../../src/core/session';
import { SandboxError } from '../../src/core/types';
import type { Judge, ModelConfig, RunRequest, RunResult, Sandbox, SessionEvent } from '../../src/core/types';
import type { ReplayServer } from '../../src/demo/replayServer';
import { FAST_RETRY, modelAt, startFastReplay } from '../fakes/replayHarness';
import { runResult } from '../fakes/runResult';

const PROMPT = 'Write a Python function `primes_up_to(n)` and print primes_up_to(50).';

/** A sandbox that runs nothing: it answers each run after `delayMs`, in the image the request names. */
function recordingSandbox(delayMs = 5): Sandbox & { runs: RunRequest[] } {
  const runs: RunRequest[] = [];
  return {
    runs,
    imageFor: (language) => `configured/${language}`,
    check: async () => {},
    dispose: async () => {},
    run: (request) => {
      runs.push(request);
      return new Promise<RunResult>((resolve, reject) => {
        const timer = setTimeout(
          () => resolve(runResult({ language: request.language, image: `ran-in/${request.language}` })),
          delayMs,
        );
        request.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new SandboxError('cancelled', 'Cancelled', 'Run again.'));
        });
      });
    },
  };
}

describe('session stages: one ask, tagged, recorded from what happened', () => {
  let server: ReplayServer;
  let models: ModelConfig[];
  before(async () => {
    server = await startFastReplay();
    models = [
      modelAt(server, 'openai', 'demo-gpt-4o-mini', { id: 'a' }),
      modelAt(server, 'ollama', 'demo-qwen2.5-coder', { id: 'b' }),
    ];
  });
  afterEach(() => server.reset());
  after(() => server.close());

  const providers = () => models.map((m) => createProvider(m, 'k', FAST_RETRY));

  it('stamps every event with the ask id the caller allocated', async () => {
    const events: SessionEvent[] = [];
    const sandbox = recordingSandbox();
    const handle = startAsk(
      { instruction: PROMPT, intent: 'generate', language: 'python' },
      { providers: providers(), sandbox },
      (e) => events.push(e),
      { askId: 'ask-from-click' },
    );
    assert.equal(handle.askId, 'ask-from-click');
    await handle.done;
    assert.ok(events.length > 10);
    assert.deepEqual([...new Set(events.map((e) => e.askId))], ['ask-from-click']);
  });

  it('records the images the candidates really ran in, and when each step happened', async () => {
    const sandbox = recordingSandbox(20);
    const record = await startAsk(
      { instruction: PROMPT, intent: 'generate', language: 'python' },
      { providers: providers(), sandbox },
      () => {},
    ).done;
    assert.deepEqual(record.images, { python: 'ran-in/python' }, 'not the configured image name');
    const t = record.timeline;
    assert.ok(t?.lastAnswerMs !== undefined && t.lastRunMs !== undefined);
    assert.ok(t.lastRunMs >= t.lastAnswerMs, 'the last run ends after the last answer');
    for (const c of record.candidates) {
      assert.ok(c.answeredMs !== undefined && c.runStartedMs !== undefined && c.runEndedMs !== undefined);
      assert.ok(c.answeredMs <= c.runStartedMs && c.runStartedMs <= c.runEndedMs, `${c.id} in order`);
      assert.ok(c.runEndedMs - c.runStartedMs >= 15, `${c.id}: the run's own time is inside its window`);
    }
  });

  it('shows a judge failure as an event and in the record, not only in the log', async () => {
    const failing: Judge = {
      judge: () => Promise.reject(new SandboxError('not-running', 'Docker went away.', 'Start Docker.')),
    };
    const events: SessionEvent[] = [];
    const record = await startAsk(
      { instruction: PROMPT, intent: 'generate', language: 'python' },
      { providers: providers(), sandbox: recordingSandbox(), judge: failing },
      (e) => events.push(e),
    ).done;
    const failed = events.find((e) => e.type === 'judge-failed');
    assert.ok(failed && failed.type === 'judge-failed');
    assert.match(failed.error.message, /Docker went away/);
    assert.equal(failed.error.advice, 'Start Docker.');
    assert.deepEqual(record.judgeError, failed.error);
    assert.equal(record.verdict, undefined);
  });

  it('re-runs a candidate as part of its ask: same id, kept in the record, announced', async () => {
    const sandbox = recordingSandbox();
    const events: SessionEvent[] = [];
    const handle = startAsk(
      { instruction: PROMPT, intent: 'generate', language: 'python' },
      { providers: providers(), sandbox },
      (e) => events.push(e),
    );
    await handle.done;
    const before = events.length;
    const record = await handle.rerun('b');
    const later = events.slice(before);
    assert.deepEqual(
      later.map((e) => e.type),
      ['run-started', 'run-done', 'record-updated'],
    );
    assert.ok(later.every((e) => e.askId === handle.askId));
    assert.equal(later[0]?.type === 'run-started' && later[0].rerun, true);
    assert.equal(record.reruns?.length, 1);
    assert.equal(record.reruns?.[0]?.candidateId, 'b');
    assert.equal(record.reruns?.[0]?.run?.image, 'ran-in/python');
    assert.equal(sandbox.runs.length, 3, 'two runs of the ask, one re-run');
  });

  it('cancel stops a re-run in flight, and the record says it failed as cancelled', async () => {
    const fast = recordingSandbox(5);
    const slow = recordingSandbox(60_000);
    let runs = 0;
    const sandbox: Sandbox = { ...fast, run: (r) => (++runs <= 2 ? fast.run(r) : slow.run(r)) };
    const handle = startAsk(
      { instruction: PROMPT, intent: 'generate', language: 'python' },
      { providers: providers(), sandbox },
      () => {},
    );
    await handle.done;
    const rerun = handle.rerun('a');
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    handle.cancel();
    const record = await rerun;
    assert.ok(Date.now() - started < 1_000, 'the re-run settles at once');
    assert.equal(record.reruns?.[0]?.error?.reason, 'cancelled');
  });
});
