/**
 * Workspace Trust as the host sees it. In an untrusted workspace models may still be asked, but no
 * sandbox is handed to the session, so nothing runs. Tests can force a value because the extension
 * host cannot revoke trust at run time.
 */
import * as vscode from 'vscode';

export const UNTRUSTED_EXPLANATION =
  'Quorum does not run code in Restricted Mode: this workspace is not trusted. ' +
  'Models can still be asked. To run and judge answers in the Docker sandbox, trust the folder ' +
  '(Workspaces: Manage Workspace Trust).';

export class TrustState implements vscode.Disposable {
  private override: boolean | undefined;
  private readonly emitter = new vscode.EventEmitter<boolean>();
  private readonly subscription: vscode.Disposable;
  /** Fires with the new value whenever trust is granted or the override changes. */
  readonly onDidChange = this.emitter.event;

  constructor() {
    this.subscription = vscode.workspace.onDidGrantWorkspaceTrust(() => this.emitter.fire(this.trusted));
  }

  get trusted(): boolean {
    return this.override ?? vscode.workspace.isTrusted;
  }

  /** For tests only: `undefined` returns to the real workspace trust. */
  setOverride(value: boolean | undefined): void {
    const before = this.trusted;
    this.override = value;
    if (this.trusted !== before) this.emitter.fire(this.trusted);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
