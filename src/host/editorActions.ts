/**
 * What a candidate can do to the user's editor: insert at the cursor or replace the selection as one
 * undoable edit with its indentation adapted, copy, or open as an untitled document. Apply… with a
 * preview is in applyPreview.ts.
 */
import * as vscode from 'vscode';
import type { Language } from '../core/types';
import { adaptIndentation } from './indentation';
import { vscodeLanguageId } from './selection';

export type InsertMode = 'cursor' | 'replace';

/** Where a candidate goes and the text that goes there, re-indented for that place. */
export function placementOf(
  editor: vscode.TextEditor,
  code: string,
  mode: InsertMode,
  /** Replaces this range instead of the editor's selection or cursor (Apply's remembered target). */
  target?: vscode.Range,
): { range: vscode.Range; text: string } {
  const doc = editor.document;
  const range: vscode.Range = target
    ? target
    : mode === 'replace'
      ? editor.selection
      : new vscode.Range(editor.selection.active, editor.selection.active);
  const line = doc.lineAt(range.start.line);
  const tabSize = typeof editor.options.tabSize === 'number' ? editor.options.tabSize : 4;
  const text = adaptIndentation(code, {
    lineText: line.text,
    column: range.start.character,
    insertSpaces: editor.options.insertSpaces !== false,
    tabSize,
    eol: doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n',
  });
  return { range, text };
}

/** Top-level definitions (Python def/class, JS/TS function/class/const/let/var) by name. */
function topLevelNames(text: string): Set<string> {
  const re =
    /^(?:async\s+)?(?:def|class)\s+(\w+)|^(?:export\s+)?(?:async\s+)?(?:function\*?|class|const|let|var)\s+(\w+)/gm;
  return new Set(Array.from(text.matchAll(re), (m) => m[1] ?? m[2] ?? ''));
}

/**
 * True when `code` is a rewrite of the whole `file` rather than a snippet for it: it defines every
 * top-level name the file defines (a file with none is never taken to be rewritten).
 */
export function rewritesWholeFile(file: string, code: string): boolean {
  const names = topLevelNames(file);
  if (names.size === 0) return false;
  const defined = topLevelNames(code);
  return [...names].every((n) => defined.has(n));
}

/** Applies the code in one edit (one undo step). Returns false when the editor refused the edit. */
export async function insertCode(
  editor: vscode.TextEditor,
  code: string,
  mode: InsertMode,
): Promise<boolean> {
  const { range, text } = placementOf(editor, code, mode);
  return editor.edit((builder) => builder.replace(range, text), {
    undoStopBefore: true,
    undoStopAfter: true,
  });
}

export async function copyCode(code: string): Promise<void> {
  await vscode.env.clipboard.writeText(code);
  vscode.window.setStatusBarMessage('Quorum: code copied', 2000);
}

export async function openUntitled(
  code: string,
  language: Language | null | undefined,
): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({
    content: code,
    language: vscodeLanguageId(language),
  });
  return vscode.window.showTextDocument(doc, { preview: false });
}
