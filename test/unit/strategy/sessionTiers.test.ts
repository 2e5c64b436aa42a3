/**
 * The session's rounds under the cascade and budget strategies: real providers (their SDKs against
 * the loopback replay server), a sandbox that runs nothing, and a judge whose confidence depends
 * on which candidates it is shown, so the stop rule decides what happens.
 */
import assert from 'node:assert/strict';
import { createProvider } from '../../../src/core/providers/registry';
import type { IncrementalJudge } from '../../../src/core/judge/incremental';
import { startAsk } from '../../../src/core/session';
import type { StrategySettings } from '../../../src/core/strategy/plan';
import type {
  Judge,
  JudgeInput,
  ModelConfig,
  RunResult,
  Sandbox,
  SessionEvent,
  Verdict,
} from '../../../src/core/types';
import type { ReplayServer } from '../../../src/demo/replayServer';
import { FAST_RETRY, chatRequests, modelAt, startFastReplay } from '../../fakes/replayHarness';
import { runResult } from '../../fakes/runResult';

const PROMPT =
  'Write a Python function `primes_up_to(n)` that returns the list of primes <= n, and print primes_up_to(50).';

const sandbox: Sandbox = {
  imageFor: (language) => `img/${language}`,
  check: async () => {},
  dispose: async () => {},
  run: (request): Promise<RunResult> => Promise.resolve(runResult({ language: request.language })),
};

/** Confident only when a candidate of `trusted` is among those judged; records what it saw. */
function judgeTrusting(trusted: readonly string[]): Judge & { seen: string[][] } {
  const seen: string[][] = [];
  return {
    seen,
    judge: (input: JudgeInput): Promise<Verdict> => {
      const ids = input.candidates.map((c) => c.id);
      seen.push(ids);
      const good = ids.find((id) => trusted.includes(id));
      return Promise.resolve({
        pick: good ?? ids[0] ?? null,
        strategy: 'cross-test',
        confidence: good ? 0.95 : 0.4,
        ranking: [],
        reasons: [],
        unverified: false,
      });
    },
  };
}

