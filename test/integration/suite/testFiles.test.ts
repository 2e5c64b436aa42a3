// Runs inside the real extension host: a workspace test file the user points at becomes trusted
// cases of the judge (source `file`), in the matrix of the next ask.
import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { DEMO_PROMPT_PALINDROME } from '../../../src/demo/recordings';
import { startReplayServer } from '../../../src/demo/replayServer';
import type { ReplayServer } from '../../../src/demo/replayServer';
import { closeAllEditors, quorumApi, useDemoModels } from './quorumApi';

describe('tests from a workspace file are trusted by the judge (real extension host)', function () {
  this.timeout(180_000);
  let server: ReplayServer;
  let file: vscode.Uri;

  before(async () => {
    server = await startReplayServer();
    await useDemoModels(server.url, 'k');
    const path = join(tmpdir(), `test_palindrome_${randomUUID().slice(0, 8)}.py`);
    await writeFile(
      path,
      'assert is_palindrome("A man, a plan, a canal: Panama") is True\nassert is_palindrome("ab") is False\n',
    );
    file = vscode.Uri.file(path);
  });
  after(async () => {
    await closeAllEditors();
    await server?.close();
  });

  it("Use Tests from This File toggles the file; its asserts outrank the models' tests in the next ask", async () => {
    await vscode.window.showTextDocument(file);
    assert.equal(await vscode.commands.executeCommand('quorum.useTestsFromFile'), true);
    await closeAllEditors();
    const api = await quorumApi();
    const record = await api.panelAsk(DEMO_PROMPT_PALINDROME);
    assert.ok(record?.verdict?.matrix, 'a verdict with a matrix');
    const fromFile = record.verdict.matrix.cases.filter((c) => c.trusted && c.source === 'file');
    assert.equal(fromFile.length, 2, 'both asserts of the file are trusted cases');
    assert.deepEqual(
      record.request.trustedTests?.map((t) => t.model),
      ['user'],
    );
    const pickRow = record.verdict.matrix.cells[record.verdict.pick ?? ''] ?? {};
    assert.ok(
      fromFile.every((c) => pickRow[c.id] === 'pass'),
      'the pick passes the trusted file tests',
    );
    assert.notEqual(
      record.verdict.pick,
      'demo-llama-3.3-70b',
      'the answer that ignores punctuation is not picked',
    );
    assert.equal(await vscode.commands.executeCommand('quorum.useTestsFromFile', file), false, 'toggled off');
  });
});
