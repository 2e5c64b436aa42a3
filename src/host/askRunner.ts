/**
 * Runs asks for the host: builds providers (keys from SecretStorage, or the demo's recorded models),
 * takes the sandbox from the slot and a judge over it, starts the core session, relays its events,
 * keeps the shown run in `state` and stores every finished run in the history. One ask at a time;
 * a new ask cancels the previous one, and so does disposing.
 */
import * as vscode from 'vscode';
import { sessionSettingsOf } from '../core/config';
import type { QuorumConfig } from '../core/config';
import type { LlmJudge } from '../core/judge/llmJudge';
import type { AskHandle } from '../core/session';
import { SandboxError } from '../core/types';
import type { AskRequest, Logger, ModelConfig, Provider, RunRecord, SessionEvent } from '../core/types';
import type { ModelView } from '../protocol';
import { keyRule, loadJudge, loadLlmJudge, loadProviders, loadSession } from './coreLoader';
import type { DemoMode } from './demo';
import type { RunHistory } from './history';
import { RunState } from './runState';
import type { SandboxSlot } from './sandboxSlot';
import type { ApiKeyStore } from './secrets';

/** The replay server accepts any key; a placeholder keeps SDKs from reading real ones from the env. */
const DEMO_KEY = 'quorum-demo-not-a-secret';

export interface AskRunnerDeps {
  readonly config: () => QuorumConfig;
  readonly keys: ApiKeyStore;
  readonly sandbox: SandboxSlot;
  readonly demo: DemoMode;
  readonly history: RunHistory;
  readonly logger: Logger;
}

export interface AskOptions {
  /** Restricts the ask to these model ids; default: every enabled model. */
  readonly modelIds?: readonly string[];
  readonly token?: vscode.CancellationToken;
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

export class AskRunner implements vscode.Disposable {
  readonly state = new RunState();
  private handle: AskHandle | undefined;
  /** Identifies the newest ask; events of an older, cancelled one no longer update `state`. */
  private current: symbol | undefined;
  private readonly events = new vscode.EventEmitter<SessionEvent>();
  private readonly historyChanged = new vscode.EventEmitter<void>();
  readonly onEvent = this.events.event;
  readonly onHistoryChange = this.historyChanged.event;

  constructor(private readonly deps: AskRunnerDeps) {}

  get running(): boolean {
    return this.handle !== undefined;
  }

  /** The models an ask would use: the demo's while it runs, else the configured ones. */
  models(): readonly ModelConfig[] {
    return this.deps.demo.active ? this.deps.demo.models : this.deps.config().models;
  }

  async modelViews(): Promise<ModelView[]> {
    const demo = this.deps.demo.active;
    const models = this.models(); // read before any await, so the list and `demo` agree
    const needsKey = await keyRule();
    return Promise.all(
      models.map(async (m) => ({
        id: m.id,
        kind: m.kind,
        model: m.model,
        enabled: m.enabled,
        hasKey: demo || !needsKey(m) || (await this.deps.keys.has(m)),
      })),
    );
  }

  async ask(request: AskRequest, options: AskOptions = {}): Promise<RunRecord> {
    this.cancel();
    const providers = await this.providers(options.modelIds);
    const config = this.deps.config();
    const { sandbox, engineProblem } = await this.deps.sandbox.forAsk();
    if (engineProblem) {
      this.deps.logger.warn(`asking without execution: ${engineProblem}`);
      void vscode.window.showWarningMessage(`Quorum: answers will not be run. ${engineProblem}`);
    }
    // Start containers while the models are still answering; the first run then skips the cold start.
    sandbox
      ?.warm(request.language ?? config.language ?? 'python')
      .catch((e: unknown) => this.deps.logger.debug(`warm-up skipped: ${String(e)}`));
    const [{ startAsk }, { createJudge }] = await Promise.all([loadSession(), loadJudge()]);
    const llmJudge = sandbox ? await this.llmJudge(config) : undefined;
    const judge = sandbox
      ? createJudge({ sandbox, logger: this.deps.logger, crossTests: config.judge.crossTests, llmJudge })
      : undefined;
    this.state.begin(request.context);
    // Identify this ask by a token, so events of an older, cancelled ask no longer update `state`.
    const token = Symbol('ask');
    this.current = token;
    const handle = startAsk(
      request,
      {
        providers,
        sandbox,
        judge,
        ...sessionSettingsOf(config),
        logger: this.deps.logger,
        demo: this.deps.demo.active,
      },
      (event) => {
        if (this.current === token) this.state.apply(event);
        this.events.fire(event);
      },
    );
    this.handle = handle;
    const cancellation = options.token?.onCancellationRequested(() => handle.cancel());
    try {
      const record = await handle.done;
      await this.deps.history.save(record).then(
        () => this.historyChanged.fire(),
        (e: unknown) => this.deps.logger.warn(`could not store run ${record.askId}: ${String(e)}`),
      );
      return record;
    } finally {
      cancellation?.dispose();
      if (this.handle === handle) this.handle = undefined;
    }
  }

