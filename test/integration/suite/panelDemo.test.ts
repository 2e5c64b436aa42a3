// Runs inside the real extension host with real Docker: the demo answers what the sample asks. With
// is_prime selected in a copy of sample/primes.py, "make is_prime faster" gets answers that define
// is_prime; Apply (through the preview) of the pick leaves a file that runs in the sandbox and prints
// what it printed before, with one __main__ block. A prompt the demo has no recording for starts no
// ask at all. Apply finds the ask's file by URI even when another editor has focus.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../../src/core/types';
import { functionRange } from '../../../src/host/demo';
import {
  OFFLINE_IMAGES,
  closeAllEditors,
  openEditor,
  quorumApi,
  setQuorumSettings,
  until,
} from './quorumApi';

const REPO = join(__dirname, '../..');
const PRIMES = readFileSync(join(REPO, 'sample/primes.py'), 'utf8');

async function runWhole(document: vscode.TextDocument): Promise<string> {
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  editor.selection = new vscode.Selection(0, 0, 0, 0); // nothing selected: the whole file runs
  const run = await vscode.commands.executeCommand<{
    exitCode: number | null;
    stdout: string;
    stderr: string;
  }>('quorum.verifySelection');
  assert.ok(run, 'the file ran in the sandbox');
  assert.equal(run.exitCode, 0, run.stderr);
  return run.stdout;
}

describe('the demo on the sample: answers that match the ask, and an Apply that keeps the file working', function () {
  this.timeout(300_000);
  let record: RunRecord | undefined;
  let editor: vscode.TextEditor;
  let printed: string;

  before(async () => {
    await setQuorumSettings({
      'sandbox.enabled': true,
      'sandbox.images': OFFLINE_IMAGES,
      'sandbox.pull': false,
    });
    const api = await quorumApi();
    api.setTrusted(true);
    await api.demo.start();
    await until(() => api.executionAllowed(), 10_000, 'the sandbox');
    editor = await openEditor(PRIMES, 'py');
    printed = await runWhole(editor.document);
    const range = functionRange(PRIMES, 'is_prime')!;
    editor = await vscode.window.showTextDocument(editor.document, { preview: false });
    editor.selection = new vscode.Selection(
      range.start,
      0,
      range.end,
      editor.document.lineAt(range.end).text.length,
    );
    record = await api.panelAsk('make is_prime faster');
  });

  after(async () => {
    await vscode.commands.executeCommand('quorum.rejectApply');
    await closeAllEditors();
    const api = await quorumApi();
    await api.demo.stop();
    api.setTrusted(undefined);
  });

  it('every recorded answer defines is_prime (its name and signature), and the pick passes the tests', () => {
    assert.ok(record, 'the ask ran');
    assert.equal(record.demo, true);
    for (const c of record.candidates) {
      const code = c.extraction?.main?.code ?? '';
      assert.match(code, /def is_prime\(n(: int)?\)/, c.id);
      assert.doesNotMatch(code, /primes_up_to|__main__/, c.id);
    }
    const pick = record.verdict?.pick;
    assert.ok(pick, 'a pick');
    const rank = record.verdict!.ranking.find((r) => r.id === pick)!;
    assert.ok(rank.testsTotal > 0 && rank.testsPassed === rank.testsTotal, JSON.stringify(rank));
    // The recording that stops one divisor short (9 comes out prime) is not the pick.
    assert.notEqual(record.candidates.find((c) => c.id === pick)?.model.id, 'demo-llama-3.3-70b');
  });

  it('Apply of the pick, with another editor focused, replaces is_prime; the file runs and prints the same', async () => {
    const pick = record!.verdict!.pick!;
    // Another file has focus (as after "Open in Diff Editor"): Apply still targets the ask's file.
    await openEditor('x = 1\n', 'py');
    const preview = await vscode.commands.executeCommand<vscode.Uri>('quorum.applyCandidate', pick);
    assert.ok(preview, 'the preview opened');
    assert.equal(await vscode.commands.executeCommand('quorum.acceptApply'), 'applied');
    const text = editor.document.getText();
    assert.equal(text.match(/__main__/g)?.length, 1, 'one __main__ block');
    assert.equal(text.match(/^def is_prime\(/gm)?.length, 1, 'one is_prime');
    assert.match(text, /def primes_below\(limit\):/);
    assert.doesNotMatch(text, /for d in range\(2, n\):/, 'the slow loop is gone');
    assert.equal(await runWhole(editor.document), printed);
  });

  it('with nothing selected the whole file is sent, and the pick (a rewrite of it) replaces the whole file', async () => {
    const api = await quorumApi();
    const whole = await openEditor(PRIMES, 'py');
    whole.selection = new vscode.Selection(whole.document.lineCount - 1, 0, whole.document.lineCount - 1, 0);
    const asked = await api.panelAsk('make is_prime faster');
    assert.ok(asked?.verdict?.pick);
    await vscode.commands.executeCommand('quorum.applyCandidate', asked.verdict.pick);
    assert.equal(await vscode.commands.executeCommand('quorum.acceptApply'), 'applied');
    const text = whole.document.getText();
    assert.equal(text.match(/__main__/g)?.length, 1, text);
    assert.equal(text.match(/^def primes_below\(/gm)?.length, 1, text);
    assert.equal(await runWhole(whole.document), printed);
  });

  it('a prompt the demo has no recording for starts no ask and shows no unrelated answers', async () => {
    const api = await quorumApi();
    const shown = api.currentAskId();
    assert.equal(await api.panelAsk('Write a quicksort in Rust'), undefined);
    assert.equal(api.currentAskId(), shown, 'no new ask');
  });

  it("the panel's first state offers the demo's asks as buttons", async () => {
    const api = await quorumApi();
    const state = await api.panelState();
    const asks = state.find((m) => m.type === 'demo/asks');
    assert.ok(asks && asks.type === 'demo/asks');
    assert.deepEqual(
      asks.asks.slice(0, 2).map((a) => a.id),
      ['is-prime-faster', 'sum-range-fix'],
    );
    assert.ok(state.some((m) => m.type === 'readiness/update' && m.ready));
  });
});

describe('no keys and no Ollama: no dead end', function () {
  this.timeout(60_000);
  after(() => setQuorumSettings({ models: undefined }));

  it('the panel is told no model is ready (which Ollama is down) and Run starts no ask that can only fail', async () => {
    const api = await quorumApi();
    await api.demo.stop();
    const closed = 'http://127.0.0.1:9'; // the discard port: nothing answers there
    await setQuorumSettings({
      models: [
        { id: 'openai-nokey', kind: 'openai', model: 'gpt-4o-mini', enabled: true },
        { id: 'ollama-down', kind: 'ollama', model: 'qwen2.5-coder:7b', baseUrl: closed, enabled: true },
      ],
    });
    await until(() => api.models().some((m) => m.id === 'ollama-down'), 5000, 'the settings');
    const state = await api.panelState();
    const readiness = state.find((m) => m.type === 'readiness/update');
    assert.deepEqual(readiness, { type: 'readiness/update', ready: false, unreachable: ['ollama-down'] });
    const shown = api.currentAskId();
    assert.equal(await api.panelAsk('make is_prime faster'), undefined);
    assert.equal(api.currentAskId(), shown, 'no ask started, so no provider error either');
  });
});
