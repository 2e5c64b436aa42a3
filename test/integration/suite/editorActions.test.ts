// Runs inside the real extension host: Insert and Replace change the document exactly, in one undo step.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { insertCode } from '../../../src/host/editorActions';
import { closeAllEditors, openEditor } from './quorumApi';

describe('inserting a candidate into the editor', () => {
  afterEach(closeAllEditors);

  it('Insert at Cursor places the code at the cursor, indented like the line, and undoes in one step', async () => {
    const original = 'class A:\n    \n    x = 1\n';
    const editor = await openEditor(original);
    editor.selection = new vscode.Selection(1, 4, 1, 4);
    assert.equal(await insertCode(editor, 'def m(self):\n    return 1\n', 'cursor'), true);
    assert.equal(editor.document.getText(), 'class A:\n    def m(self):\n        return 1\n    x = 1\n');
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original);
  });

  it('Replace Selection swaps exactly the selected lines and undoes in one step', async () => {
    const original = 'def f():\n    x = 1\n    return x\n\nprint(f())\n';
    const editor = await openEditor(original);
    editor.selection = new vscode.Selection(1, 0, 2, 12);
    assert.equal(editor.document.getText(editor.selection), '    x = 1\n    return x');
    assert.equal(await insertCode(editor, 'y = 2\nreturn y', 'replace'), true);
    assert.equal(editor.document.getText(), 'def f():\n    y = 2\n    return y\n\nprint(f())\n');
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original);
  });

  it('keeps a CRLF document CRLF', async () => {
    const editor = await openEditor('a = 1\r\n');
    await editor.edit((b) => b.setEndOfLine(vscode.EndOfLine.CRLF));
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    await insertCode(editor, 'b = 2\nc = 3', 'cursor');
    assert.equal(editor.document.getText(), 'a = 1\r\nb = 2\r\nc = 3');
  });
});