  cancel(): void {
    this.handle?.cancel();
  }

  /** Runs one candidate's code again in the sandbox; the result goes out as run events. */
  async rerun(candidateId: string): Promise<void> {
    const candidate = this.state.candidate(candidateId);
    const sandbox = await this.deps.sandbox.get();
    if (!candidate) throw new Error(`No code for candidate ${candidateId}.`);
    if (!sandbox) throw new Error(this.deps.sandbox.blockedReason ?? 'No sandbox.');
    const language = candidate.language ?? this.deps.config().language ?? 'python';
    this.events.fire({ type: 'run-started', candidateId, image: sandbox.imageFor(language) });
    try {
      const run = await sandbox.run({
        code: candidate.code,
        language,
        limits: this.deps.config().sandbox.limits,
      });
      this.events.fire({ type: 'run-done', candidateId, run });
    } catch (error) {
      const failure = SandboxError.failureOf(error);
      this.events.fire({ type: 'run-failed', candidateId, error: failure });
    }
  }

  /** The optional LLM judge named by `quorum.judge.model`, when that model can be asked. */
  private async llmJudge(config: QuorumConfig): Promise<LlmJudge | undefined> {
    const id = config.judge.model;
    const model = id ? this.models().find((m) => m.id === id) : undefined;
    if (!id) return undefined;
    if (!model) {
      this.deps.logger.warn(
        `quorum.judge.model: no model with id "${id}" in quorum.models; judging without it`,
      );
      return undefined;
    }
    const [{ createProvider, PROVIDER_REGISTRY }, { createLlmJudge }] = await Promise.all([
      loadProviders(),
      loadLlmJudge(),
    ]);
    const key = this.deps.demo.active ? DEMO_KEY : await this.deps.keys.get(model);
    if (key === undefined && PROVIDER_REGISTRY[model.kind].needsKey) {
      this.deps.logger.warn(`quorum.judge.model: "${id}" has no API key; judging without it`);
      return undefined;
    }
    return createLlmJudge(createProvider(model, key, { logger: this.deps.logger }), this.deps.logger);
  }

  private async providers(modelIds: readonly string[] | undefined): Promise<Provider[]> {
    const demo = this.deps.demo.active;
    const chosen = this.models().filter((m) => (modelIds ? modelIds.includes(m.id) : m.enabled));
    const { createProvider, PROVIDER_REGISTRY } = await loadProviders();
    const needsKey = (m: ModelConfig): boolean => PROVIDER_REGISTRY[m.kind].needsKey;
    const providers: Provider[] = [];
    const missing: string[] = [];
    for (const model of chosen) {
      const key = demo ? DEMO_KEY : await this.deps.keys.get(model);
      if (!demo && key === undefined && needsKey(model)) {
        missing.push(model.id);
        continue;
      }
      providers.push(createProvider(model, key, { logger: this.deps.logger }));
    }
    if (missing.length) this.deps.logger.warn(`skipped models without an API key: ${missing.join(', ')}`);
    if (providers.length === 0) {
      throw new NoModelsError(
        missing.length
          ? `No API key stored for ${missing.join(', ')}.`
          : 'No model is enabled in the "quorum.models" setting.',
        missing.length
          ? 'Run "Quorum: Set API Key", or try the demo with recorded answers.'
          : 'Add a model to "quorum.models" or run "Quorum: Select Models".',
      );
    }
    return providers;
  }

  dispose(): void {
    this.cancel();
    this.events.dispose();
    this.historyChanged.dispose();
  }
}
