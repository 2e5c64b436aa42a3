/**
 * API keys live only in SecretStorage under `apiKey.<modelId>`. They never enter settings, logs,
 * webview state, run records or the sandbox; only providers receive them.
 *
 * A key is bound to the endpoint it was entered for (kind + base URL): if a model's settings later
 * point the same id elsewhere (e.g. a workspace's settings.json), the key is not handed out, so it
 * cannot be redirected to another server without the user entering it again.
 */
import * as vscode from 'vscode';
import type { ModelConfig } from '../core/types';

/** What a key is bound to: the model's id, kind and base URL. */
export type KeyTarget = Pick<ModelConfig, 'id' | 'kind' | 'baseUrl'>;

interface StoredKey {
  readonly key: string;
  readonly endpoint: string;
}

function endpointOf(model: KeyTarget): string {
  return `${model.kind} ${model.baseUrl ?? '(default)'}`;
}

function parseStored(raw: string | undefined): StoredKey | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<StoredKey>;
    return typeof value.key === 'string' && typeof value.endpoint === 'string'
      ? { key: value.key, endpoint: value.endpoint }
      : undefined;
  } catch {
    return undefined;
  }
}

const PREFIX = 'apiKey.';

export type ApiKeyName = `apiKey.${string}`;

export function apiKeyName(modelId: string): ApiKeyName {
  return `${PREFIX}${modelId}`;
}

export class ApiKeyStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<string>();
  private readonly subscription: vscode.Disposable;
  /** Fires with the model id whose key changed, in this window or another one. */
  readonly onDidChange = this.emitter.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key.startsWith(PREFIX)) this.emitter.fire(e.key.slice(PREFIX.length));
    });
  }

  /** The key of a model, only when it was stored for this model's endpoint. */
  async get(model: KeyTarget): Promise<string | undefined> {
    const stored = parseStored(await this.secrets.get(apiKeyName(model.id)));
    return stored && stored.endpoint === endpointOf(model) ? stored.key : undefined;
  }

  async has(model: KeyTarget): Promise<boolean> {
    return (await this.get(model)) !== undefined;
  }

  async set(model: KeyTarget, key: string): Promise<void> {
    const trimmed = key.trim();
    if (!trimmed) throw new Error('An API key cannot be empty.');
    const stored: StoredKey = { key: trimmed, endpoint: endpointOf(model) };
    await this.secrets.store(apiKeyName(model.id), JSON.stringify(stored));
  }

  async clear(modelId: string): Promise<void> {
    await this.secrets.delete(apiKeyName(modelId));
  }

  /** Asks for a key in a password box; returns false when the user cancels. */
  async prompt(model: KeyTarget & Pick<ModelConfig, 'model'>): Promise<boolean> {
    const where = model.baseUrl ? ` at ${model.baseUrl}` : '';
    const key = await vscode.window.showInputBox({
      title: `Quorum: API key for ${model.id}`,
      prompt: `Stored in VS Code's secret storage for ${model.model}${where}, and sent only there; never written to settings.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Paste the key, or press Escape to cancel.'),
    });
    if (key === undefined) return false;
    await this.set(model, key);
    return true;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
