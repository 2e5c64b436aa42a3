// Runs inside the real extension host, with real Docker: an edit ask from the "Quorum: Fix with
// Models" Quick Fix on a diagnostic in the Python unittest fixture package of buildProjects.ts
// (relative import, one failing test at baseline), built inside the workspace. Three loopback
// models answer through the OpenAI SDK: the project-correct fix, a standalone rewrite that breaks a
// passing project test, a wrong fix. The record names what each fixes and breaks; Apply… previews
// the pick's whole new file, Accept writes exactly it, and nothing else in the workspace changes
// (no __pycache__, no report files).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ReplayServer } from '../../../src/demo/replayServer';
import type { RunRecord } from '../../../src/core/types';
import { buildProject } from '../../fixtures/projects/buildProjects';
import type { ProjectFixture } from '../../fixtures/projects/buildProjects';
import { EDIT_MODELS, editModelEntries, startEditModels } from '../../fixtures/projects/editModels';
import { OFFLINE_IMAGES, closeAllEditors, quorumApi, setQuorumSettings, until } from './quorumApi';
import { treeHash } from '../../treeHash';

function diffTabs(): vscode.TabInputTextDiff[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .map((t) => t.input)
    .filter((i): i is vscode.TabInputTextDiff => i instanceof vscode.TabInputTextDiff);
}

describe('an edit ask from the Quick Fix through the preview to Apply (real Docker)', function () {
  this.timeout(300_000);
  let server: ReplayServer;
  let root: string;
  let fixture: ProjectFixture;
  /** The target as committed, with the bug. */
  let original: string;
  let diagnostics: vscode.DiagnosticCollection;

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the integration run opens a workspace folder');
    // Inside the workspace folder, so the editor's file is an edit ask; removed again in after().
    root = mkdtempSync(join(folder, 'edit-ask-'));
    fixture = await buildProject('python-unittest', root);
    original = readFileSync(join(root, fixture.target), 'utf8');
    server = await startEditModels(fixture.answers);
    await setQuorumSettings({
      models: editModelEntries(server, 'openai-compatible'),
      'sandbox.enabled': true,
      'sandbox.images': OFFLINE_IMAGES,
      'sandbox.pull': false,
      'project.enabled': true,
    });
    const api = await quorumApi();
    await until(
      () => api.models().length === EDIT_MODELS.length && api.executionAllowed(),
      5000,
      'the settings',
    );
    diagnostics = vscode.languages.createDiagnosticCollection('quorum-it-edit');
  });

  after(async () => {
    diagnostics?.dispose();
    await vscode.commands.executeCommand('quorum.rejectApply');
    await closeAllEditors();
    await setQuorumSettings({
      models: undefined,
      'sandbox.enabled': undefined,
      'sandbox.images': undefined,
      'sandbox.pull': undefined,
      'project.enabled': undefined,
    });
    await server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('picks the project-correct fix on the project tests, and Apply writes exactly its new file', async () => {
    const { target, failingTest, regressionTest } = fixture;
    const file = vscode.Uri.file(join(root, target));
    const before = treeHash(root);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file), {
      preview: false,
    });

    // The Quick Fix, as the lightbulb offers it on a diagnostic of the file.
    const buggy = original.split('\n').findIndex((l) => l.includes('if quantity > BULK_THRESHOLD'));
    assert.ok(buggy > 0, 'the fixture has the bug');
    const column = original.split('\n')[buggy]?.indexOf('if') ?? 0;
    const range = new vscode.Range(buggy, column, buggy, column + 'if quantity > BULK_THRESHOLD'.length);
    const problem = new vscode.Diagnostic(
      range,
      'test_bulk_discount fails: an order of exactly 10 gets no discount',
      vscode.DiagnosticSeverity.Error,
    );
    problem.source = 'it-tests';
    diagnostics.set(file, [problem]);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      file,
      range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title === 'Quorum: Fix with Models');
    assert.ok(fix?.command, `the Quick Fix is offered (got: ${actions.map((a) => a.title).join(', ')})`);
    const record = await vscode.commands.executeCommand<RunRecord | undefined>(
      fix.command.command,
      ...((fix.command.arguments ?? []) as unknown[]),
    );
    assert.ok(record, 'the Quick Fix ran an ask');

    // An edit ask of the file, graded on the project's own tests against the baseline.
    assert.equal(record.request.intent, 'fix');
    assert.equal(record.request.edit?.path, target, 'an edit ask of the file');
    assert.equal(record.project?.baseline?.state, 'ok', JSON.stringify(record.project));
    assert.equal(record.project?.baseline?.tests[failingTest], 'failed');
    assert.equal(record.project?.baseline?.tests[regressionTest], 'passed');
    const by = new Map(record.candidates.map((c) => [c.id, c.project]));
    assert.deepEqual(by.get('correct')?.fixedIds, [failingTest], JSON.stringify(by.get('correct')));
    assert.deepEqual(by.get('correct')?.regressedIds, []);
    assert.deepEqual(
      by.get('standalone')?.regressedIds,
      [regressionTest],
      JSON.stringify(by.get('standalone')?.outcomes),
    );
    assert.deepEqual(by.get('wrong')?.fixedIds, []);
    assert.equal(record.verdict?.pick, 'correct', record.verdict?.reasons.join('\n'));
    assert.equal(record.verdict?.strategy, 'project-tests');
    const pick = by.get('correct')?.edit;
    assert.ok(pick?.ok, 'the pick is an edit that applies');
    assert.equal(editor.document.getText(), original, 'the ask wrote nothing into the editor');
    assert.deepEqual(treeHash(root), before, 'the ask wrote nothing into the workspace');

    // Apply… previews the whole new file against the file; Accept writes exactly it.
    const preview = await vscode.commands.executeCommand<vscode.Uri>('quorum.applyCandidate', 'correct');
    assert.ok(preview, 'Apply… returns the preview URI');
    await until(
      () => diffTabs().some((t) => t.modified.toString() === preview.toString()),
      5000,
      'the preview diff',
    );
    const tab = diffTabs().find((t) => t.modified.toString() === preview.toString());
    assert.equal(tab?.original.toString(), file.toString(), 'left: the file as it is');
    assert.equal((await vscode.workspace.openTextDocument(preview)).getText(), pick.newText);
    assert.equal(editor.document.getText(), original, 'nothing is written before Accept');
    assert.equal(await vscode.commands.executeCommand('quorum.acceptApply'), 'applied');
    assert.equal(editor.document.getText(), pick.newText);
    assert.equal(pick.newText, fixture.fixedText);
    assert.ok(await editor.document.save(), 'the applied file saves');

    const after = treeHash(root);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (p) => before.get(p) !== after.get(p),
    );
    assert.deepEqual(changed, [target], 'only the applied file changed (no __pycache__, no reports)');
    assert.equal(readFileSync(file.fsPath, 'utf8'), pick.newText);
  });
});
