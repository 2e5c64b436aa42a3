// Runs inside the real extension host against the replay server's real wire: the spend line before Run
// (input tokens and cost of the enabled priced models, what is sent), quorum.confirmAboveUsd holding an
// ask back, quorum.contextExclude keeping a file's text out, and the "Fix with Models" Quick Fix on a
// diagnostic sending that diagnostic with its lines.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { startReplayServer } from '../../../src/demo/replayServer';
import type { ReplayServer } from '../../../src/demo/replayServer';
import type { RunRecord } from '../../../src/core/types';
import { closeAllEditors, openEditor, quorumApi, setQuorumSettings, until } from './quorumApi';

const ANSWER = 'Here it is.\n\n```python\ndef add(a, b):\n    return a + b\n```\n';
const FILE = 'def add(a, b):\n    return a - b\n\nprint(add(1, 2))\n';

/** The Ask Models command with arguments: the same flow as the panel's Run (router.ask). */
function ask(instruction: string, modelIds: readonly string[]): Thenable<RunRecord | undefined> {
  return vscode.commands.executeCommand<RunRecord | undefined>('quorum.ask', { instruction, modelIds });
}

function userText(server: ReplayServer): string[] {
  return server.requests
    .filter((r) => r.path.endsWith('/chat/completions'))
    .map((r) => JSON.stringify((r.body as { messages?: unknown }).messages));
}

describe('spend before fan-out, context and the Quick Fix', () => {
  let server: ReplayServer;
  before(async () => {
    server = await startReplayServer({ answers: () => ({ text: ANSWER }), chunkDelayMs: 0, ttftMs: 0 });
    await setQuorumSettings({
      'sandbox.enabled': false,
      models: [
        {
          id: 'priced',
          kind: 'openai-compatible',
          model: 'replay-coder',
          baseUrl: `${server.url}/v1`,
          price: { inputPerMTok: 2000, outputPerMTok: 8000 },
        },
        { id: 'free', kind: 'openai-compatible', model: 'replay-free', baseUrl: `${server.url}/v1` },
      ],
    });
    const api = await quorumApi();
    await until(() => api.models().length === 2, 5000, 'the models');
  });
  afterEach(async () => {
    (await quorumApi()).setSpendPrompt(undefined);
    server.reset();
    await closeAllEditors();
  });
  after(async () => {
    await setQuorumSettings({
      'sandbox.enabled': undefined,
      models: undefined,
      confirmAboveUsd: undefined,
      contextExclude: undefined,
    });
    await server.close();
  });

  it('estimates the input of the enabled models, prices the priced one, and says what is sent', async () => {
    const api = await quorumApi();
    const editor = await openEditor(FILE);
    const name = vscode.workspace.asRelativePath(editor.document.uri);
    const spend = await api.estimateSpend('fix the bug', 'fix');
    assert.deepEqual(spend.context, {
      file: name,
      chars: FILE.length,
      lines: 4,
      wholeFile: true,
      excludedBy: undefined,
    });
    assert.deepEqual(
      spend.models.map((m) => [m.modelId, m.method]),
      [
        ['priced', 'estimate'],
        ['free', 'estimate'],
      ],
    );
    const priced = spend.models[0];
    assert.ok(priced && priced.inputTokens > FILE.length / 4, 'the file and the prompts are counted');
    assert.equal(spend.inputUsd, (priced.inputTokens * 2000) / 1e6);
    assert.equal(spend.models[1]?.inputUsd, undefined);
  });

  it('holds an ask above quorum.confirmAboveUsd until confirmed, then reports the actual cost', async () => {
    const api = await quorumApi();
    await openEditor(FILE);
    await setQuorumSettings({ confirmAboveUsd: 0.000001 });
    const asked: string[] = [];
    api.setSpendPrompt((message) => {
      asked.push(message);
      return Promise.resolve(false);
    });
    assert.equal(await ask('fix the bug', ['priced']), undefined, 'declined: not sent');
    assert.equal(asked.length, 1);
    assert.match(asked[0] ?? '', /above quorum\.confirmAboveUsd/);
    assert.equal(userText(server).length, 0, 'no request reached the model');

    api.setSpendPrompt(() => Promise.resolve(true));
    const record = await ask('fix the bug', ['priced']);
    assert.equal(userText(server).length, 1, 'confirmed: sent');
    const cost = record?.candidates[0]?.costUsd;
    assert.ok(cost !== undefined && cost > 0, `the actual cost is recorded (${cost})`);
  });

  it('keeps the text of a file matching quorum.contextExclude out of the ask', async () => {
    const api = await quorumApi();
    await setQuorumSettings({ confirmAboveUsd: 1000, contextExclude: ['quorum-it-*.py'] });
    const editor = await openEditor(FILE);
    const spend = await api.estimateSpend('explain', 'review', ['free']);
    assert.equal(spend.context?.excludedBy, 'quorum-it-*.py');
    assert.equal(spend.context?.chars, 0);
    await ask('explain', ['free']);
    const sent = userText(server);
    assert.equal(sent.length, 1);
    assert.doesNotMatch(sent[0] ?? '', /return a - b/, 'the excluded file was not sent');
    assert.ok(editor.document.getText().includes('return a - b'));
    await setQuorumSettings({ contextExclude: undefined });
  });

  it('offers "Quorum: Fix with Models" on a diagnostic and sends the diagnostic with its lines', async () => {
    await setQuorumSettings({ confirmAboveUsd: 1000 });
    const editor = await openEditor(FILE);
    const diagnostics = vscode.languages.createDiagnosticCollection('quorum-it');
    try {
      const range = new vscode.Range(1, 4, 1, 16);
      const problem = new vscode.Diagnostic(
        range,
        'add() subtracts its arguments',
        vscode.DiagnosticSeverity.Error,
      );
      problem.source = 'it-lint';
      diagnostics.set(editor.document.uri, [problem]);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        editor.document.uri,
        range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const fix = actions.find((a) => a.title === 'Quorum: Fix with Models');
      assert.ok(fix?.command, `the Quick Fix is offered (got: ${actions.map((a) => a.title).join(', ')})`);
      assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);

      const record = await vscode.commands.executeCommand<{ request: { intent: string; context?: string } }>(
        fix.command.command,
        ...((fix.command.arguments ?? []) as unknown[]),
      );
      assert.equal(record.request.intent, 'fix');
      assert.equal(record.request.context, '    return a - b', 'the diagnostic lines are the context');
      const sent = userText(server).join('\n');
      assert.match(sent, /line 2 \(it-lint\): add\(\) subtracts its arguments/);
    } finally {
      diagnostics.dispose();
    }
  });
});
