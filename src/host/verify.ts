/**
 * `Quorum: Verify Selection`: runs the selected code exactly as written in the sandbox, with no model
 * involved, and shows what it printed. Refuses in an untrusted workspace, saying why.
 */
import * as vscode from 'vscode';
import { runSummary } from '../core/runSummary';
import { SandboxError } from '../core/types';
import type { Language, RunResult } from '../core/types';
import type { HostServices } from './services';
import { quorumLanguage } from './selection';

function describe(run: RunResult): string {
  return `${runSummary(run)} on ${run.image}`;
}

export class SelectionVerifier implements vscode.Disposable {
  private channel: vscode.OutputChannel | undefined;

  constructor(private readonly s: HostServices) {}

  /** Returns the run, or undefined when nothing ran (no editor, untrusted, cancelled, engine error). */
  async verify(): Promise<RunResult | undefined> {
    const editor = this.s.tracker.editor;
    if (!editor) {
      void vscode.window.showWarningMessage('Quorum: open a file and select the code to verify.');
      return undefined;
    }
    const sandbox = await this.s.sandbox.get();
    if (!sandbox) {
      void vscode.window.showErrorMessage(
        `Quorum cannot verify: ${this.s.sandbox.blockedReason ?? 'no sandbox.'}`,
      );
      return undefined;
    }
    const doc = editor.document;
    const code = editor.selection.isEmpty ? doc.getText() : doc.getText(editor.selection);
    const language: Language | undefined = quorumLanguage(doc.languageId) ?? this.s.settings.config.language;
    if (!language) {
      void vscode.window.showWarningMessage(
        `Quorum cannot run "${doc.languageId}" code; set "quorum.language" or use Python, JavaScript, TypeScript, Bash, Go or Rust.`,
      );
      return undefined;
    }
    try {
      const run = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Quorum: running the ${language} selection`,
          cancellable: true,
        },
        async (_progress, token) => {
          const controller = new AbortController();
          const sub = token.onCancellationRequested(() => controller.abort());
          try {
            return await sandbox.run({
              code,
              language,
              limits: this.s.settings.config.sandbox.limits,
              signal: controller.signal,
            });
          } finally {
            sub.dispose();
          }
        },
      );
      this.show(run);
      return run;
    } catch (error) {
      const text = SandboxError.is(error) ? `${error.message} ${error.advice}` : String(error);
      this.s.log.logger.error(`verify failed: ${text}`);
      void vscode.window.showErrorMessage(`Quorum could not run the selection: ${text}`);
      return undefined;
    }
  }

  private show(run: RunResult): void {
    this.channel ??= vscode.window.createOutputChannel('Quorum Run');
    const c = this.channel;
    c.clear();
    c.appendLine(`# ${describe(run)}`);
    c.appendLine('--- stdout ---');
    c.appendLine(run.stdout);
    if (run.stderr) {
      c.appendLine('--- stderr ---');
      c.appendLine(run.stderr);
    }
    c.show(true);
    const ok = run.exitCode === 0 && run.limitsHit.length === 0;
    vscode.window.setStatusBarMessage(`Quorum: selection ${ok ? 'ran' : 'failed'} (${describe(run)})`, 5000);
  }

  dispose(): void {
    this.channel?.dispose();
  }
}
