/**
 * The only file that calls `getConfiguration`. It turns the `quorum.*` settings into the raw object
 * the shared schema (src/core/config.ts) validates, keeps a frozen snapshot, warns once per bad entry
 * naming the setting, and fires when the snapshot changes so nothing needs a reload.
 */
import * as vscode from 'vscode';
import { formatIssue, parseConfig } from '../core/config';
import type { QuorumConfig } from '../core/config';
import type { Logger, ModelConfig } from '../core/types';

const SECTION = 'quorum';
const DEFAULT_CONFIRM_ABOVE_USD = 0.25;

/** VS Code string settings default to "" where the schema expects "absent". */
function optionalString(value: unknown): unknown {
  return value === '' || value === 'auto' || value === null ? undefined : value;
}

/** Reads the settings into the shape `parseConfig` expects; unset optional values are left out. */
export function readRawSettings(): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    models: c.get<unknown>('models', []),
    systemPrompt: optionalString(c.get('systemPrompt')),
    language: optionalString(c.get('language')),
    sandbox: {
      enabled: c.get('sandbox.enabled', true),
      images: c.get('sandbox.images', {}),
      limits: c.get('sandbox.limits', {}),
      dockerHost: optionalString(c.get('sandbox.dockerHost')),
      engines: c.get('sandbox.engines', []),
      poolSize: c.get('sandbox.poolSize', 2),
      pull: c.get('sandbox.pull', true),
    },
    judge: {
      crossTests: c.get('judge.crossTests', true),
      model: optionalString(c.get('judge.model')),
    },
    project: {
      root: optionalString(c.get('project.root')),
      testCommand: optionalString(c.get('project.testCommand')),
      testTimeoutS: c.get('project.testTimeoutS', 120),
    },
    strategy: c.get('strategy', 'all'),
    cascade: { threshold: c.get<unknown>('cascade.threshold') ?? undefined },
    budgetUsd: optionalString(c.get('budgetUsd')),
  };
}

export class SettingsSnapshot implements vscode.Disposable {
  private current: QuorumConfig;
  private readonly warned = new Set<string>();
  private readonly emitter = new vscode.EventEmitter<QuorumConfig>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.emitter.event;

