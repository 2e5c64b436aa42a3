// Runs inside the real extension host: Quorum's Language Model Tools invoked through vscode.lm.invokeTool,
// as an agent would. Outside a chat session the editor confirms each call in a modal dialog, which VS Code
// itself accepts in an extension test run; the confirmation messages are read from the tools directly.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { agentToolJsonSchema, askModelsInput, runCodeInput } from '../../../src/core/agentTools';
import { DEMO_MODELS, DEMO_PROMPT } from '../../../src/demo/recordings';
import { startReplayServer } from '../../../src/demo/replayServer';
import type { ReplayServer } from '../../../src/demo/replayServer';
import type { QuorumTestApi } from '../../../src/host/testApi';
import { addTranscript, writeTranscript } from './lmTranscript';
import { OFFLINE_IMAGES, useDemoModels } from './quorumApi';

const KEY = 'replay-key-for-the-tools';

function invoke(
  name: string,
  input: object,
  token?: vscode.CancellationToken,
): Thenable<vscode.LanguageModelToolResult> {
  return vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, token);
}

function jsonOf(result: vscode.LanguageModelToolResult): Record<string, unknown> {
  const text = result.content
    .filter((p): p is vscode.LanguageModelTextPart => p instanceof vscode.LanguageModelTextPart)
    .map((p) => p.value)
    .join('');
  return JSON.parse(text) as Record<string, unknown>;
}

describe('Language Model Tools: quorum_run_code and quorum_verify through vscode.lm.invokeTool', function () {
  this.timeout(300_000);
  let api: QuorumTestApi;
  let server: ReplayServer;

  before(async () => {
    server = await startReplayServer({ chunkDelayMs: 0, ttftMs: 0 });
    api = await useDemoModels(server.url, KEY);
  });

  after(async () => {
    writeTranscript(); // after chat.test.ts's sections, with this file's
    api?.setTrusted(undefined);
    await server?.close();
  });

  it('are registered with exactly the input schemas the core validates against', () => {
    const byName = new Map(vscode.lm.tools.map((t) => [t.name, t]));
    assert.deepEqual(byName.get('quorum_run_code')?.inputSchema, agentToolJsonSchema(runCodeInput));
    assert.deepEqual(byName.get('quorum_verify')?.inputSchema, agentToolJsonSchema(askModelsInput));
    assert.ok(byName.get('quorum_verify')?.tags.includes('quorum'));
  });

  it('quorum_run_code runs the snippet with stdin and args in the sandbox once the user confirms', async () => {
    const result = jsonOf(
      await invoke('quorum_run_code', {
        code: 'import sys\nprint(sys.argv[1:], sys.stdin.read().upper())\n',
        language: 'python',
        stdin: 'hi',
        args: ['-x'],
      }),
    );
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, "['-x'] HI\n");
    assert.equal(result.image, OFFLINE_IMAGES.python);
  });

  it('ask the user first: the confirmation shows the code to run, or the models to ask', async () => {
    const tools = api.lm?.tools;
    assert.ok(tools, 'activate() returns the tools');
    const token = new vscode.CancellationTokenSource().token;
    const code = 'print("```")\n';
    const run = await tools.runCode.prepareInvocation?.({ input: { code, language: 'python' } }, token);
    assert.equal(run?.confirmationMessages?.title, 'Quorum: run this python code in the sandbox?');
    const shown = (run?.confirmationMessages?.message as vscode.MarkdownString).value;
    assert.ok(shown.includes(`\`\`\`\`python\n${code}\`\`\`\``), shown);
    const ids = api
      .models()
      .filter((m) => m.enabled)
      .map((m) => m.id);
    const verify = await tools.verify.prepareInvocation?.({ input: { prompt: DEMO_PROMPT } }, token);
    assert.equal(verify?.confirmationMessages?.title, 'Quorum: ask the models and run their answers?');
    const listed = (verify?.confirmationMessages?.message as vscode.MarkdownString).value;
    for (const id of ids) assert.ok(listed.includes(`\`${id}\``), `${id} not listed: ${listed}`);
    api.setTrusted(false);
    try {
      const blocked = await tools.runCode.prepareInvocation?.({ input: { code, language: 'python' } }, token);
      assert.equal(blocked?.confirmationMessages, undefined, 'nothing to confirm when nothing may run');
    } finally {
      api.setTrusted(undefined);
    }
  });

  it('rejects input that breaks the declared schema, naming the field', async () => {
    await assert.rejects(
      Promise.resolve(invoke('quorum_run_code', { code: 'print(1)', language: 'cobol' })),
      /Invalid input: language/,
    );
    await assert.rejects(Promise.resolve(invoke('quorum_verify', { prompt: '' })), /Invalid input: prompt/);
  });

  it('refuses both tools in Restricted Mode, without asking the user to confirm', async () => {
    api.setTrusted(false);
    try {
      await assert.rejects(
        Promise.resolve(invoke('quorum_run_code', { code: 'print(1)', language: 'python' })),
        /Restricted Mode/,
      );
      await assert.rejects(
        Promise.resolve(invoke('quorum_verify', { prompt: DEMO_PROMPT })),
        /Restricted Mode/,
      );
    } finally {
      api.setTrusted(undefined);
    }
  });

  it('quorum_verify asks the configured models, runs and judges their answers, and returns the pick', async () => {
    server.reset();
    const models = DEMO_MODELS(server.url)
      .slice(0, 2)
      .map((m) => m.id);
    const result = jsonOf(await invoke('quorum_verify', { prompt: DEMO_PROMPT, language: 'python', models }));
    addTranscript(
      'vscode.lm.invokeTool("quorum_verify")',
      `Input:\n\n\`\`\`json\n${JSON.stringify({ prompt: DEMO_PROMPT, language: 'python', models }, null, 2)}\n\`\`\`\n\n` +
        `Result (the tool's text part):\n\n\`\`\`json\n${JSON.stringify(result, null, 2)}\n\`\`\``,
    );
    const candidates = result.candidates as { id: string; status: string; run?: { exitCode: number } }[];
    assert.deepEqual(
      candidates.map((c) => [c.id, c.status, c.run?.exitCode]),
      models.map((id) => [id, 'done', 0]),
    );
    assert.ok(models.includes(String(result.pick)), `pick ${String(result.pick)}`);
    assert.match(String(result.code), /def /);
    assert.ok((result.reasons as string[]).length > 0);
    assert.equal(server.requests.filter((r) => r.method === 'POST').length, 2, 'only the two named models');
  });

  it('quorum_verify names an unknown model id', async () => {
    await assert.rejects(
      Promise.resolve(invoke('quorum_verify', { prompt: DEMO_PROMPT, models: ['no-such-model'] })),
      /no model with id no-such-model/,
    );
  });
});
