/**
 * What `activate()` returns: a small surface for the integration suite, which runs in the same
 * extension host but in its own bundle, so it cannot reach the services any other way. It exposes
 * no key material except through the same SecretStorage wrapper the commands use.
 */
import type { AskRequest, Intent, ModelConfig, RunRecord, SessionEvent } from '../core/types';
import type { HostMessage } from '../protocol';
import type { AddModelUi } from './addModel';
import { runAddModel } from './commands';
import { estimateAsk, setSpendPrompt } from './spendCheck';
import type { SpendPrompt } from './spendCheck';
import type { SpendEstimate } from '../core/spend';
import type { InsertMode } from './editorActions';
import type { LmTestHooks } from './lm';
import type { QuorumPanel } from './panel';
import type { QuorumPanelRouter } from './panelRouter';
import type { HostServices } from './services';

export interface QuorumTestApi {
  /** Milliseconds activate() took. */
  readonly activationMs: number;
  ask(request: AskRequest, modelIds?: readonly string[]): Promise<RunRecord>;
  /** The panel's Run: the ask flow with the current selection; undefined when it did not start. */
  panelAsk(instruction: string, modelIds?: readonly string[]): Promise<RunRecord | undefined>;
  /** The panel's Cancel. */
  cancel(): void;
  /** What `deactivate` awaits: the running ask cancelled and stored, every container removed. */
  shutdown(): Promise<void>;
  /** The ask the panel shows. */
  currentAskId(): string | undefined;
  /** Stores the token of the gateway `quorum.server.url` names, as Set Gateway Token does. */
  setGatewayToken(token: string): Promise<void>;
  /** Inserts a candidate of the shown run into the last active editor, as the panel button does. */
  insertCandidate(candidateId: string, mode: InsertMode): Promise<boolean>;
  /** Forces Workspace Trust for this session; `undefined` returns to the real value. */
  setTrusted(trusted: boolean | undefined): void;
  /** Whether an ask would get a sandbox now (false when untrusted or execution is off). */
  executionAllowed(): boolean;
  readonly secrets: {
    /** Stores a key for the configured model with this id, bound to its current endpoint. */
    set(modelId: string, key: string): Promise<void>;
    /** The key, only while the model still points at the endpoint it was stored for. */
    get(modelId: string): Promise<string | undefined>;
    /** Clears the key of the model's endpoint (shared by every model on it). */
    clear(modelId: string): Promise<void>;
    /** Stores a key in the old per-model format, to test its migration. */
    writeLegacy(modelId: string, key: string): Promise<void>;
    hasLegacy(modelId: string): Promise<boolean>;
    /** Runs the first-start migration again over the configured models. */
    migrate(): Promise<void>;
  };
  /** Runs the Add Model flow with scripted answers instead of quick picks. */
  addModel(ui: AddModelUi): Promise<ModelConfig | undefined>;
  /** What the panel's spend line shows for this ask now (selection, enabled models). */
  estimateSpend(instruction: string, intent: Intent, modelIds?: readonly string[]): Promise<SpendEstimate>;
  /** Answers the quorum.confirmAboveUsd question instead of the modal; `undefined` restores the modal. */
  setSpendPrompt(prompt: SpendPrompt | undefined): void;
  /** Every session event the host relays to the panel, as it relays them. */
  onSessionEvent(listener: (event: SessionEvent) => void): { dispose(): void };
  /** The models an ask would use right now. */
  models(): readonly ModelConfig[];
  /** The messages a freshly loaded panel would receive. */
  panelState(): Promise<HostMessage[]>;
  statusText(): string;
  /** Opens the panel and resolves when its webview has loaded and sent `webview/ready`. */
  openPanelAndWaitReady(timeoutMs: number): Promise<void>;
  demo: { start(): Promise<readonly ModelConfig[]>; stop(): Promise<void>; readonly active: boolean };
  /** The chat participant's handler (set by activate from src/host/lm). */
  readonly lm?: LmTestHooks;
}

export function createTestApi(
  s: HostServices,
  router: QuorumPanelRouter,
  panel: QuorumPanel,
  activationMs: number,
): QuorumTestApi {
  // Keys are bound to a configured model's endpoint; the test API names models by id.
  const modelById = (id: string): ModelConfig => {
    const model = s.settings.config.models.find((m) => m.id === id);
    if (!model) throw new Error(`no model with id "${id}" in quorum.models`);
    return model;
  };
  return {
    activationMs,
    ask: (request, modelIds) => s.runner.ask(request, { modelIds }),
    panelAsk: (instruction, modelIds) => router.ask(instruction, 'generate', modelIds),
    cancel: () => s.runner.cancel(),
    shutdown: () => s.shutdown(),
    currentAskId: () => s.runner.currentAskId,
    setGatewayToken: (token) => s.gateway.setToken(token),
    insertCandidate: (id, mode) => router.insert(id, mode),
    setTrusted: (trusted) => s.trust.setOverride(trusted),
    executionAllowed: () => s.sandbox.blockedReason === undefined,
    secrets: {
      set: (id, key) => s.keys.set(modelById(id), key),
      get: (id) => s.keys.get(modelById(id)),
      clear: (id) => s.keys.clear(modelById(id)),
      writeLegacy: (id, key) => s.keys.writeLegacy(id, modelById(id), key),
      hasLegacy: (id) => s.keys.hasLegacy(id),
      migrate: () => s.keys.migrate(s.settings.config.models.map((m) => m.id)),
    },
    addModel: (ui) => runAddModel(s, ui),
    estimateSpend: (instruction, intent, modelIds) => estimateAsk(s, instruction, intent, modelIds),
    setSpendPrompt,
    onSessionEvent: (listener) => s.runner.onEvent(listener),
    models: () => s.runner.models(),
    panelState: () => router.initialMessages(),
    statusText: () => s.statusBar.text,
    openPanelAndWaitReady: (timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        if (panel.isReady) {
          resolve();
          return;
        }
        const timer = setTimeout(() => {
          sub.dispose();
          reject(new Error(`the panel did not send webview/ready within ${timeoutMs} ms`));
        }, timeoutMs);
        const sub = panel.onDidBecomeReady(() => {
          clearTimeout(timer);
          sub.dispose();
          resolve();
        });
        panel.reveal().then(undefined, reject);
      }),
    demo: {
      start: () => s.demo.start(),
      stop: () => s.demo.stop(),
      get active() {
        return s.demo.active;
      },
    },
  };
}
