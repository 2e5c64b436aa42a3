/**
 * Runs asks for the host. One ask at a time, and asks never mix:
 * - `ask` takes the ask slot synchronously (its id is allocated at the click), so a second Run while
 *   the first is still starting (reading keys, checking Docker) supersedes it before anything is
 *   sent, and a Run while one streams cancels that one first;
 * - only the current ask's events update `state` and reach listeners (the panel, the status bar);
 * - re-runs belong to the ask they re-run: same id, kept in its record, cancellable, stored again.
 * The pipeline comes from the core's one builder, with the editor's long-lived sandbox injected.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { QuorumConfig } from '../core/config';
import type { AskHandle } from '../core/session';
import type { SessionProject } from '../core/project/editAsk';
import type { AskRequest, Logger, ModelConfig, RunRecord, SessionEvent } from '../core/types';
import type { ModelView } from '../protocol';
import { keyRule, loadGatewayClient, loadPipeline, loadSession } from './coreLoader';
import type { GatewayAccess } from './gatewayAccess';
import { editorProviders } from './lm/editorModels';
import type { TrustState } from './trust';
import type { DemoMode } from './demo';
import type { RunHistory } from './history';
import type { ModelRecordBook } from './modelRecords';
import { RunState } from './runState';
import type { SandboxSlot } from './sandboxSlot';
import type { ApiKeyStore } from './secrets';
import type { EditTargetOption } from './editTarget';

/** The replay server accepts any key; a placeholder keeps SDKs from reading real ones from the env. */
const DEMO_KEY = 'quorum-demo-not-a-secret';
/** How long deactivation waits for a cancelled ask to settle and be stored. */
const SHUTDOWN_WAIT_MS = 3_000;

export interface AskRunnerDeps {
  readonly config: () => QuorumConfig;
  /** The gateway asks go to instead of local providers and Docker, when one is configured. */
  readonly gateway: GatewayAccess;
  readonly trust: TrustState;
  readonly keys: ApiKeyStore;
  readonly sandbox: SandboxSlot;
  readonly demo: DemoMode;
  readonly history: RunHistory;
  /** The editor's model records: a cascade or budget ask orders its models by them. */
  readonly records?: Pick<ModelRecordBook, 'withRecords'>;
  readonly logger: Logger;
  /** `quorum.contextExclude`: never sent to a model nor into the sandbox. */
  readonly contextExclude?: () => readonly string[];
}

export interface AskOptions {
  /** Restricts the ask to these model ids; default: every enabled model. */
  readonly modelIds?: readonly string[];
  readonly token?: vscode.CancellationToken;
  /** The file (and lines) asked about: inside a project, the ask becomes an edit ask. */
  readonly edit?: EditTargetOption;
}

/** Thrown when no model can be asked; `advice` says what to do. */
export class NoModelsError extends Error {
  override readonly name = 'NoModelsError';
  constructor(
    message: string,
    readonly advice: string,
  ) {
    super(message);
  }
}

/** An ask that ended before any model was asked: a newer ask took its place, or it was cancelled. */
export class AskNotStartedError extends Error {
  override readonly name = 'AskNotStartedError';
  constructor(readonly why: 'superseded' | 'cancelled') {
    super(why === 'superseded' ? 'A newer ask replaced this one.' : 'Cancelled before any model was asked.');
  }
}

export class AskRunner implements vscode.Disposable {
  readonly state = new RunState();
  /** The shown ask's handle: running, or finished and kept for re-runs. */
  private handle: AskHandle | undefined;
  /** The ask whose events are shown; set synchronously when an ask is requested. */
  private current: string | undefined;
  /** Aborts the ask that is still starting (no model asked yet). */
  private starting: AbortController | undefined;
  /** Asks and re-runs in flight. */
  private busy = 0;
  /** Settles when the newest ask has ended and been stored (for deactivation). */
  private settled: Promise<unknown> = Promise.resolve();
  private readonly events = new vscode.EventEmitter<SessionEvent>();
  private readonly historyChanged = new vscode.EventEmitter<void>();
  private readonly runningChanged = new vscode.EventEmitter<boolean>();
  readonly onEvent = this.events.event;
  readonly onHistoryChange = this.historyChanged.event;
  /** Fires when `running` changes (for the `quorum.running` context key and the panel). */
  readonly onDidChangeRunning = this.runningChanged.event;

  constructor(private readonly deps: AskRunnerDeps) {}

  /** An ask is starting or running, or a re-run is in flight. */
  get running(): boolean {
    return this.busy > 0;
  }

  /** The id of the ask the panel shows (live or from the history). */
  get currentAskId(): string | undefined {
    return this.current;
  }

  /** The models an ask would use: the demo's while it runs, else the configured ones. */
  models(): readonly ModelConfig[] {
    return this.deps.demo.active ? this.deps.demo.models : this.deps.config().models;
  }

