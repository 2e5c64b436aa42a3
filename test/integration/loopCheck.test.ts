/**
 * Proves the harness itself before the feature suite runs: this code executes inside a real
 * VS Code extension host, with the folder the runner opened and Quorum loaded from this repo.
 */
import { strict as assert } from 'node:assert';
import { realpathSync } from 'node:fs';
import * as vscode from 'vscode';
import { FOLDER_ENV } from './result';

describe('integration harness', () => {
  // The runner names the version it started (QUORUM_EXPECTED_VSCODE); 1.100 is the engines floor.
  const expected = process.env.QUORUM_EXPECTED_VSCODE ?? '1.100';
  it(`runs inside a VS Code ${expected} extension host`, () => {
    assert.ok(vscode.version.startsWith(expected), `VS Code ${vscode.version}, expected ${expected}`);
    assert.equal(typeof vscode.commands.executeCommand, 'function');
  });

  it('opened the folder the runner asked for', () => {
    const expected = process.env[FOLDER_ENV];
    assert.ok(expected, `${FOLDER_ENV} is not set: the runner must pass it to VS Code`);
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.deepEqual(
      folders.map((f) => realpathSync(f.uri.fsPath)),
      [realpathSync(expected)],
    );
  });

  it('loaded the Quorum extension from this repository', () => {
    const quorum = vscode.extensions.all.find(
      (e) => e.packageJSON && (e.packageJSON as { name?: string }).name === 'quorum',
    );
    assert.ok(quorum, 'the Quorum extension is not loaded');
    assert.equal(realpathSync(quorum.extensionPath), realpathSync(`${__dirname}/../..`));
  });
});
