/**
 * Read-only virtual documents (`quorum-candidate:`) so VS Code's own diff editor can compare a
 * candidate with the pick or with the user's selection. Content is held in memory, bounded.
 */
import * as vscode from 'vscode';
import type { Language } from '../core/types';

export const CANDIDATE_SCHEME = 'quorum-candidate';

const EXTENSIONS: Readonly<Record<Language, string>> = {
  python: 'py',
  javascript: 'js',
  typescript: 'ts',
  bash: 'sh',
  go: 'go',
  rust: 'rs',
};

/** Keeps the documents of the latest few diffs only; older URIs then show as empty. */
const MAX_DOCUMENTS = 40;

export interface DiffSide {
  /** Unique within the ask, e.g. a candidate id or `selection`. */
  readonly key: string;
  readonly askId: string;
  readonly code: string;
  readonly language?: Language | null;
  /** The file extension to use instead of the language's, e.g. the real file's for an apply preview. */
  readonly extension?: string;
}

export class CandidateDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration: vscode.Disposable;
  readonly onDidChange = this.emitter.event;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(CANDIDATE_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Registers the side's text and returns its URI; the file extension gives the language mode. */
  uriFor(side: DiffSide): vscode.Uri {
    const ext = side.extension ?? (side.language ? EXTENSIONS[side.language] : 'txt');
    const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
    const uri = vscode.Uri.from({
      scheme: CANDIDATE_SCHEME,
      path: `/${safe(side.askId)}/${safe(side.key)}.${ext}`,
    });
    const key = uri.toString();
    this.contents.delete(key);
    this.contents.set(key, side.code);
    if (this.contents.size > MAX_DOCUMENTS) this.contents.delete(this.contents.keys().next().value as string);
    this.emitter.fire(uri);
    return uri;
  }

  async openDiff(base: DiffSide, other: DiffSide, title: string): Promise<void> {
    await vscode.commands.executeCommand('vscode.diff', this.uriFor(base), this.uriFor(other), title, {
      preview: true,
    });
  }

  dispose(): void {
    this.registration.dispose();
    this.emitter.dispose();
    this.contents.clear();
  }
}
