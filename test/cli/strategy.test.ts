/**
 * `quorum ask --strategy`: the cascade asks the local tier first and says which tier answered and
 * what it did not spend; the budget asks what fits; bad values are usage errors naming the flag.
 * Real SDKs against the loopback replay server, the real Docker sandbox and judge.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMessages } from '../../src/core/prompt';
import { RECORDS_FILE, RecordStore } from '../../src/core/records/recordStore';
import { estimateTokens } from '../../src/core/spend';
import { estimateAskUsd } from '../../src/core/strategy/plan';
import type { ModelConfig } from '../../src/core/types';
import { DEFAULT_LIMITS } from '../../src/core/types';
import type { RunRecord } from '../../src/core/types';
import type { ReplayServer } from '../../src/demo/replayServer';
import { startFastReplay } from '../fakes/replayHarness';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';
import { dirWithConfig, runCli } from './cliHarness';

/** Tier 1: the Ollama model; tier 2: gpt at a cheap price; tier 3: r1 at a premium one. */
function config(server: ReplayServer, extra: object = {}) {
  return {
    models: [
      {
        id: 'r1',
        kind: 'openai-compatible',
        model: 'demo-deepseek-r1',
        baseUrl: `${server.url}/v1`,
        price: { inputPerMTok: 3, outputPerMTok: 15 },
      },
      {
        id: 'gpt',
        kind: 'openai',
        model: 'demo-gpt-4o-mini',
        baseUrl: `${server.url}/v1`,
        price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
      },
      { id: 'qwen', kind: 'ollama', model: 'demo-qwen2.5-coder', baseUrl: server.url },
    ],
    sandbox: { images: OFFLINE_IMAGES, poolSize: 1 },
    ...extra,
  };
}

const ENV = { QUORUM_GPT_API_KEY: 'sk-test', QUORUM_RECORDS: 'off' };
const PROMPT = 'Write a Python function primes_up_to(n) that returns the primes <= n';

