// Runs inside the real extension host: Apply… opens VS Code's diff editor of the file against the file with
// the candidate applied; Accept is one undoable edit, Reject leaves the file untouched, and a file changed
// after the preview refuses to take the stale text.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { closeAllEditors, openEditor, quorumApi, until } from './quorumApi';

const ORIGINAL = 'def f():\n    return 1\n\nprint(f())\n';
const CANDIDATE = 'def f():\n    return 2';
const APPLIED = 'def f():\n    return 2\n\nprint(f())\n';

function diffTabs(): vscode.TabInputTextDiff[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .map((t) => t.input)
    .filter((i): i is vscode.TabInputTextDiff => i instanceof vscode.TabInputTextDiff);
}

async function preview(editor: vscode.TextEditor): Promise<vscode.Uri> {
  editor.selection = new vscode.Selection(0, 0, 1, 12); // the whole function
  await vscode.window.showTextDocument(editor.document, { preview: false });
  const uri = await vscode.commands.executeCommand<vscode.Uri>('quorum.applyCandidate', {
    code: CANDIDATE,
    label: 'it-candidate',
  });
  assert.ok(uri, 'Apply… returns the preview URI');
  await until(() => diffTabs().some((t) => t.modified.toString() === uri.toString()), 5000, 'the diff tab');
  return uri;
}

describe('Apply… with a preview', () => {
  before(() => quorumApi());
  afterEach(async () => {
    await vscode.commands.executeCommand('quorum.rejectApply');
    await closeAllEditors();
  });

  it('shows the file against the file with the candidate applied, and Accept writes it as one undo step', async () => {
    const editor = await openEditor(ORIGINAL);
    const uri = await preview(editor);
    const tab = diffTabs().find((t) => t.modified.toString() === uri.toString());
    assert.equal(tab?.original.toString(), editor.document.uri.toString(), 'left: the file as it is');
    assert.equal(
      (await vscode.workspace.openTextDocument(uri)).getText(),
      APPLIED,
      'right: with the candidate',
    );
    assert.equal(editor.document.getText(), ORIGINAL, 'nothing is written before Accept');

    assert.equal(await vscode.commands.executeCommand('quorum.acceptApply'), 'applied');
    assert.equal(editor.document.getText(), APPLIED);
    await until(
      () => !diffTabs().some((t) => t.modified.toString() === uri.toString()),
      5000,
      'the diff to close',
    );
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), ORIGINAL, 'one undo restores the file');
  });

  it('inserts at the cursor when nothing is selected', async () => {
    const editor = await openEditor('x = 1\n\nz = 3\n');
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    await vscode.commands.executeCommand('quorum.applyCandidate', { code: 'y = 2' });
    assert.equal(await vscode.commands.executeCommand('quorum.acceptApply'), 'applied');
    assert.equal(editor.document.getText(), 'x = 1\ny = 2\nz = 3\n');
  });

  it('Reject leaves the file untouched and closes the preview', async () => {
    const editor = await openEditor(ORIGINAL);
    const uri = await preview(editor);
    assert.equal(await vscode.commands.executeCommand('quorum.rejectApply'), 'rejected');
    assert.equal(editor.document.getText(), ORIGINAL);
    assert.equal(editor.document.isDirty, false);
    await until(
      () => !diffTabs().some((t) => t.modified.toString() === uri.toString()),
      5000,
      'the diff to close',
    );
    assert.equal(
      await vscode.commands.executeCommand('quorum.acceptApply'),
      'none',
      'nothing left to accept',
    );
  });

  it('refuses to apply to a file changed after the preview', async () => {
    const editor = await openEditor(ORIGINAL);
    await preview(editor);
    // The diff editor has the focus now; the file changes underneath it, as another tool would change it.
    const change = new vscode.WorkspaceEdit();
    change.insert(editor.document.uri, new vscode.Position(0, 0), '# changed meanwhile\n');
    assert.equal(await vscode.workspace.applyEdit(change), true);
    assert.equal(await vscode.commands.executeCommand('quorum.acceptApply'), 'stale');
    assert.equal(
      editor.document.getText(),
      `# changed meanwhile\n${ORIGINAL}`,
      'the stale text was not written',
    );
  });
});
