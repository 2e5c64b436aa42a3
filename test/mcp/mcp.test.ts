import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import Docker from 'dockerode';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import type { ReplayServer } from '../../src/demo/replayServer';
import type { RunRecord } from '../../src/core/types';
import { startFastReplay } from '../fakes/replayHarness';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';
import { dirWithConfig, startMcp } from './mcpHarness';
import type { McpSession } from './mcpHarness';
import { writeTranscript } from './transcript';

type ToolResult = {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
};

const PROMPT = 'Write a Python function primes_up_to(n) that returns the primes <= n';

function textOf(result: ToolResult): string {
  return result.content.map((c) => c.text ?? '').join('\n');
}

/** This server's sandbox containers: every one carries its owner process in a label. */
async function containersOf(docker: Docker, pid: number): Promise<string[]> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`dev.quorum.owner=${hostname()}:${pid}`] },
  });
  return list.map((c) => c.Id);
}

describe('quorum mcp: the MCP SDK client against `quorum mcp` on stdio', function () {
  let replay: ReplayServer;
  let mcp: McpSession;
  const docker = new Docker();

  before(async () => {
    replay = await startFastReplay();
    const cwd = dirWithConfig({
      models: [
        { id: 'gpt', kind: 'openai', model: 'demo-gpt-4o-mini', baseUrl: `${replay.url}/v1` },
        { id: 'qwen', kind: 'ollama', model: 'demo-qwen2.5-coder', baseUrl: replay.url },
        { id: 'off', kind: 'ollama', model: 'demo-qwen2.5-coder', baseUrl: replay.url, enabled: false },
      ],
      sandbox: { images: OFFLINE_IMAGES, poolSize: 0, pull: false },
    });
    // The folder's config names a loopback address: only the model's own key goes there.
    mcp = await startMcp(cwd, { QUORUM_GPT_API_KEY: 'sk-test' });
  });
  after(async () => {
    await mcp?.close();
    await replay?.close();
    if (mcp) writeTranscript(mcp.wire);
  });

  it('lists run_code, ask_models and judge with their input schemas', async () => {
    mcp.record(true);
    const { tools } = await mcp.client.listTools();
    mcp.record(false);
    const byName = new Map(tools.map((t) => [t.name, t]));
    assert.deepEqual([...byName.keys()].sort(), ['ask_models', 'judge', 'run_code']);
    assert.deepEqual(byName.get('run_code')?.inputSchema.required, ['code', 'language']);
    assert.deepEqual(byName.get('ask_models')?.inputSchema.required, ['prompt']);
    assert.deepEqual(byName.get('judge')?.inputSchema.required, ['prompt', 'language', 'candidates']);
    const language = byName.get('run_code')?.inputSchema.properties?.language as { enum?: string[] };
    assert.ok(language.enum?.includes('python') && language.enum.includes('rust'));
  });

  it('run_code runs a program with stdin and args in the real sandbox', async () => {
    mcp.record(true);
    const result = (await mcp.client.callTool({
      name: 'run_code',
      arguments: {
        code: 'import sys\nprint(sys.argv[1:], sys.stdin.read().upper())\n',
        language: 'python',
        stdin: 'hello',
        args: ['--n', '5'],
      },
    })) as ToolResult;
    mcp.record(false);
    assert.equal(result.isError, undefined, textOf(result));
    assert.equal(result.structuredContent?.exitCode, 0);
    assert.equal(result.structuredContent?.stdout, "['--n', '5'] HELLO\n");
    assert.equal(result.structuredContent?.image, OFFLINE_IMAGES.python);

    const failing = (await mcp.client.callTool({
      name: 'run_code',
      arguments: { code: 'import sys\nprint("bad", file=sys.stderr)\nsys.exit(3)', language: 'python' },
    })) as ToolResult;
    assert.equal(failing.structuredContent?.exitCode, 3);
    assert.equal(failing.structuredContent?.stderr, 'bad\n');
  });

  it('a bad input gets a schema error naming the field, and nothing runs', async () => {
    const pid = mcp.transport.pid ?? 0;
    const badLanguage = (await mcp.client.callTool({
      name: 'run_code',
      arguments: { code: 'print(1)', language: 'cobol' },
    })) as ToolResult;
    assert.equal(badLanguage.isError, true);
    assert.match(textOf(badLanguage), /Input validation error[\s\S]*language/);
    const noCode = (await mcp.client.callTool({
      name: 'run_code',
      arguments: { language: 'python' },
    })) as ToolResult;
    assert.equal(noCode.isError, true);
    assert.match(textOf(noCode), /Input validation error[\s\S]*code/);
    const badJudge = (await mcp.client.callTool({
      name: 'judge',
      arguments: { prompt: 'p', language: 'python', candidates: [] },
    })) as ToolResult;
    assert.equal(badJudge.isError, true);
    assert.match(textOf(badJudge), /candidates/);
    assert.deepEqual(await containersOf(docker, pid), []);
  });

  it('ask_models asks the enabled models, runs and judges, reports each step, and keeps the record as a resource', async () => {
    const progress: Progress[] = [];
    mcp.record(true);
    const result = (await mcp.client.callTool(
      { name: 'ask_models', arguments: { prompt: PROMPT } },
      undefined,
      {
        onprogress: (p) => progress.push(p),
      },
    )) as ToolResult;
    const resource = await mcp.client.readResource({ uri: 'quorum://runs/last' });
    mcp.record(false);
    assert.equal(result.isError, undefined, textOf(result));
    const summary = result.structuredContent as {
      askId: string;
      pick: string | null;
      code: string | null;
      candidates: { id: string; status: string; run?: { exitCode: number } }[];
    };
    assert.deepEqual(summary.candidates.map((c) => [c.id, c.status, c.run?.exitCode]).sort(), [
      ['gpt', 'done', 0],
      ['qwen', 'done', 0],
    ]);
    assert.ok(summary.pick === 'gpt' || summary.pick === 'qwen', `pick ${summary.pick}`);
    assert.match(summary.code ?? '', /def primes_up_to/);
    // Both models were really asked over their wires; the disabled one was not.
    assert.deepEqual(
      replay.requests
        .filter((r) => r.method === 'POST')
        .map((r) => r.model)
        .sort(),
      ['demo-gpt-4o-mini', 'demo-qwen2.5-coder'],
    );

    const messages = progress.map((p) => p.message);
    for (const step of ['gpt answered', 'qwen answered', 'gpt ran: exit 0', 'qwen ran: exit 0', 'judging'])
      assert.ok(messages.includes(step), `no progress "${step}" in ${JSON.stringify(messages)}`);
    assert.ok(
      progress.every((p, i) => i === 0 || p.progress > progress[i - 1].progress),
      'progress must increase',
    );
    assert.equal(progress.at(-1)?.total, 5);

    const record = JSON.parse(String((resource.contents[0] as { text: string }).text)) as RunRecord;
    assert.equal(record.askId, summary.askId);
    assert.equal(record.verdict?.pick, summary.pick);
  });

  it('ask_models names an unknown model id in a tool error', async () => {
    const result = (await mcp.client.callTool({
      name: 'ask_models',
      arguments: { prompt: PROMPT, models: ['gpt', 'nope'] },
    })) as ToolResult;
    assert.equal(result.isError, true);
    assert.match(textOf(result), /no model with id nope/);
  });

  it('judge takes candidates and tests as `quorum judge` does and picks a correct one', async () => {
    mcp.record(true);
    const result = (await mcp.client.callTool({
      name: 'judge',
      arguments: {
        prompt: 'def unique(xs): return the sorted unique elements of xs',
        language: 'python',
        candidates: [
          { id: 'keeps-dupes', model: 'm1', code: 'def unique(xs):\n    return sorted(xs)\n' },
          { id: 'set', model: 'm2', code: 'def unique(xs):\n    return sorted(set(xs))\n' },
        ],
        tests: [
          { id: 't1', model: 'm1', code: 'assert unique([2, 2, 1]) == [1, 2]\n' },
          { id: 't2', model: 'm2', code: 'assert unique([5, 5]) == [5]\nassert unique([]) == []\n' },
        ],
      },
    })) as ToolResult;
    mcp.record(false);
    assert.equal(result.isError, undefined, textOf(result));
    const verdict = result.structuredContent as {
      pick: string;
      ranking: { id: string; testsPassed: number }[];
    };
    assert.equal(verdict.pick, 'set');
    const set = verdict.ranking.find((r) => r.id === 'set');
    const dupes = verdict.ranking.find((r) => r.id === 'keeps-dupes');
    assert.ok(set && dupes && set.testsPassed > dupes.testsPassed, JSON.stringify(verdict.ranking));
  });

  it('a long run reports progress while it runs, and cancelling it removes its container', async () => {
    const pid = mcp.transport.pid ?? 0;
    const controller = new AbortController();
    const progress: Progress[] = [];
    const call = mcp.client.callTool(
      {
        name: 'run_code',
        arguments: {
          code: 'import time\nprint("started", flush=True)\ntime.sleep(60)\n',
          language: 'python',
          timeoutSeconds: 120,
        },
      },
      undefined,
      { signal: controller.signal, onprogress: (p) => progress.push(p), resetTimeoutOnProgress: true },
    );
    const outcome = call.then(
      () => 'resolved',
      (error: unknown) => String(error),
    );
    // Heartbeats arrive about once a second while the program sleeps.
    const until = Date.now() + 20_000;
    while (progress.length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    assert.ok(progress.length >= 3, `only ${progress.length} progress notifications`);
    assert.match(progress.at(-1)?.message ?? '', /running \(\d+ s\)/);
    const running = await containersOf(docker, pid);
    assert.ok(running.length >= 1, 'the run should have a container while it sleeps');

    const cancelledAt = Date.now();
    controller.abort('the agent changed its mind');
    assert.match(await outcome, /abort|cancel|changed its mind/i);
    let left = running;
    while (left.length && Date.now() - cancelledAt < 15_000) {
      await new Promise((r) => setTimeout(r, 200));
      left = await containersOf(docker, pid);
    }
    assert.deepEqual(left, [], 'the cancelled run left its container behind');
    // The server is still serving after a cancelled call.
    const after = (await mcp.client.callTool({
      name: 'run_code',
      arguments: { code: 'print(6 * 7)', language: 'python' },
    })) as ToolResult;
    assert.equal(after.structuredContent?.stdout, '42\n');
  });
});