  async modelViews(): Promise<ModelView[]> {
    const demo = this.deps.demo.active;
    const models = this.models(); // read before any await, so the list and `demo` agree
    // The editor's own models (vscode-lm) need no key: the editor asks for consent itself.
    const editor: ModelView[] = demo
      ? []
      : (this.deps.config().editorModels ?? []).map((m) => ({
          id: m.id,
          kind: m.kind,
          model: m.model,
          enabled: m.enabled,
          hasKey: true,
        }));
    const needsKey = await keyRule();
    const keyed = await Promise.all(
      models.map(async (m) => ({
        id: m.id,
        kind: m.kind,
        model: m.model,
        enabled: m.enabled,
        hasKey: demo || !needsKey(m) || (await this.deps.keys.has(m)),
      })),
    );
    return [...keyed, ...editor];
  }

  /**
   * Runs one ask and stores its record. Throws `AskNotStartedError` when a newer ask or a cancel
   * came before any model was asked, `NoModelsError` when no model can be asked.
   */
  ask(request: AskRequest, options: AskOptions = {}): Promise<RunRecord> {
    // Synchronous up to here: the slot is taken before the first await.
    this.cancel();
    const askId = randomUUID();
    const starting = new AbortController();
    this.starting = starting;
    this.current = askId;
    this.handle = undefined;
    this.state.begin(askId, request.context);
    const cancellation = options.token?.onCancellationRequested(() => this.cancel());
    this.enter();
    const run = this.startAndRun(askId, request, options, starting.signal).finally(() => {
      cancellation?.dispose();
      if (this.starting === starting) this.starting = undefined;
      this.leave();
    });
    this.settled = run.catch(() => undefined);
    return run;
  }

  private async startAndRun(
    askId: string,
    request: AskRequest,
    options: AskOptions,
    starting: AbortSignal,
  ): Promise<RunRecord> {
    const notStarted = (): AskNotStartedError =>
      new AskNotStartedError(this.current === askId ? 'cancelled' : 'superseded');
    const gateway = this.deps.demo.active ? undefined : await this.deps.gateway.target();
    if (gateway) {
      if (starting.aborted) throw notStarted();
      const { startGatewayAsk } = await loadGatewayClient();
      // Workspace Trust still gates execution: in Restricted Mode the gateway only asks the models.
      const handle = startGatewayAsk(
        gateway,
        request,
        { askId, models: options.modelIds, execute: this.deps.trust.trusted },
        (e) => this.relay(e),
      );
      return this.follow(handle);
    }
    const lease = await this.deps.sandbox.forAsk();
    try {
      if (starting.aborted) throw notStarted();
      if (lease.engineProblem) {
        this.deps.logger.warn(`asking without execution: ${lease.engineProblem}`);
        void vscode.window.showWarningMessage(`Quorum: answers will not be run. ${lease.engineProblem}`);
      }
      const config = this.deps.config();
      const [{ buildPipeline }, { startAsk }] = await Promise.all([loadPipeline(), loadSession()]);
      const demo = this.deps.demo.active;
      const chosen = this.models().filter((m) =>
        options.modelIds ? options.modelIds.includes(m.id) : m.enabled,
      );
      const pipeline = await buildPipeline({
        config,
        models: chosen,
        keyFor: (m) => (demo ? DEMO_KEY : this.deps.keys.get(m)),
        sandbox: lease.sandbox ?? null,
        execute: lease.sandbox !== undefined,
        judgeModels: this.models(),
        // Models of the editor's Language Model API (vscode-lm): only the host can build them.
        extraProviders: demo ? [] : editorProviders(config, options.modelIds),
        logger: this.deps.logger,
      });
      if (starting.aborted) throw notStarted();
      if (pipeline.providers.length === 0) throw noModels(pipeline.missingKeys);
      const edit = demo
        ? undefined
        : await this.editAsk(request, options, config, lease.sandbox !== undefined);
      try {
        return await this.follow(
          startAsk(
            edit?.request ?? request,
            {
              ...pipeline,
              demo,
              project: edit?.project,
              strategy: this.deps.records
                ? await this.deps.records.withRecords(pipeline.strategy)
                : pipeline.strategy,
            },
            (e) => this.relay(e),
            {
              askId,
            },
          ),
        );
      } finally {
        await edit?.dispose();
      }
    } finally {
      lease.release();
    }
  }

