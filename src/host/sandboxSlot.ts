/**
 * Holds the Docker sandbox, built lazily from the settings snapshot on first use (activation stays
 * cheap) by the core's pipeline module, rebuilt when sandbox settings change, and disposed (its warm
 * pool with it) on deactivate. An ask leases the sandbox it started with: a settings change mid-ask
 * builds the next one, and the leased one is disposed only when its last ask ends.
 * Untrusted workspaces and `quorum.sandbox.enabled: false` get no sandbox at all.
 */
import * as vscode from 'vscode';
import type { QuorumConfig } from '../core/config';
import { SandboxError } from '../core/types';
import type { DockerSandbox } from '../core/sandbox/docker';
import type { Logger, PullProgress } from '../core/types';
import { loadPipeline } from './coreLoader';
import type { DockerStatus } from './statusBar';
import type { TrustState } from './trust';
import { UNTRUSTED_EXPLANATION } from './trust';

/** Shows image pulls as one progress notification per image, closed when the pull goes quiet. */
class PullNotifier {
  private readonly open = new Map<string, { report: (m: string) => void; touch: () => void }>();

  onProgress(p: PullProgress): void {
    const existing = this.open.get(p.image);
    const text = p.fraction !== undefined ? `${p.status} ${Math.round(p.fraction * 100)}%` : p.status;
    if (existing) {
      existing.report(text);
      existing.touch();
      return;
    }
    void vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Quorum: ${p.phase === 'prepare' ? 'preparing' : 'pulling'} ${p.image}`,
      },
      (progress) =>
        new Promise<void>((resolve) => {
          let timer: NodeJS.Timeout | undefined;
          // The engine sends no "finished" event we can rely on; a quiet pull is a finished pull.
          const touch = (): void => {
            clearTimeout(timer);
            timer = setTimeout(() => {
              this.open.delete(p.image);
              resolve();
            }, 3000);
          };
          this.open.set(p.image, { report: (message) => progress.report({ message }), touch });
          progress.report({ message: text });
          touch();
        }),
    );
  }
}

/** The sandbox an ask runs with, held until `release`. */
export interface SandboxLease {
  readonly sandbox?: DockerSandbox;
  /** Why the ask runs without execution, with the engine's advice, when the engine did not answer. */
  readonly engineProblem?: string;
  release(): void;
}

export class SandboxSlot implements vscode.Disposable {
  private sandbox: DockerSandbox | undefined;
  /** Asks holding each sandbox; a replaced sandbox is disposed when its count reaches zero. */
  private readonly leases = new Map<DockerSandbox, number>();
  /** The settings the current sandbox was built from, as JSON: snapshots are new objects on any change. */
  private built: string | undefined;
  private readonly notifier = new PullNotifier();
  private readonly checked = new vscode.EventEmitter<DockerStatus>();
  /** Fires with the result of every engine check, for the status bar. */
  readonly onDidCheck = this.checked.event;

  constructor(
    private readonly config: () => QuorumConfig,
    private readonly trust: TrustState,
    private readonly logger: Logger,
  ) {}

  /** Why nothing can run right now, or undefined when a sandbox is available. */
  get blockedReason(): string | undefined {
    if (!this.trust.trusted) return UNTRUSTED_EXPLANATION;
    if (!this.config().sandbox.enabled) {
      return 'Running answers is turned off (quorum.sandbox.enabled is false). Turn it on to run and judge answers.';
    }
    return undefined;
  }

  /** The sandbox for the current settings, or undefined when execution is not allowed. */
  async get(): Promise<DockerSandbox | undefined> {
    if (this.blockedReason) return undefined;
    const settings = this.config().sandbox;
    const key = JSON.stringify(settings);
    if (this.sandbox && this.built === key) return this.sandbox;
    const { createSandbox } = await loadPipeline();
    if (this.sandbox && this.built === key) return this.sandbox; // built by a concurrent caller meanwhile
    this.release();
    this.built = key;
    this.sandbox = createSandbox(settings, {
      logger: this.logger,
      onPullProgress: (p) => this.notifier.onProgress(p),
    });
    this.logger.info(
      `sandbox ready (pool ${settings.poolSize}, docker ${settings.dockerHost ?? 'default socket'})`,
    );
    return this.sandbox;
  }

  /** Checks the engine; never throws, the message carries the engine's advice. */
  async checkDocker(): Promise<DockerStatus> {
    const blocked = this.blockedReason;
    const status: DockerStatus = blocked ? { available: false, message: blocked } : await this.checkEngine();
    this.checked.fire(status);
    return status;
  }

  /**
   * The sandbox for an ask, after a ping: when the engine does not answer the ask goes on without
   * execution and `engineProblem` says why, with the engine's advice.
   */
  async forAsk(): Promise<SandboxLease> {
    const sandbox = await this.get();
    if (!sandbox) return { release: () => {} };
    this.leases.set(sandbox, (this.leases.get(sandbox) ?? 0) + 1);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const left = (this.leases.get(sandbox) ?? 1) - 1;
      if (left > 0) return void this.leases.set(sandbox, left);
      this.leases.delete(sandbox);
      if (sandbox !== this.sandbox) this.disposeQuietly(sandbox);
    };
    const status = await this.checkEngine();
    this.checked.fire(status);
    return status.available ? { sandbox, release } : { engineProblem: status.message, release };
  }

  private async checkEngine(): Promise<DockerStatus> {
    try {
      await (await this.get())?.check();
      return { available: true };
    } catch (error) {
      const message = SandboxError.is(error) ? `${error.message} ${error.advice}` : String(error);
      return { available: false, message };
    }
  }

  /** Retires the current sandbox; an ask still holding it keeps it until the ask ends. */
  private release(): void {
    const old = this.sandbox;
    this.sandbox = undefined;
    this.built = undefined;
    if (old && !this.leases.has(old)) this.disposeQuietly(old);
  }

  private disposeQuietly(sandbox: DockerSandbox): void {
    void sandbox.dispose().catch((e: unknown) => this.logger.warn(`sandbox dispose failed: ${String(e)}`));
  }

  /** Awaited by deactivate, so no container (warm or leased) outlives the window. */
  async disposeAsync(): Promise<void> {
    const all = new Set([...this.leases.keys(), ...(this.sandbox ? [this.sandbox] : [])]);
    this.sandbox = undefined;
    this.built = undefined;
    this.leases.clear();
    await Promise.all([...all].map((s) => s.dispose()));
  }

  dispose(): void {
    this.release();
    this.checked.dispose();
  }
}