describe('session: ask strategies run in rounds', () => {
  let server: ReplayServer;
  let models: ModelConfig[];
  before(async () => {
    server = await startFastReplay();
    models = [
      // Listed premium first: the cascade's order comes from the tiers, not the list.
      modelAt(server, 'openai', 'demo-gpt-4o-mini', {
        id: 'premium',
        price: { inputPerMTok: 2.5, outputPerMTok: 10 },
      }),
      modelAt(server, 'ollama', 'demo-qwen2.5-coder', { id: 'local' }),
      modelAt(server, 'groq', 'demo-llama-3.3-70b', {
        id: 'cheap',
        price: { inputPerMTok: 0.59, outputPerMTok: 0.79 },
      }),
    ];
  });
  afterEach(() => server.reset());
  after(() => server.close());

  function ask(strategy: StrategySettings | undefined, judge: Judge, withSandbox = true) {
    const events: SessionEvent[] = [];
    const providers = models.map((m) => createProvider(m, 'test-key', FAST_RETRY));
    const handle = startAsk(
      { instruction: PROMPT, intent: 'generate', language: 'python' },
      { providers, sandbox: withSandbox ? sandbox : undefined, judge, strategy },
      (e) => events.push(e),
    );
    return { handle, events };
  }

  const asked = (): string[] =>
    chatRequests(server)
      .map((r) => JSON.stringify(r.body))
      .map((b) => (/demo-gpt-4o-mini/.test(b) ? 'premium' : /qwen/.test(b) ? 'local' : 'cheap'))
      .sort();

  it('cascade: a confident verdict from tier 1 ends the ask; the record says what was saved', async () => {
    const judge = judgeTrusting(['local']);
    const { handle, events } = ask({ strategy: 'cascade', threshold: 0.9 }, judge);
    const record = await handle.done;
    assert.deepEqual(asked(), ['local'], 'only the local model was asked');
    const tiers = events.filter((e) => e.type === 'tier-started' || e.type === 'tier-done');
    assert.deepEqual(
      tiers.map((e) => [e.type, e.tier]),
      [
        ['tier-started', 1],
        ['tier-done', 1],
      ],
    );
    const done = tiers[1];
    assert.ok(done?.type === 'tier-done');
    assert.equal(done.stopped, true);
    assert.match(done.why, /verified with confidence 0.95/);
    assert.deepEqual(
      done.skipped.map((s) => [s.modelId, s.tier]),
      [
        ['cheap', 2],
        ['premium', 3],
      ],
    );
    assert.ok((done.savedUsd ?? 0) > 0, 'the skipped priced models are counted as saved');
    assert.equal(
      events.filter((e) => e.type === 'verdict').length,
      1,
      'one verdict, after the stopping tier',
    );
    assert.ok(events.every((e) => e.askId === handle.askId));
    assert.equal(record.strategy?.strategy, 'cascade');
    assert.equal(record.strategy?.answeredTier, 1);
    assert.equal(record.strategy?.tierCount, 3);
    assert.equal(record.strategy?.pickTier, 1);
    assert.equal(record.strategy?.savedUsd, done.savedUsd);
    assert.deepEqual(
      record.candidates.map((c) => c.id),
      ['local'],
    );
  });

  it('cascade: an unsure verdict asks the next tier and judges it with every earlier candidate', async () => {
    const judge = judgeTrusting(['cheap']);
    const { handle, events } = ask({ strategy: 'cascade', threshold: 0.9 }, judge);
    const record = await handle.done;
    assert.deepEqual(asked(), ['cheap', 'local']);
    assert.deepEqual(judge.seen, [['local'], ['local', 'cheap']], 'tier 2 is judged beside tier 1');
    const dones = events.filter((e) => e.type === 'tier-done');
    assert.deepEqual(
      dones.map((e) => e.type === 'tier-done' && [e.tier, e.stopped, e.pick]),
      [
        [1, false, 'local'],
        [2, true, 'cheap'],
      ],
    );
    const first = dones[0];
    assert.ok(first?.type === 'tier-done');
    assert.match(first.why, /confidence 0.40 < 0.9: asking the next tier/);
    const verdicts = events.filter((e) => e.type === 'verdict');
    assert.equal(verdicts.length, 1);
    assert.ok(verdicts[0]?.type === 'verdict' && verdicts[0].verdict.pick === 'cheap');
    // The verdict of tier 1 is not announced: its tier-done comes before tier 2 starts.
    const order = events.map((e) => e.type).filter((t) => t.startsWith('tier') || t === 'verdict');
    assert.deepEqual(order, ['tier-started', 'tier-done', 'tier-started', 'tier-done', 'verdict']);
    assert.equal(record.strategy?.answeredTier, 2);
    assert.deepEqual(
      record.strategy?.skipped.map((s) => s.modelId),
      ['premium'],
    );
    assert.deepEqual(
      record.strategy?.tiers.map((t) => t.modelIds),
      [['local'], ['cheap']],
    );
  });

  it('cascade: nothing confident asks every tier, and the last one ends it', async () => {
    const judge = judgeTrusting([]);
    const { handle } = ask({ strategy: 'cascade', threshold: 0.9 }, judge);
    const record = await handle.done;
    assert.deepEqual(asked(), ['cheap', 'local', 'premium']);
    assert.equal(record.strategy?.answeredTier, 3);
    assert.match(record.strategy?.tiers.at(-1)?.why ?? '', /no tier left/);
    assert.equal(record.strategy?.savedUsd, undefined, 'nothing was skipped');
  });

  it('cascade with an incremental judge: each tier begins a judgment holding every earlier candidate', async () => {
    const batch = judgeTrusting(['cheap']);
    const added: string[][] = [];
    const judge: Judge & Partial<IncrementalJudge> = {
      judge: (input) => batch.judge(input),
      begin: () => {
        const ids: string[] = [];
        added.push(ids);
        return {
          addCandidate: (c) => void ids.push(c.id),
          addTests: () => {},
          finish: (final) =>
            batch.judge({ prompt: PROMPT, language: 'python', tests: [], candidates: final ?? [] }),
          evidence: () => Promise.reject(new Error('not used')),
        };
      },
    };
    const { handle } = ask({ strategy: 'cascade', threshold: 0.9 }, judge);
    const record = await handle.done;
    assert.deepEqual(added, [['local'], ['local', 'cheap']]);
    assert.equal(record.verdict?.pick, 'cheap');
    assert.equal(record.strategy?.answeredTier, 2);
  });

  it('cascade without a sandbox asks every tier at once and says why', async () => {
    const { handle, events } = ask({ strategy: 'cascade' }, judgeTrusting(['local']), false);
    const record = await handle.done;
    assert.deepEqual(asked(), ['cheap', 'local', 'premium']);
    assert.equal(events.filter((e) => e.type === 'tier-started').length, 1);
    assert.match(record.strategy?.note ?? '', /no sandbox/);
  });

  it('budget: asks only the models whose estimate fits', async () => {
    // The local model costs 0, the cheap one well under a cent, the premium one about $0.006.
    const { handle, events } = ask({ strategy: 'budget', budgetUsd: 0.002 }, judgeTrusting([]));
    const record = await handle.done;
    assert.deepEqual(asked(), ['cheap', 'local']);
    const done = events.find((e) => e.type === 'tier-done');
    assert.ok(done?.type === 'tier-done' && done.tier === undefined && done.stopped);
    assert.deepEqual(
      record.strategy?.skipped.map((s) => [s.modelId, s.why]),
      [['premium', 'over the budget']],
    );
    assert.ok((record.strategy?.savedUsd ?? 0) > 0.002);
    assert.equal(record.strategy?.budgetUsd, 0.002);
  });

  it('budget: when nothing fits, nobody is asked and the record says what would fit', async () => {
    const { handle, events } = ask({ strategy: 'budget', budgetUsd: 1e-9 }, judgeTrusting([]));
    // A local model costs 0, so it fits any budget; without it nothing does.
    await handle.done;
    assert.deepEqual(asked(), ['local'], 'a local model always fits');
    server.reset();
    const providers = models
      .filter((m) => m.id !== 'local')
      .map((m) => createProvider(m, 'test-key', FAST_RETRY));
    const none = await startAsk(
      { instruction: PROMPT, intent: 'generate', language: 'python' },
      { providers, sandbox, judge: judgeTrusting([]), strategy: { strategy: 'budget', budgetUsd: 1e-9 } },
      () => {},
    ).done;
    assert.deepEqual(asked(), []);
    assert.equal(none.candidates.length, 0);
    assert.deepEqual(
      none.strategy?.skipped.map((s) => s.modelId),
      ['cheap', 'premium'],
    );
    assert.match(
      none.strategy?.note ?? '',
      /No model fits the budget: the cheapest, cheap, is estimated at \$/,
    );
    assert.equal(events.filter((e) => e.type === 'verdict').length, 1);
  });

  it('all (and no strategy) asks every model at once, with no tier events and no strategy record', async () => {
    for (const strategy of [undefined, { strategy: 'all' } as const]) {
      const { handle, events } = ask(strategy, judgeTrusting([]));
      const record = await handle.done;
      assert.equal(record.candidates.length, 3);
      assert.equal(events.filter((e) => e.type.startsWith('tier')).length, 0);
      assert.equal(events.filter((e) => e.type === 'verdict').length, 1);
      assert.equal(record.strategy, undefined);
      server.reset();
    }
  });
});
