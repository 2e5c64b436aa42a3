// Runs inside the real extension host: in an untrusted workspace models may answer but nothing runs.
// The host cannot revoke trust at run time, so the test forces the host's trust state through the API.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/types';
import { DEMO_PROMPT } from '../../../src/demo/recordings';
import { OFFLINE_IMAGES, closeAllEditors, openEditor, quorumApi, setQuorumSettings } from './quorumApi';

describe('workspace trust', function () {
  this.timeout(180_000);

  before(async () => {
    await setQuorumSettings({
      'sandbox.enabled': true,
      'sandbox.images': OFFLINE_IMAGES,
      'sandbox.pull': false,
    });
  });
  afterEach(async () => {
    const api = await quorumApi();
    api.setTrusted(undefined);
    await api.demo.stop();
    await closeAllEditors();
  });

  it('Verify Selection runs the selection as is in the sandbox when trusted', async () => {
    const api = await quorumApi();
    api.setTrusted(true);
    const editor = await openEditor('print("hello from", 6 * 7)\nraise SystemExit(3)\n');
    editor.selection = new vscode.Selection(0, 0, 0, 27);
    const run = await vscode.commands.executeCommand<RunResult | undefined>('quorum.verifySelection');
    assert.ok(run, 'nothing ran');
    assert.equal(run.exitCode, 0, 'only the selected line ran, not the SystemExit');
    assert.equal(run.stdout, 'hello from 42\n');
    assert.equal(run.image, OFFLINE_IMAGES.python);
  });

  it('Verify Selection refuses to run anything when untrusted', async () => {
    const api = await quorumApi();
    api.setTrusted(false);
    assert.equal(api.executionAllowed(), false);
    await openEditor('print("must not run")\n');
    const run = await vscode.commands.executeCommand<RunResult | undefined>('quorum.verifySelection');
    assert.equal(run, undefined);
  });

  it('an untrusted ask still gets answers (demo models) but runs and judges nothing', async () => {
    const api = await quorumApi();
    api.setTrusted(false);
    await api.demo.start();
    const record = await api.ask({ instruction: DEMO_PROMPT, intent: 'generate', language: 'python' });
    assert.equal(record.demo, true, 'the record says the answers are recorded');
    assert.ok(record.candidates.length >= 2);
    assert.ok(record.candidates.every((c) => c.status === 'done' && c.answer.length > 0));
    assert.ok(record.candidates.every((c) => c.run === undefined && c.runError === undefined));
    assert.equal(record.verdict, undefined);
    const init = (await api.panelState()).find((m) => m.type === 'state/init');
    assert.ok(init?.type === 'state/init' && init.trusted === false && init.demo === true);
  });
});