  constructor(private readonly logger: Logger) {
    this.current = this.load();
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      this.current = this.load();
      this.emitter.fire(this.current);
    });
  }

  get config(): QuorumConfig {
    return this.current;
  }

  /** Above this estimated input cost (USD) an ask asks before it is sent. Host-only: the CLI has none. */
  get confirmAboveUsd(): number {
    const value = vscode.workspace.getConfiguration(SECTION).get<unknown>('confirmAboveUsd');
    return typeof value === 'number' && value >= 0 ? value : DEFAULT_CONFIRM_ABOVE_USD;
  }

  /** A Quorum gateway (`quorum serve`) that asks go to instead of local providers and Docker. */
  get gatewayUrl(): string | undefined {
    const value = vscode.workspace.getConfiguration(SECTION).get<unknown>('server.url');
    return typeof value === 'string' && /^https?:\/\//.test(value.trim()) ? value.trim() : undefined;
  }

  /** Edit asks for files inside a project (`quorum.project.enabled`). */
  get projectEnabled(): boolean {
    return vscode.workspace.getConfiguration(SECTION).get<unknown>('project.enabled') !== false;
  }

  /** Globs of files whose text is never sent to a model (`quorum.contextExclude`). */
  get contextExclude(): readonly string[] {
    const value = vscode.workspace.getConfiguration(SECTION).get<unknown>('contextExclude');
    return Array.isArray(value)
      ? value.filter((g): g is string => typeof g === 'string' && g.length > 0)
      : [];
  }

  /** Writes the enabled flags of `quorum.models` where the list is defined (workspace or user). */
  async setEnabledModels(enabledIds: ReadonlySet<string>): Promise<void> {
    const c = vscode.workspace.getConfiguration(SECTION);
    // Rewrite the raw entries, not the parsed ones, so a bad entry keeps its text for the user to fix.
    const { target, raw } = modelsWhereDefined(c);
    const next = raw.map((entry) =>
      isModelLike(entry) ? { ...entry, enabled: enabledIds.has(entry.id) } : entry,
    );
    await c.update('models', next, target);
  }

  /**
   * Appends a model to `quorum.models` in the USER settings, never the workspace's (a workspace must
   * not be able to collect models the user adds). The user's list starts from the defaults when it was
   * never set, so they do not vanish. Returns true when a workspace value hides the user list.
   */
  async addUserModel(entry: ModelConfig): Promise<{ shadowed: boolean }> {
    const c = vscode.workspace.getConfiguration(SECTION);
    const info = c.inspect<unknown[]>('models');
    const current = info?.globalValue ?? info?.defaultValue ?? [];
    await c.update('models', [...current, entry], vscode.ConfigurationTarget.Global);
    // Application scope: a workspace value is ignored by VS Code, so it can no longer hide this list.
    return { shadowed: false };
  }

  /**
   * Sets (undefined: removes) a model's `tier` in `quorum.models` where the list is defined, keeping
   * every other field and entry as written. False when no entry has that id.
   */
  async setModelTier(modelId: string, tier: number | undefined): Promise<boolean> {
    const c = vscode.workspace.getConfiguration(SECTION);
    const { target, raw } = modelsWhereDefined(c);
    let found = false;
    const next = raw.map((entry) => {
      if (!isModelLike(entry) || entry.id !== modelId) return entry;
      found = true;
      const rest: Record<string, unknown> = { ...entry };
      delete rest.tier;
      return tier === undefined ? rest : { ...rest, tier };
    });
    if (!found) return false;
    await c.update('models', next, target);
    return true;
  }

  /** Removes a model from `quorum.models` where the list is defined (workspace or user). */
  async removeModel(modelId: string): Promise<boolean> {
    const c = vscode.workspace.getConfiguration(SECTION);
    const { target, raw } = modelsWhereDefined(c);
    const next = raw.filter((entry) => !(isModelLike(entry) && entry.id === modelId));
    if (next.length === raw.length) return false;
    await c.update('models', next, target);
    return true;
  }

  /** Every model id in any scope of `quorum.models`, valid or not, so a new id clashes with none. */
  allModelIds(): Set<string> {
    const info = vscode.workspace.getConfiguration(SECTION).inspect<unknown[]>('models');
    const lists = [info?.defaultValue, info?.globalValue, info?.workspaceValue, info?.workspaceFolderValue];
    return new Set(lists.flatMap((l) => (l ?? []).filter(isModelLike).map((m) => m.id)));
  }

  private load(): QuorumConfig {
    // `vscode-lm` models are accepted here only: the editor is what asks them.
    const { config, issues } = parseConfig(readRawSettings(), { editor: true });
    for (const issue of issues) {
      const text = `quorum.${formatIssue(issue)}`;
      if (this.warned.has(text)) continue;
      this.warned.add(text);
      this.logger.warn(`Ignored setting ${text}`);
      void vscode.window
        .showWarningMessage(`Quorum ignored a setting: ${text}`, 'Open Settings')
        .then((pick) => {
          if (pick) void vscode.commands.executeCommand('workbench.action.openSettingsJson');
        });
    }
    return config;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

function isModelLike(value: unknown): value is { id: string } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}

/** The effective raw `quorum.models` and the scope it comes from (the defaults count as the user's). */
function modelsWhereDefined(c: vscode.WorkspaceConfiguration): {
  target: vscode.ConfigurationTarget;
  raw: unknown[];
} {
  // `quorum.models` has application scope: VS Code ignores a workspace's value, so the list in use
  // is always the user's (and writing one to a workspace would fail).
  return { target: vscode.ConfigurationTarget.Global, raw: c.get<unknown[]>('models', []) };
}
