/**
 * Apply… with a preview: VS Code's diff editor shows the file as it is against the file with the
 * candidate applied (replacing the selection, or at the cursor), and the user accepts or rejects.
 * Accept is one WorkspaceEdit, so one undo step; Reject leaves the file untouched. If the file
 * changed after the preview was made, Accept refuses and says so instead of writing stale text.
 */
import { extname } from 'node:path';
import * as vscode from 'vscode';
import type { CandidateDocuments } from './diffDocuments';
import { placementOf } from './editorActions';

export const APPLY_PENDING_CONTEXT = 'quorum.applyPending';

interface Pending {
  readonly document: vscode.TextDocument;
  /** The document version the preview was computed from; any edit since makes it stale. */
  readonly version: number;
  readonly range: vscode.Range;
  readonly text: string;
  readonly previewUri: vscode.Uri;
}

export type ApplyOutcome = 'applied' | 'rejected' | 'stale' | 'none';

export class ApplyPreview implements vscode.Disposable {
  private pending: Pending | undefined;
  private seq = 0;

  constructor(private readonly documents: CandidateDocuments) {}

  /**
   * Opens the diff for `code` in `editor`; a preview already open is dropped (its file is untouched).
   * `target` is the range the ask was about (its selection, or the whole file when it sent the whole
   * file); without it the editor's selection is replaced, or the code goes in at the cursor.
   */
  async open(
    editor: vscode.TextEditor,
    code: string,
    label: string,
    target?: vscode.Range,
    /** An edit ask's whole new file: `target` takes `code` exactly as it is (no re-indent, final newline kept). */
    verbatim = false,
  ): Promise<vscode.Uri> {
    const document = editor.document;
    const mode = editor.selection.isEmpty ? 'cursor' : 'replace';
    const { range, text } =
      verbatim && target ? { range: target, text: code } : placementOf(editor, code, mode, target);
    const before = document.getText();
    const proposed =
      before.slice(0, document.offsetAt(range.start)) + text + before.slice(document.offsetAt(range.end));
    const ext = extname(document.uri.path).replace(/^\./, '') || 'txt';
    const previewUri = this.documents.uriFor({
      key: `apply-${++this.seq}`,
      askId: 'apply',
      code: proposed,
      extension: ext,
    });
    await this.closePreview();
    this.pending = { document, version: document.version, range, text, previewUri };
    await vscode.commands.executeCommand('setContext', APPLY_PENDING_CONTEXT, true);
    const name = document.uri.path.split('/').pop() ?? 'file';
    await vscode.commands.executeCommand(
      'vscode.diff',
      document.uri,
      previewUri,
      `${name} ↔ ${label} applied (Quorum: Accept or Reject)`,
      { preview: true },
    );
    void vscode.window
      .showInformationMessage(`Quorum: apply ${label} to ${name}?`, 'Accept', 'Reject')
      .then((choice) => {
        // The same preview may have been settled from the editor title meanwhile.
        if (this.pending?.previewUri !== previewUri) return;
        if (choice === 'Accept') void this.accept();
        else if (choice === 'Reject') void this.reject();
      });
    return previewUri;
  }

  get isPending(): boolean {
    return this.pending !== undefined;
  }

  async accept(): Promise<ApplyOutcome> {
    const p = this.pending;
    if (!p) return 'none';
    if (p.document.isClosed || p.document.version !== p.version) {
      await this.finish();
      void vscode.window.showWarningMessage(
        `Quorum: ${vscode.workspace.asRelativePath(p.document.uri)} changed after the preview was made, ` +
          'so nothing was applied. Run Apply… again to preview against the current text.',
      );
      return 'stale';
    }
    const edit = new vscode.WorkspaceEdit();
    edit.replace(p.document.uri, p.range, p.text);
    const ok = await vscode.workspace.applyEdit(edit);
    await this.finish();
    if (ok) await vscode.window.showTextDocument(p.document, { preview: false });
    return ok ? 'applied' : 'stale';
  }

  async reject(): Promise<ApplyOutcome> {
    if (!this.pending) return 'none';
    await this.finish();
    return 'rejected';
  }

  private async finish(): Promise<void> {
    await this.closePreview();
    this.pending = undefined;
    await vscode.commands.executeCommand('setContext', APPLY_PENDING_CONTEXT, false);
  }

  /** Closes the diff tab of the pending preview, if it is still open. */
  private async closePreview(): Promise<void> {
    const uri = this.pending?.previewUri.toString();
    if (!uri) return;
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    const open = tabs.filter(
      (t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === uri,
    );
    if (open.length) await vscode.window.tabGroups.close(open);
  }

  dispose(): void {
    this.pending = undefined;
  }
}
