/**
 * The edit ask's target from the editor: a saved file (`file:` scheme) inside a workspace folder,
 * and the selected lines when something is selected. The core decides whether the file belongs to
 * a project (then the ask is an edit ask, checked against the project's tests) or stays a snippet.
 */
import * as vscode from 'vscode';

export interface EditTargetOption {
  /** Absolute path of the edited file. */
  readonly file: string;
  /** 1-based inclusive lines of the selection. */
  readonly range?: { readonly startLine: number; readonly endLine: number };
}

export function editTargetOf(
  editor: vscode.TextEditor | undefined,
  enabled: boolean,
): EditTargetOption | undefined {
  if (!enabled || !editor) return undefined;
  const doc = editor.document;
  if (doc.uri.scheme !== 'file' || doc.isUntitled || !vscode.workspace.getWorkspaceFolder(doc.uri))
    return undefined;
  const sel = editor.selection;
  if (sel.isEmpty) return { file: doc.uri.fsPath };
  // A selection ending at column 0 of a line does not include that line.
  const endLine = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line : sel.end.line + 1;
  return { file: doc.uri.fsPath, range: { startLine: sel.start.line + 1, endLine } };
}
