/**
 * ask_models through `quorum mcp` keeps the same per-user model records as `quorum ask`: the MCP
 * SDK's client calls it (replay models through the real SDKs, the real sandbox), the finished ask is
 * a line of `$QUORUM_DATA_DIR/model-records.jsonl` that `quorum stats` reports, and a cascade orders
 * the models of a tier by those records (wins per dollar), not by the config's order.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTCOME_VERSION } from '../../src/core/records/modelRecord';
import type { AskOutcome } from '../../src/core/records/modelRecord';
import { RECORDS_FILE } from '../../src/core/records/recordStore';
import type { ReplayServer } from '../../src/demo/replayServer';
import type { RunRecord } from '../../src/core/types';
import { startFastReplay } from '../fakes/replayHarness';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';
import { runCli } from '../cli/cliHarness';
import type { McpSession } from './mcpHarness';
import { dirWithConfig, startMcp } from './mcpHarness';

interface ToolResult {
  content: { type: string; text?: string }[];
  structuredContent?: { askId?: string; pick?: string | null };
  isError?: boolean;
}

const PROMPT =
  'Write a Python function `primes_up_to(n)` that returns the list of primes <= n, and print primes_up_to(50).';

/** The run record the server keeps as `quorum://runs/last`. */
async function lastRecord(mcp: McpSession): Promise<RunRecord> {
  const content = (await mcp.client.readResource({ uri: 'quorum://runs/last' })).contents[0];
  assert.ok(content && 'text' in content, 'a text resource');
  return JSON.parse(content.text) as RunRecord;
}

function outcomesIn(dir: string): AskOutcome[] {
  return readFileSync(join(dir, RECORDS_FILE), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AskOutcome);
}

describe('quorum mcp: ask_models is recorded in the per-user model records', function () {
  let replay: ReplayServer;
  const sessions: McpSession[] = [];
  const dirs: string[] = [];
  const dataDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'quorum-mcp-records-'));
    dirs.push(d);
    return d;
  };
  let cwd: string;

  before(async () => {
    replay = await startFastReplay();
    // Two local models of one tier, in this order in the config.
    cwd = dirWithConfig({
      models: [
        { id: 'qwen-a', kind: 'ollama', model: 'demo-qwen2.5-coder', baseUrl: replay.url },
        { id: 'qwen-b', kind: 'ollama', model: 'demo-qwen2.5-coder', baseUrl: replay.url },
      ],
      cascade: { threshold: 0 },
      sandbox: { images: OFFLINE_IMAGES, poolSize: 0, pull: false },
    });
    dirs.push(cwd);
  });
  after(async () => {
    for (const s of sessions) await s.close();
    await replay?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a finished ask_models call is a line of the records file, and `quorum stats` counts it', async () => {
    const data = dataDir();
    const mcp = await startMcp(cwd, { QUORUM_DATA_DIR: data });
    sessions.push(mcp);
    const result = (await mcp.client.callTool({
      name: 'ask_models',
      arguments: { prompt: PROMPT },
    })) as ToolResult;
    assert.equal(result.isError, undefined, JSON.stringify(result.content));
    const askId = result.structuredContent?.askId;
    assert.ok(askId, 'the summary names the ask');

    const outcomes = outcomesIn(data);
    assert.equal(outcomes.length, 1);
    assert.equal(outcomes[0].askId, askId);
    assert.equal(outcomes[0].workspace, cwd, "the server's folder is the ask's workspace");
    assert.deepEqual(outcomes[0].candidates.map((c) => c.modelId).sort(), ['qwen-a', 'qwen-b']);
    assert.equal(outcomes[0].pick, result.structuredContent?.pick ?? null);
    assert.ok(
      outcomes[0].candidates.every((c) => c.costUsd === 0),
      'local models without a price cost nothing',
    );

    const stats = await runCli(['stats', '--json'], { env: { QUORUM_DATA_DIR: data } });
    assert.equal(stats.code, 0, stats.stderr);
    const json = JSON.parse(stats.stdout) as { asks: number; models: { modelId: string; asks: number }[] };
    assert.equal(json.asks, 1);
    assert.deepEqual(json.models.map((m) => [m.modelId, m.asks]).sort(), [
      ['qwen-a', 1],
      ['qwen-b', 1],
    ]);
  });

  it('a cascade orders the tier by those records: the model that wins goes first', async () => {
    const data = dataDir();
    // qwen-b won the earlier asks for free, qwen-a never did.
    const earlier = (i: number): AskOutcome => ({
      v: OUTCOME_VERSION,
      askId: `earlier-${i}`,
      at: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
      shape: 'snippet',
      pick: 'qwen-b',
      candidates: ['qwen-a', 'qwen-b'].map((id) => ({
        id,
        modelId: id,
        kind: 'ollama',
        model: 'demo-qwen2.5-coder',
        status: 'done' as const,
        picked: id === 'qwen-b',
        verified: true,
        costUsd: 0,
      })),
    });
    writeFileSync(join(data, RECORDS_FILE), [0, 1, 2].map((i) => JSON.stringify(earlier(i)) + '\n').join(''));
    const mcp = await startMcp(cwd, { QUORUM_DATA_DIR: data });
    sessions.push(mcp);
    const result = (await mcp.client.callTool({
      name: 'ask_models',
      arguments: { prompt: PROMPT, strategy: 'cascade' },
    })) as ToolResult;
    assert.equal(result.isError, undefined, JSON.stringify(result.content));
    const record = await lastRecord(mcp);
    assert.equal(record.strategy?.strategy, 'cascade');
    assert.deepEqual(
      record.strategy?.tiers[0]?.modelIds,
      ['qwen-b', 'qwen-a'],
      'wins per dollar from the records, not the config order',
    );
    assert.equal(outcomesIn(data).length, 4, 'and this ask is added to them');

    // Without records (QUORUM_RECORDS=off) the same ask keeps the config's order.
    const plain = await startMcp(cwd, { QUORUM_DATA_DIR: data, QUORUM_RECORDS: 'off' });
    sessions.push(plain);
    await plain.client.callTool({ name: 'ask_models', arguments: { prompt: PROMPT, strategy: 'cascade' } });
    const last = await lastRecord(plain);
    assert.deepEqual(last.strategy?.tiers[0]?.modelIds, ['qwen-a', 'qwen-b']);
    assert.equal(outcomesIn(data).length, 4, 'QUORUM_RECORDS=off records nothing');
  });
});
