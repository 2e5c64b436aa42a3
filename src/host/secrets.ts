/**
 * API keys live only in SecretStorage under `apiKey.<modelId>`. They never enter settings, logs,
 * webview state, run records or the sandbox; only providers receive them.
 */
import * as vscode from 'vscode';

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

  async get(modelId: string): Promise<string | undefined> {
    const value = await this.secrets.get(apiKeyName(modelId));
    return value ? value : undefined;
  }

  async has(modelId: string): Promise<boolean> {
    return (await this.get(modelId)) !== undefined;
  }

  async set(modelId: string, key: string): Promise<void> {
    const trimmed = key.trim();
    if (!trimmed) throw new Error('An API key cannot be empty.');
    await this.secrets.store(apiKeyName(modelId), trimmed);
  }

  async clear(modelId: string): Promise<void> {
    await this.secrets.delete(apiKeyName(modelId));
  }

  /** Asks for a key in a password box; returns false when the user cancels. */
  async prompt(modelId: string, modelName: string): Promise<boolean> {
    const key = await vscode.window.showInputBox({
      title: `Quorum: API key for ${modelId}`,
      prompt: `Stored in VS Code's secret storage for ${modelName}; never written to settings.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Paste the key, or press Escape to cancel.'),
    });
    if (key === undefined) return false;
    await this.set(modelId, key);
    return true;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
