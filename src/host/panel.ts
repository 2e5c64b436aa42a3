/**
 * The `quorum.panel` webview view. It owns the webview's lifecycle only: HTML with a strict CSP,
 * queueing host messages until the webview says `webview/ready`, validating every incoming message
 * against the protocol (invalid ones are dropped and logged), and handing valid ones to the router.
 * Disposing the view aborts a running ask.
 */
import * as vscode from 'vscode';
import { isWebviewMessage } from '../protocol';
import type { HostMessage, WebviewMessage } from '../protocol';
import type { Logger } from '../core/types';
import { panelHtml } from './panelHtml';

export const VIEW_ID = 'quorum.panel';

export interface PanelRouter {
  /** Called for every valid message from the webview. */
  handle(message: WebviewMessage): Promise<void>;
  /** The messages that rebuild the panel from scratch after `webview/ready`. */
  initialMessages(): Promise<HostMessage[]>;
  /** The view went away (closed or the window reloads). */
  onViewDisposed(): void;
}

export class QuorumPanel implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private queue: HostMessage[] = [];
  private router: PanelRouter | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly readyEmitter = new vscode.EventEmitter<void>();
  /** Fires each time a webview finished loading and asked for its state; used by tests. */
  readonly onDidBecomeReady = this.readyEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly logger: Logger,
  ) {}

  setRouter(router: PanelRouter): void {
    this.router = router;
  }

  /** A webview is showing and has completed the handshake. */
  get isReady(): boolean {
    return this.view !== undefined && this.ready;
  }

  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    const uri = (...parts: string[]): string =>
      view.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...parts)).toString();
    view.webview.html = panelHtml({
      cspSource: view.webview.cspSource,
      scriptUri: uri('dist', 'webview.js'),
      styleUri: uri('media', 'panel.css'),
      codiconsUri: uri('dist', 'codicons', 'codicon.css'),
    });
    this.subscriptions.push(
      view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      view.onDidChangeVisibility(() => {
        // A hidden webview is torn down (no retained context): queue until the reloaded one says ready.
        if (!view.visible) this.ready = false;
      }),
      view.onDidDispose(() => {
        this.view = undefined;
        this.ready = false;
        this.router?.onViewDisposed();
      }),
    );
  }

  /** Sends now when the webview is ready, else queues (bounded: the init messages rebuild state). */
  post(message: HostMessage): void {
    if (this.view && this.ready) {
      void this.view.webview
        .postMessage(message)
        .then(undefined, (e: unknown) => this.logger.warn(`post failed: ${String(e)}`));
      return;
    }
    this.queue.push(message);
    if (this.queue.length > 2000) this.queue.splice(0, this.queue.length - 2000);
  }

  /** Opens the panel's container and focuses the view. */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
  }

  private async receive(raw: unknown): Promise<void> {
    if (!isWebviewMessage(raw)) {
      const type =
        typeof raw === 'object' && raw !== null ? String((raw as { type?: unknown }).type) : typeof raw;
      this.logger.warn(`dropped an invalid message from the panel (type ${type.slice(0, 60)})`);
      return;
    }
    try {
      if (raw.type === 'webview/ready') {
        await this.onReady();
        return;
      }
      await this.router?.handle(raw);
    } catch (error) {
      this.logger.error(`panel action ${raw.type} failed: ${String(error)}`);
      this.post({
        type: 'notice/show',
        level: 'error',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private async onReady(): Promise<void> {
    // A reloaded webview starts empty: the fresh init state replaces whatever was queued for the old one.
    const init = (await this.router?.initialMessages()) ?? [];
    const pending = this.queue.filter((m) => m.type === 'notice/show');
    this.queue = [];
    this.ready = true;
    for (const m of [...init, ...pending]) this.post(m);
    this.readyEmitter.fire();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.readyEmitter.dispose();
  }
}