describe('cli: quorum ask --strategy', () => {
  let server: ReplayServer;
  before(async () => {
    server = await startFastReplay();
  });
  beforeEach(() => server.reset());
  after(() => server.close());

  const asked = (): string[] =>
    server.requests
      .filter((r) => r.method === 'POST')
      .map((r) => (r.body as { model?: string }).model ?? '')
      .sort();

  it('--strategy cascade: tier 1 answers when its verdict is verified and confident enough', async () => {
    const cwd = dirWithConfig(config(server));
    const { code, stdout } = await runCli(['ask', PROMPT, '--strategy', 'cascade', '--threshold', '0'], {
      cwd,
      env: ENV,
    });
    assert.equal(code, 0, stdout);
    assert.deepEqual(asked(), ['demo-qwen2.5-coder'], 'only the local model was asked');
    assert.match(stdout, /● qwen \(/);
    assert.doesNotMatch(stdout, /● (gpt|r1) \(/);
    assert.match(stdout, /Verdict: qwen \(/);
    assert.match(
      stdout,
      /Strategy: cascade: tier 1 of 3 answered \(verified with confidence \d\.\d\d ≥ 0\); not asked: gpt, r1 — about \$\S+ saved/,
    );
  });

  it('--strategy cascade --json: an unsure verdict asks the next tiers, every candidate judged together', async () => {
    const cwd = dirWithConfig(config(server));
    const { code, stdout } = await runCli(
      ['ask', PROMPT, '--strategy', 'cascade', '--threshold', '1', '--json'],
      { cwd, env: ENV },
    );
    assert.equal(code, 0, stdout);
    const record = JSON.parse(stdout) as RunRecord;
    const s = record.strategy;
    assert.ok(s, 'the record has the strategy');
    assert.equal(s.strategy, 'cascade');
    assert.deepEqual(
      s.tiers.map((t) => [t.tier, t.modelIds]),
      [
        [1, ['qwen']],
        [2, ['gpt']],
        [3, ['r1']],
      ],
    );
    assert.equal(s.answeredTier, 3);
    assert.deepEqual(s.skipped, []);
    assert.equal(record.candidates.length, 3);
    assert.equal(record.verdict?.ranking.length, 3, 'the last verdict weighs all three tiers');
  });

  it('--budget-usd: only the models whose estimate fits are asked', async () => {
    const cwd = dirWithConfig(config(server));
    const { code, stdout } = await runCli(['ask', PROMPT, '--budget-usd', '0.002', '--json'], {
      cwd,
      env: ENV,
    });
    assert.equal(code, 0, stdout);
    const record = JSON.parse(stdout) as RunRecord;
    assert.deepEqual(asked(), ['demo-gpt-4o-mini', 'demo-qwen2.5-coder']);
    assert.equal(record.strategy?.strategy, 'budget');
    assert.deepEqual(
      record.strategy?.skipped.map((m) => [m.modelId, m.why]),
      [['r1', 'over the budget']],
    );
  });

  it('--budget-usd follows the model records (wins per dollar) when the user has some, else the price', async () => {
    const cfg = config(server);
    const byId = (id: string): ModelConfig =>
      ({ enabled: true, ...cfg.models.find((m) => m.id === id) }) as ModelConfig;
    const messages = buildMessages({ instruction: PROMPT, intent: 'generate', language: 'python' }, 'python');
    const tokens = messages.reduce((sum, m) => sum + 3 + estimateTokens(m.content), 3);
    const r1 = estimateAskUsd(byId('r1'), tokens) ?? 0;
    const gpt = estimateAskUsd(byId('gpt'), tokens) ?? 0;
    // Room for r1 or gpt, not both: the price alone picks gpt, the record picks r1.
    const budget = String(r1 + gpt / 2);
    const cwd = dirWithConfig(cfg);
    const byPrice = JSON.parse(
      (await runCli(['ask', PROMPT, '--budget-usd', budget, '--json'], { cwd, env: ENV })).stdout,
    ) as RunRecord;
    assert.deepEqual(byPrice.candidates.map((c) => c.id).sort(), ['gpt', 'qwen']);

    const data = mkdtempSync(join(tmpdir(), 'quorum-records-'));
    try {
      const store = new RecordStore(join(data, RECORDS_FILE));
      for (let i = 0; i < 4; i++) {
        await store.addRecord({
          version: 1,
          askId: `past-${i}`,
          startedAt: new Date(Date.UTC(2026, 11, 1, i)).toISOString(),
          request: { instruction: 'past', intent: 'generate', language: 'python' },
          systemPrompt: '',
          limits: DEFAULT_LIMITS,
          images: {},
          candidates: ['r1', 'gpt'].map((id) => ({
            id,
            model: byId(id),
            status: 'done' as const,
            answer: '',
            costUsd: id === 'r1' ? 0.01 : 0.0005,
          })),
          verdict: {
            pick: 'r1',
            strategy: 'cross-test',
            confidence: 0.9,
            ranking: [],
            reasons: [],
            unverified: false,
          },
        });
      }
      server.reset();
      const byRecord = JSON.parse(
        (
          await runCli(['ask', PROMPT, '--budget-usd', budget, '--json'], {
            cwd,
            env: { QUORUM_GPT_API_KEY: 'sk-test', QUORUM_DATA_DIR: data },
          })
        ).stdout,
      ) as RunRecord;
      assert.deepEqual(byRecord.candidates.map((c) => c.id).sort(), ['qwen', 'r1']);
      assert.deepEqual(
        byRecord.strategy?.skipped.map((m) => [m.modelId, m.why]),
        [['gpt', 'over the budget']],
      );
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('names the flag of a bad value, exit 2, nothing asked', async () => {
    const cwd = dirWithConfig(config(server));
    const bad = await runCli(['ask', PROMPT, '--strategy', 'cheapest'], { cwd, env: ENV });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--strategy: expected one of all, cascade, budget/);
    const noBudget = await runCli(['ask', PROMPT, '--strategy', 'budget'], { cwd, env: ENV });
    assert.equal(noBudget.code, 2);
    assert.match(noBudget.stderr, /--budget-usd: needed by the budget strategy/);
    const nan = await runCli(['ask', PROMPT, '--budget-usd', 'lots'], { cwd, env: ENV });
    assert.equal(nan.code, 2);
    assert.match(nan.stderr, /--budget-usd: expected a positive number/);
    assert.deepEqual(asked(), []);
  });

  it("follows the config's strategy when no flag is given", async () => {
    const cwd = dirWithConfig(config(server, { strategy: 'cascade', cascade: { threshold: 0 } }));
    const { code, stdout } = await runCli(['ask', PROMPT], { cwd, env: ENV });
    assert.equal(code, 0, stdout);
    assert.deepEqual(asked(), ['demo-qwen2.5-coder']);
    assert.match(stdout, /Strategy: cascade: tier 1 of 3 answered/);
  });
});