  /**
   * An edit ask when the asked file lies in a project: the snapshot is taken and the baseline
   * started here. Without execution (Restricted Mode, Docker down) the answers are still read as
   * edits of the file; the record says the project's tests did not run.
   */
  private async editAsk(
    request: AskRequest,
    options: AskOptions,
    config: QuorumConfig,
    execute: boolean,
  ): Promise<{ request: AskRequest; project: SessionProject; dispose(): Promise<void> } | undefined> {
    if (!options.edit) return undefined;
    const [{ prepareEditAsk }, { createProjectSandbox }, { DEFAULT_IMAGES }] = await Promise.all([
      import('../core/project/editAsk.js'),
      import('../core/sandbox/projectRun.js'),
      import('../core/sandbox/languages.js'),
    ]);
    const sandbox = execute
      ? createProjectSandbox({
          dockerHost: config.sandbox.dockerHost,
          pull: config.sandbox.pull,
          logger: this.deps.logger,
        })
      : undefined;
    try {
      const prepared = await prepareEditAsk({
        file: options.edit.file,
        range: options.edit.range,
        instruction: request.instruction,
        intent: request.intent,
        settings: config.project,
        contextExclude: this.deps.contextExclude?.() ?? [],
        imageFor: (l) => config.sandbox.images[l] ?? DEFAULT_IMAGES[l] ?? 'python:3.12-slim',
        sandbox,
        noSandboxReason: this.deps.trust.trusted
          ? 'the Docker sandbox is not available.'
          : 'this workspace is not trusted (Restricted Mode), so nothing is executed.',
      });
      if (!prepared) {
        await sandbox?.dispose();
        return undefined;
      }
      return { ...prepared, dispose: async () => sandbox?.dispose() };
    } catch (error) {
      await sandbox?.dispose();
      // A project that cannot be snapshotted (over its cap, file excluded) is said, not swallowed.
      const { ProjectError } = await import('../core/project/projectError.js');
      if (ProjectError.is(error)) {
        this.deps.logger.warn(`edit ask not possible: ${error.message}`);
        void vscode.window.showWarningMessage(
          `Quorum: ${error.message} ${error.advice} Asking it as a snippet.`,
        );
        return undefined;
      }
      throw error;
    }
  }

  /** The started ask becomes the shown one; its record is stored when it ends. */
  private async follow(handle: AskHandle): Promise<RunRecord> {
    this.handle = handle;
    this.starting = undefined;
    const record = await handle.done;
    await this.store(record);
    return record;
  }

  /** Cancels the current ask (starting or running) and its re-runs. */
  cancel(): void {
    this.starting?.abort();
    this.starting = undefined;
    this.handle?.cancel();
  }

  /** Runs one candidate of the shown ask again, as part of that ask (live or from the history). */
  async rerun(candidateId: string): Promise<void> {
    const askId = this.current;
    const record = this.state.record;
    let handle = this.handle;
    if (!handle || handle.askId !== askId) {
      if (!record || record.askId !== askId) throw new Error('Wait for the ask to finish before re-running.');
      const lease = await this.deps.sandbox.forAsk();
      lease.release(); // a re-run uses the current sandbox; the slot keeps it for its own lifetime
      if (!lease.sandbox)
        throw new Error(this.deps.sandbox.blockedReason ?? lease.engineProblem ?? 'No sandbox.');
      const { reopenAsk } = await loadSession();
      const config = this.deps.config();
      handle = reopenAsk(
        record,
        { sandbox: lease.sandbox, limits: config.sandbox.limits, logger: this.deps.logger },
        (e) => this.relay(e),
      );
      if (this.current !== askId) return;
      this.handle = handle;
    }
    this.enter();
    try {
      await handle.rerun(candidateId);
    } finally {
      this.leave();
    }
  }

  /** Cancels what runs and waits (bounded) until the cancelled ask is stored; for deactivation. */
  async shutdown(): Promise<void> {
    this.cancel();
    await Promise.race([this.settled, new Promise((r) => setTimeout(r, SHUTDOWN_WAIT_MS))]);
  }

  /** Only the current ask's events update the state and reach listeners. */
  private relay(event: SessionEvent): void {
    if (event.askId !== this.current) return;
    this.state.apply(event);
    this.events.fire(event);
    if (event.type === 'record-updated') void this.store(event.record);
  }

  private async store(record: RunRecord): Promise<void> {
    await this.deps.history.save(record).then(
      () => this.historyChanged.fire(),
      (e: unknown) => this.deps.logger.warn(`could not store run ${record.askId}: ${String(e)}`),
    );
  }

  /** Shows a stored run (from the history) as the current one. */
  show(record: RunRecord): void {
    if (this.running) throw new Error('Wait for the running ask to finish, or cancel it, first.');
    this.current = record.askId;
    this.handle = undefined;
    this.state.load(record);
  }

  private enter(): void {
    if (this.busy++ === 0) this.runningChanged.fire(true);
  }

  private leave(): void {
    if (--this.busy === 0) this.runningChanged.fire(false);
  }

  dispose(): void {
    this.cancel();
    this.events.dispose();
    this.historyChanged.dispose();
    this.runningChanged.dispose();
  }
}

function noModels(missing: readonly string[]): NoModelsError {
  return new NoModelsError(
    missing.length
      ? `No API key stored for ${missing.join(', ')}.`
      : 'No model is enabled in the "quorum.models" setting.',
    missing.length
      ? 'Run "Quorum: Set API Key", or try the demo with recorded answers.'
      : 'Add a model to "quorum.models" or run "Quorum: Select Models".',
  );
}
