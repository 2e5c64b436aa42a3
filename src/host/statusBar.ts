/**
 * One status bar item: while an ask runs it counts finished models ("2 of 5 models") and cancels on
 * click; otherwise it shows whether Docker is reachable and opens the panel.
 */
import * as vscode from 'vscode';
import type { SessionEvent } from '../core/types';

export interface DockerStatus {
  readonly available: boolean;
  readonly message?: string;
}

export class QuorumStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'quorum.status',
    vscode.StatusBarAlignment.Left,
    50,
  );
  private total = 0;
  private finished = 0;
  private running = false;
  private dockerStatus: DockerStatus | undefined;

  constructor(
    private readonly commands: { readonly cancel: string; readonly openPanel: string },
    private readonly demo: () => boolean,
  ) {
    this.item.name = 'Quorum';
    this.refresh();
    this.item.show();
  }

  /** Counts models as their answers end, whatever the outcome. */
  onSessionEvent(event: SessionEvent): void {
    switch (event.type) {
      case 'session-started':
        this.running = true;
        this.total = event.models.length;
        this.finished = 0;
        break;
      case 'candidate-done':
      case 'candidate-failed':
        this.finished = Math.min(this.total, this.finished + 1);
        break;
      case 'session-done':
        this.running = false;
        break;
      default:
        return;
    }
    this.refresh();
  }

  get docker(): DockerStatus | undefined {
    return this.dockerStatus;
  }

  setDocker(status: DockerStatus): void {
    this.dockerStatus = status;
    this.refresh();
  }

  /** The text shown, for tests and logs. */
  get text(): string {
    return this.item.text;
  }

  /** Redraws, e.g. after the demo starts or stops. */
  refresh(): void {
    const demo = this.demo() ? ' (demo, recorded)' : '';
    if (this.running) {
      this.item.text = `$(sync~spin) Quorum: ${this.finished} of ${this.total} models${demo}`;
      this.item.tooltip = 'Quorum is asking models. Click to cancel.';
      this.item.command = this.commands.cancel;
      return;
    }
    const docker =
      this.dockerStatus === undefined
        ? ''
        : this.dockerStatus.available
          ? ' $(check) Docker'
          : ' $(warning) Docker';
    this.item.text = `$(organization) Quorum${docker}${demo}`;
    this.item.tooltip =
      this.dockerStatus === undefined
        ? 'Quorum: open the panel'
        : this.dockerStatus.available
          ? 'Docker is reachable: answers run in the sandbox.'
          : `Docker is not available: ${this.dockerStatus.message ?? 'answers will not be run.'}`;
    this.item.command = this.commands.openPanel;
  }

  dispose(): void {
    this.item.dispose();
  }
}
