import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outcomeOf } from '../../src/core/records/modelRecord';
import type { ReplayServer } from '../../src/demo/replayServer';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';
import { startFastReplay } from '../fakes/replayHarness';
import { runRecord } from '../unit/records/recordFixtures';
import { dirWithConfig, runCli } from './cliHarness';

const PROMPT = 'Write a Python function primes_up_to(n) that returns the primes <= n';

interface StatsJson {
  asks: number;
  workspace: string | null;
  models: {
    modelId: string;
    asks: number;
    picks: number;
    verified: number;
    pricedAsks: number;
    costUsd: number;
    medianLatencyMs?: number;
    winsPerDollar: number | null;
    free: boolean;
  }[];
}

describe('cli: quorum stats', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'quorum-stats-'));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  describe('after real asks against loopback models', () => {
    let server: ReplayServer;
    before(async () => {
      server = await startFastReplay();
    });
    after(() => server.close());

    it('records every finished `quorum ask` and reports it per model, as a table, JSON and CSV', async () => {
      const data = tempDir();
      const config = {
        models: [
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
      };
      const cwd = dirWithConfig(config);
      dirs.push(cwd);
      const env = { QUORUM_GPT_API_KEY: 'sk-test', QUORUM_DATA_DIR: data };
      const picks: string[] = [];
      for (let i = 0; i < 2; i++) {
        const ask = await runCli(['ask', PROMPT, '--json'], { cwd, env });
        assert.equal(ask.code, 0, ask.stderr);
        picks.push((JSON.parse(ask.stdout) as { verdict?: { pick: string | null } }).verdict?.pick ?? 'none');
      }
      const stored = readFileSync(join(data, 'model-records.jsonl'), 'utf8').trim().split('\n');
      assert.equal(stored.length, 2, 'one line per ask');
      assert.ok(!stored.join('\n').includes('primes_up_to'), 'no prompt or code in the record');

      const json = await runCli(['stats', '--json'], { cwd, env });
      assert.equal(json.code, 0, json.stderr);
      const stats = JSON.parse(json.stdout) as StatsJson;
      assert.equal(stats.asks, 2);
      const gpt = stats.models.find((m) => m.modelId === 'gpt')!;
      const qwen = stats.models.find((m) => m.modelId === 'qwen')!;
      assert.equal(gpt.asks, 2);
      assert.equal(qwen.asks, 2);
      assert.equal(gpt.picks + qwen.picks, picks.filter((p) => p !== 'none').length);
      assert.equal(gpt.picks, picks.filter((p) => p === 'gpt').length);
      assert.equal(gpt.verified, 2, 'the replayed primes program runs to exit 0 in the sandbox');
      assert.equal(gpt.pricedAsks, 2);
      assert.ok(gpt.costUsd > 0, 'the replay reports usage, and gpt has a price');
      assert.equal(qwen.free, true, 'a local model without a price costs nothing');
      assert.ok(typeof gpt.medianLatencyMs === 'number');

      const table = await runCli(['stats'], { cwd, env });
      assert.equal(table.code, 0);
      assert.match(table.stdout, /^2 ask\(s\), /);
      assert.match(
        table.stdout,
        /model +asks +picks +win rate +verified +fixes +regressions +median latency +cost +wins\/\$/,
      );
      assert.match(table.stdout, /\ngpt +2 +\d +\d+% +2 +— +— +\d+ ms +\$0\.\d{4} +[\d.—]+\n/);
      assert.match(table.stdout, /\nqwen +2 +\d +\d+% +\d +— +— +\d+ ms +\$0 +(free|0\.0)\n/);

      const csvFile = join(data, 'records.csv');
      const csv = await runCli(['stats', '--csv', csvFile], { cwd, env });
      assert.equal(csv.code, 0);
      const rows = readFileSync(csvFile, 'utf8').trimEnd().split('\r\n');
      assert.match(rows[0], /^scope,model_id,kind,model,asks,picks,win_rate,verified,/);
      assert.ok(rows.some((r) => r.startsWith('overall,gpt,openai,demo-gpt-4o-mini,2,')));
      assert.ok(
        rows.some((r) => r.startsWith(`${cwd},qwen,ollama,`)),
        'the workspace block names the folder asked in',
      );

      const here = JSON.parse(
        (await runCli(['stats', '--json', '--workspace', '.'], { cwd, env })).stdout,
      ) as StatsJson;
      assert.equal(here.asks, 2);
      const elsewhere = await runCli(['stats', '--workspace', tempDir()], { cwd, env });
      assert.match(elsewhere.stdout, /^No asks recorded in /);
    });
  });

  it('marks free wins, suggests disabling a model never picked, and filters by date', async () => {
    const data = tempDir();
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) {
      const day = String(1 + i).padStart(2, '0');
      const record = runRecord(
        `ask-${i}`,
        `2026-11-${day}T09:00:00.000Z`,
        [
          { id: 'local', kind: 'ollama', exit: 0, latencyMs: 800 },
          {
            id: 'loser',
            price: { inputPerMTok: 1, outputPerMTok: 1 },
            tokens: { input: 100, output: 100 },
            exit: 1,
          },
        ],
        { pick: 'local' },
      );
      lines.push(JSON.stringify(outcomeOf(record, { workspace: '/repo' })));
    }
    writeFileSync(join(data, 'model-records.jsonl'), lines.join('\n') + '\nnot json\n');
    const env = { QUORUM_DATA_DIR: data };
    const { code, stdout, stderr } = await runCli(['stats'], { env });
    assert.equal(code, 0);
    assert.match(stderr, /skipped 1 unreadable line/);
    assert.match(stdout, /\nlocal +12 +12 +100% +12 +— +— +800 ms +\$0 +free\n/);
    assert.match(stdout, /\nloser +12 +0 +0% +0 +— +— +1000 ms +\$0\.0024 +0\.0\n/);
    assert.match(stdout, /Never picked in 12 asks: loser — consider disabling it/);
    const since = JSON.parse(
      (await runCli(['stats', '--json', '--since', '2026-11-10'], { env })).stdout,
    ) as StatsJson;
    assert.equal(since.asks, 3);
    const local = since.models.find((m) => m.modelId === 'local')!;
    assert.equal(local.winsPerDollar, null, 'JSON has no Infinity');
    assert.equal(local.free, true);
  });

  it('exits 2 on bad usage, and with no records folder says how to name one', async () => {
    const bad = await runCli(['stats', '--since', 'yesterday'], { env: { QUORUM_DATA_DIR: tempDir() } });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since: "yesterday" is not a date/);
    const none = await runCli(['stats'], { env: {} });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /set QUORUM_DATA_DIR/);
    const help = await runCli(['stats', '--help'], { env: {} });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--workspace DIR/);
    const top = await runCli(['--help'], { env: {} });
    assert.match(top.stdout, /\n {2}stats +each model's record/);
  });
});
