/**
 * ask_models as an edit ask through the MCP SDK client: a file inside the roots the client shares,
 * in a Python unittest package, three loopback models (the project-correct fix, a standalone rewrite
 * that breaks a project test, a wrong fix), the project's tests in the real Docker sandbox. Files
 * outside the roots, through a symbolic link, relative paths and a client without roots are refused
 * before any model is asked.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import type { ReplayServer } from '../../src/demo/replayServer';
import { buildProject } from '../fixtures/projects/buildProjects';
import type { ProjectFixture } from '../fixtures/projects/buildProjects';
import { EDIT_MODEL_KEYS, editAskConfig, startEditModels } from '../fixtures/projects/editModels';
import { dirWithConfig, startMcp } from './mcpHarness';
import type { McpSession } from './mcpHarness';
import { treeHash } from '../treeHash';

const ENV = EDIT_MODEL_KEYS;

type ToolResult = {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
};

interface EditSummary {
  shape: string;
  pick: string | null;
  strategy?: string;
  code: string | null;
  diff: string | null;
  reasons: string[];
  project: { file: string; testCommand: string | null; baseline: { tests: number; failing: string[] } };
  candidates: {
    id: string;
    status: string;
    project: { tests: string; fixed: string[]; regressed: string[]; stillFailing: string[] };
  }[];
}

const textOf = (r: ToolResult): string => r.content.map((c) => c.text ?? '').join('\n');

describe('quorum mcp: ask_models as an edit ask inside the client’s roots', function () {
  this.timeout(240_000);
  let workspace: string;
  let outside: string;
  let fixture: ProjectFixture;
  let replay: ReplayServer;
  let cwd: string;
  let mcp: McpSession;
  const asked = (): number => replay.requests.filter((r) => r.method === 'POST').length;
  const ask = async (args: Record<string, unknown>, session = mcp): Promise<ToolResult> =>
    (await session.client.callTool({ name: 'ask_models', arguments: args })) as ToolResult;

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'quorum-mcp-project-'));
    outside = mkdtempSync(join(tmpdir(), 'quorum-mcp-outside-'));
    fixture = await buildProject('python-unittest', join(workspace, 'inventory-pkg'));
    await buildProject('python-unittest', join(outside, 'other'));
    writeFileSync(join(outside, 'secret.py'), 'TOKEN = "not for models"\n');
    // A link inside the workspace to a file outside it.
    symlinkSync(join(outside, 'secret.py'), join(workspace, 'link.py'));
    replay = await startEditModels(fixture.answers);
    cwd = dirWithConfig(editAskConfig(replay));
    mcp = await startMcp(cwd, ENV, [], [workspace]);
  });
  after(async () => {
    await mcp?.close();
    await replay?.close();
    for (const dir of [workspace, outside, cwd]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('tests each answer against the project, picks the project-correct fix with its diff, and writes nothing', async () => {
    const before = treeHash(fixture.root);
    const progress: Progress[] = [];
    const result = (await mcp.client.callTool(
      {
        name: 'ask_models',
        arguments: { prompt: fixture.instruction, file: join(fixture.root, fixture.target) },
      },
      undefined,
      { onprogress: (p) => progress.push(p), timeout: 200_000 },
    )) as ToolResult;
    assert.equal(result.isError, undefined, `${textOf(result)}\n${mcp.stderr()}`);
    const s = result.structuredContent as unknown as EditSummary;
    assert.equal(s.shape, 'edit');
    assert.equal(s.project.file, fixture.target);
    assert.match(s.project.testCommand ?? '', /unittest/);
    const total = fixture.tests.length;
    assert.equal(s.project.baseline.tests, total);
    assert.deepEqual(s.project.baseline.failing, [fixture.failingTest]);

    const by = new Map(s.candidates.map((c) => [c.id, c.project]));
    assert.equal(by.get('correct')?.tests, `fixes 1 · breaks 0 of ${total} project tests`);
    assert.deepEqual(by.get('correct')?.fixed, [fixture.failingTest]);
    assert.deepEqual(by.get('correct')?.regressed, []);
    // The standalone rewrite's broken test is on its own entry.
    assert.ok(
      by.get('standalone')?.tests.startsWith(`fixes 1 · breaks 1 of ${total} project tests`),
      by.get('standalone')?.tests,
    );
    assert.deepEqual(by.get('standalone')?.regressed, [fixture.regressionTest]);
    assert.deepEqual(by.get('wrong')?.fixed, []);
    assert.deepEqual(by.get('wrong')?.stillFailing, [fixture.failingTest]);

    assert.equal(s.pick, 'correct', s.reasons.join('\n'));
    assert.equal(s.strategy, 'project-tests');
    assert.equal(s.code, fixture.fixedText, 'the pick is the whole fixed file');
    assert.ok(s.code?.includes('from .money import round_cents'), 'the new file keeps its project import');
    assert.ok(s.diff?.includes(`+++ b/${fixture.target}`), s.diff ?? '');
    assert.match(s.diff ?? '', /^-\s+if quantity > BULK_THRESHOLD:$/m);
    assert.match(s.diff ?? '', /^\+\s+if quantity >= BULK_THRESHOLD:$/m);

    const messages = progress.map((p) => p.message ?? '');
    assert.ok(
      messages.some((m) => m.startsWith('edit ask of inventory/pricing.py')),
      JSON.stringify(messages),
    );
    assert.ok(messages.includes(`baseline: ${total} project tests (ok)`), JSON.stringify(messages));
    assert.ok(messages.includes('correct tested: fixes 1 · breaks 0'), JSON.stringify(messages));
    assert.deepEqual(treeHash(fixture.root), before, "the ask changed the user's tree");
  });

  it('refuses a file outside the roots, one reached through a link, and a project folder outside them, before asking', async () => {
    const before = asked();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ file: join(outside, 'other', 'inventory', 'pricing.py') }, /outside the roots this client shares/],
      [{ file: join(workspace, 'link.py') }, /outside the roots this client shares/],
      [
        { file: join(fixture.root, fixture.target), project: outside },
        /project .* is outside the roots this client shares/,
      ],
      [{ file: join(fixture.root, fixture.target), project: join(workspace, 'nope') }, /does not exist/],
      [{ file: 'inventory-pkg/inventory/pricing.py' }, /not an absolute path/],
      [{ project: fixture.root }, /project needs file/],
    ];
    for (const [args, error] of cases) {
      const result = await ask({ prompt: fixture.instruction, ...args });
      assert.equal(result.isError, true, JSON.stringify(args));
      assert.match(textOf(result), error, JSON.stringify(args));
    }
    assert.match(
      textOf(await ask({ prompt: 'x', file: join(outside, 'secret.py') })),
      new RegExp(`roots this client shares \\(${workspace.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
    assert.equal(asked(), before, 'a refused call asked a model');
  });

  it('a client that shares no roots may not name files', async () => {
    const plain = await startMcp(cwd, ENV);
    try {
      const before = asked();
      const result = await ask(
        { prompt: fixture.instruction, file: join(fixture.root, fixture.target) },
        plain,
      );
      assert.equal(result.isError, true);
      assert.match(textOf(result), /shares none .*roots capability/);
      assert.equal(asked(), before);
    } finally {
      await plain.close();
    }
  });
});
