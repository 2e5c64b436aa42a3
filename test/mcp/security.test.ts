/**
 * M3 and H1 through the real MCP SDK client against `quorum mcp` on stdio: honest tool hints (an
 * agent must not auto-approve running code as "read-only"), a per-session bound on runs and run
 * time, an allow-list of tools, and no vendor key for the address a folder's config names.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplayServer } from '../../src/demo/replayServer';
import { startFastReplay } from '../fakes/replayHarness';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';
import { dirWithConfig, startMcp } from './mcpHarness';
import type { McpSession } from './mcpHarness';

type ToolResult = { isError?: boolean; content: { type: string; text?: string }[] };
const textOf = (r: ToolResult): string => r.content.map((c) => c.text ?? '').join('\n');

describe('quorum mcp: security (M3, H1)', function () {
  let replay: ReplayServer;
  let cwd: string;
  let home: string;
  const sessions: McpSession[] = [];

  before(async () => {
    replay = await startFastReplay();
    cwd = dirWithConfig({
      models: [{ id: 'gpt', kind: 'openai', model: 'demo-gpt-4o-mini', baseUrl: `${replay.url}/v1` }],
      sandbox: { images: OFFLINE_IMAGES, poolSize: 0, pull: false },
    });
    home = mkdtempSync(join(tmpdir(), 'quorum-mcp-home-'));
  });
  after(async () => {
    for (const s of sessions) await s.close();
    await replay?.close();
    rmSync(cwd, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  const start = async (args: string[] = [], env: Record<string, string> = {}): Promise<McpSession> => {
    const session = await startMcp(cwd, { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ...env }, args);
    sessions.push(session);
    return session;
  };
  const run = (mcp: McpSession, code: string): Promise<ToolResult> =>
    mcp.client.callTool({ name: 'run_code', arguments: { code, language: 'python' } }) as Promise<ToolResult>;

  it('run_code and judge say they are not read-only (nor destructive, nor open-world); ask_models is open-world', async () => {
    const mcp = await start();
    const { tools } = await mcp.client.listTools();
    const hints = Object.fromEntries(tools.map((t) => [t.name, t.annotations]));
    for (const name of ['run_code', 'judge']) {
      assert.equal(hints[name]?.readOnlyHint, false, `${name} runs code`);
      assert.equal(hints[name]?.destructiveHint, false, `${name} changes nothing outside its container`);
      assert.equal(hints[name]?.openWorldHint, false, `${name} has no network`);
    }
    assert.equal(hints.ask_models?.readOnlyHint, false);
    assert.equal(hints.ask_models?.openWorldHint, true);
  });

  it('--max-runs: the call past the bound is refused with a clear error, and nothing runs', async () => {
    const mcp = await start(['--max-runs', '2']);
    for (let i = 0; i < 2; i++) {
      const ok = await run(mcp, `print(${i})`);
      assert.equal(ok.isError, undefined, textOf(ok));
    }
    const refused = await run(mcp, 'print("third")');
    assert.equal(refused.isError, true);
    assert.match(textOf(refused), /run_code refused: this session used its 2 code runs/);
    assert.match(textOf(refused), /--max-runs/);
  });

  it('--max-seconds: a run in flight is stopped when the session’s time runs out, and later calls are refused', async () => {
    const mcp = await start(['--max-seconds', '2']);
    const started = Date.now();
    const stopped = await mcp.client.callTool({
      name: 'run_code',
      arguments: { code: 'import time\ntime.sleep(30)\n', language: 'python', timeoutSeconds: 60 },
    });
    assert.ok(Date.now() - started < 20_000, 'the run was not stopped at the session bound');
    assert.equal((stopped as ToolResult).isError, true);
    assert.match(textOf(stopped as ToolResult), /2 s of run time ran out/);
    const refused = await run(mcp, 'print(1)');
    assert.equal(refused.isError, true);
    assert.match(textOf(refused), /used its 2 s of run time/);
  });

  it('--tools: only the allowed tools are offered, and another cannot be called', async () => {
    const mcp = await start(['--tools', 'judge']);
    const { tools } = await mcp.client.listTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      ['judge'],
    );
    const result = (await mcp.client.callTool({
      name: 'run_code',
      arguments: { code: 'print(1)', language: 'python' },
    })) as ToolResult;
    assert.equal(result.isError, true);
    assert.match(textOf(result), /run_code/);
  });

  it('ask_models: the loopback address in the folder config never gets OPENAI_API_KEY', async () => {
    replay.reset();
    const mcp = await start([], { OPENAI_API_KEY: 'sk-the-users-own-key' });
    const result = (await mcp.client.callTool({
      name: 'ask_models',
      arguments: { prompt: 'Write a Python function add(a, b)' },
    })) as ToolResult;
    assert.ok(!replay.requests.some((r) => r.authorization?.includes('sk-the-users-own-key')));
    assert.equal(result.isError, true);
    assert.match(textOf(result), /no model can be asked/);
    assert.match(mcp.stderr(), /gpt: not sending OPENAI_API_KEY .*--trust-config/);
  });

  it('judge: an input over the caps (candidates, tests, bytes) is refused before anything runs (L6)', async () => {
    const mcp = await start();
    const candidate = (i: number) => ({ id: `c${i}`, model: 'm', code: 'def f():\n    return 1\n' });
    const many = (await mcp.client.callTool({
      name: 'judge',
      arguments: {
        prompt: 'p',
        language: 'python',
        candidates: Array.from({ length: 17 }, (_, i) => candidate(i)),
      },
    })) as ToolResult;
    assert.equal(many.isError, true);
    assert.match(textOf(many), /candidates: 17 given, at most 16/);
    const huge = (await mcp.client.callTool({
      name: 'judge',
      arguments: {
        prompt: 'p',
        language: 'python',
        candidates: [{ id: 'c0', model: 'm', code: `x = "${'a'.repeat(600 * 1024)}"\n` }],
      },
    })) as ToolResult;
    assert.equal(huge.isError, true);
    assert.match(textOf(huge), /bytes together, at most 524288/);
  });
});
