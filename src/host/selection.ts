/**
 * Remembers the text editor the user last worked in (the panel takes focus when clicked, so
 * `activeTextEditor` is often undefined by then) and describes its selection for the panel.
 */
import * as vscode from 'vscode';
import { isLanguage } from '../core/types';
import type { Language } from '../core/types';
import type { SelectionContext } from '../protocol';
import { CANDIDATE_SCHEME } from './diffDocuments';

/** VS Code language ids that differ from Quorum's names. */
const LANGUAGE_IDS: Readonly<Record<Language, string>> = {
  python: 'python',
  javascript: 'javascript',
  typescript: 'typescript',
  bash: 'shellscript',
  go: 'go',
  rust: 'rust',
};

export function vscodeLanguageId(language: Language | null | undefined): string {
  return language ? LANGUAGE_IDS[language] : 'plaintext';
}

export function quorumLanguage(languageId: string): Language | undefined {
  if (languageId === 'shellscript') return 'bash';
  return isLanguage(languageId) ? languageId : undefined;
}

/** The selection, or the whole document when nothing is selected. */
export function selectionContextOf(editor: vscode.TextEditor): SelectionContext {
  const doc = editor.document;
  const wholeFile = editor.selection.isEmpty;
  return {
    text: wholeFile ? doc.getText() : doc.getText(editor.selection),
    language: quorumLanguage(doc.languageId),
    file: doc.isUntitled ? undefined : vscode.workspace.asRelativePath(doc.uri),
    wholeFile,
  };
}

export class EditorTracker implements vscode.Disposable {
  private last: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly emitter = new vscode.EventEmitter<SelectionContext | undefined>();
  private readonly subscriptions: vscode.Disposable[];
  private timer: NodeJS.Timeout | undefined;
  /** Fires (debounced) when the tracked editor or its selection changes. */
  readonly onDidChange = this.emitter.event;

  constructor() {
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor((e) => {
        // Not the output panel, nor a Quorum preview: Apply… and Insert target the user's own file.
        if (e && e.document.uri.scheme !== 'output' && e.document.uri.scheme !== CANDIDATE_SCHEME)
          this.last = e;
        this.schedule();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === this.last) this.schedule();
      }),
    ];
  }

  /** The active editor, else the last one that is still visible. */
  get editor(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (active) return active;
    return this.last && vscode.window.visibleTextEditors.includes(this.last) ? this.last : undefined;
  }

  get selection(): SelectionContext | undefined {
    const editor = this.editor;
    return editor ? selectionContextOf(editor) : undefined;
  }

  private schedule(): void {
    // Selections change on every keystroke; the panel only needs the settled one.
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.emitter.fire(this.selection), 150);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}
