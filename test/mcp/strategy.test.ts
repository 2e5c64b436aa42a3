/**
 * ask_models with `strategy`: the MCP SDK's client against `quorum mcp` (replay models through the
 * real SDKs, the real sandbox): a cascade asks the local tier first and the result says which tier
 * answered; a budget strategy without a budget is a tool error naming the field.
 */
import assert from 'node:assert/strict';
import type { ReplayServer } from '../../src/demo/replayServer';
import { startFastReplay } from '../fakes/replayHarness';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';
import type { McpSession } from './mcpHarness';
import { dirWithConfig, startMcp } from './mcpHarness';

interface ToolResult {
  content: { type: string; text?: string }[];
  structuredContent?: unknown;
  isError?: boolean;
}

const PROMPT =
  'Write a Python function `primes_up_to(n)` that returns the list of primes <= n, and print primes_up_to(50).';

describe('quorum mcp: ask_models with a strategy', function () {
  let replay: ReplayServer;
  let mcp: McpSession;

  before(async () => {
    replay = await startFastReplay();
    const cwd = dirWithConfig({
      models: [
        {
          id: 'gpt',
          kind: 'openai',
          model: 'demo-gpt-4o-mini',
          baseUrl: `${replay.url}/v1`,
          price: { inputPerMTok: 2.5, outputPerMTok: 10 },
        },
        { id: 'qwen', kind: 'ollama', model: 'demo-qwen2.5-coder', baseUrl: replay.url },
      ],
      cascade: { threshold: 0 },
      sandbox: { images: OFFLINE_IMAGES, poolSize: 0, pull: false },
    });
    mcp = await startMcp(cwd, { QUORUM_GPT_API_KEY: 'sk-test', QUORUM_RECORDS: 'off' });
  });
  beforeEach(() => replay.reset());
  after(async () => {
    await mcp?.close();
    await replay?.close();
  });

  it('cascade: only the local tier is asked when its verdict suffices, and the result says so', async () => {
    const result = (await mcp.client.callTool({
      name: 'ask_models',
      arguments: { prompt: PROMPT, strategy: 'cascade' },
    })) as ToolResult;
    assert.equal(result.isError, undefined, JSON.stringify(result.content));
    const summary = result.structuredContent as {
      pick: string | null;
      askStrategy?: {
        strategy: string;
        answeredTier?: number;
        tierCount?: number;
        notAsked: string[];
        savedUsd?: number;
        summary: string;
      };
    };
    assert.equal(summary.pick, 'qwen');
    assert.deepEqual(
      replay.requests.filter((r) => r.method === 'POST').map((r) => r.model),
      ['demo-qwen2.5-coder'],
    );
    assert.equal(summary.askStrategy?.answeredTier, 1);
    assert.equal(summary.askStrategy?.tierCount, 2);
    assert.deepEqual(summary.askStrategy?.notAsked, ['gpt']);
    assert.ok((summary.askStrategy?.savedUsd ?? 0) > 0);
    assert.match(summary.askStrategy?.summary ?? '', /^cascade: tier 1 of 2 answered/);
  });

  it('budget without budgetUsd is a tool error naming the field; nothing is asked', async () => {
    const result = (await mcp.client.callTool({
      name: 'ask_models',
      arguments: { prompt: PROMPT, strategy: 'budget' },
    })) as ToolResult;
    assert.equal(result.isError, true);
    assert.match(result.content.map((c) => c.text).join('\n'), /budgetUsd: needed by the budget strategy/);
    assert.equal(replay.requests.filter((r) => r.method === 'POST').length, 0);
  });
});
