/**
 * API keys live only in SecretStorage, one per endpoint (kind + base URL, see keyEndpoint.ts): every
 * model on one server shares its key, so a second Groq model never asks for the Groq key again.
 * They never enter settings, logs, webview state, run records or the sandbox; only providers get them.
 *
 * A key is bound to the endpoint it was entered for: if a model's settings later point it elsewhere
 * (e.g. a workspace's settings.json), that other endpoint has no key, so the key cannot be redirected
 * to another server without the user entering it again. Each stored value repeats its endpoint and a
 * read checks it, so even a secret copied under another name is not handed out.
 */
import * as vscode from 'vscode';
import type { ModelConfig } from '../core/types';
import {
  ENDPOINT_PREFIX,
  LEGACY_PREFIX,
  endpointOf,
  endpointSecretName,
  legacyEndpoint,
  legacySecretName,
  parseStoredKey,
} from './keyEndpoint';
import type { EndpointTarget, StoredKey } from './keyEndpoint';

/** What a key is bound to: a model's kind and base URL (its id only names it in prompts). */
export type KeyTarget = EndpointTarget;

export class ApiKeyStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<string>();
  private readonly subscription: vscode.Disposable;
  /** Reads wait for the one-time migration of per-model keys, so no read sees a half-moved key. */
  private migration: Promise<void> = Promise.resolve();
  /** Fires with the endpoint whose key changed, in this window or another one. */
  readonly onDidChange = this.emitter.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key.startsWith(ENDPOINT_PREFIX)) this.emitter.fire(e.key.slice(ENDPOINT_PREFIX.length));
    });
  }

  /**
   * Moves keys stored per model id (`apiKey.<id>`) to their endpoint, once: each old entry names the
   * endpoint it was bound to, so it moves there whatever the model's settings say now. A key already
   * stored for that endpoint wins. Old entries are deleted after the move.
   */
  migrate(modelIds: readonly string[]): Promise<void> {
    // A failed move leaves the old entry for the next start; it must not block every later read.
    this.migration = this.migration.then(() => this.migrateNow(modelIds)).catch(() => undefined);
    return this.migration;
  }

  private async migrateNow(modelIds: readonly string[]): Promise<void> {
    for (const id of new Set(modelIds)) {
      const name = legacySecretName(id);
      const stored = parseStoredKey(await this.secrets.get(name));
      const target = stored ? legacyEndpoint(stored) : undefined;
      if (stored && target && !(await this.read(target))) await this.write(target, stored.key);
      if (stored) await this.secrets.delete(name);
    }
  }

  /** The key of a model's endpoint, only when it was stored for exactly that endpoint. */
  async get(model: KeyTarget): Promise<string | undefined> {
    await this.migration;
    return this.read(model);
  }

  async has(model: KeyTarget): Promise<boolean> {
    return (await this.get(model)) !== undefined;
  }

  async set(model: KeyTarget, key: string): Promise<void> {
    const trimmed = key.trim();
    if (!trimmed) throw new Error('An API key cannot be empty.');
    await this.migration;
    await this.write(model, trimmed);
  }

  /** Forgets the key of a model's endpoint, and so of every model on that endpoint. */
  async clear(model: KeyTarget): Promise<void> {
    await this.migration;
    await this.secrets.delete(endpointSecretName(model));
  }

  /** Asks for a key in a password box; returns false when the user cancels. */
  async prompt(model: KeyTarget & Partial<Pick<ModelConfig, 'id' | 'model'>>): Promise<boolean> {
    const where = model.baseUrl ? ` at ${model.baseUrl}` : '';
    const key = await vscode.window.showInputBox({
      title: `Quorum: API key for ${model.kind}${where}`,
      prompt:
        `Stored in VS Code's secret storage and sent only to this ${model.kind} endpoint${where}; ` +
        `every model on it uses this key. Never written to settings.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Paste the key, or press Escape to cancel.'),
    });
    if (key === undefined) return false;
    await this.set(model, key);
    return true;
  }

  /** For the migration test only: writes an entry in the old per-model format. */
  async writeLegacy(modelId: string, model: KeyTarget, key: string): Promise<void> {
    const old: StoredKey = { key, endpoint: `${model.kind} ${model.baseUrl ?? '(default)'}` };
    await this.secrets.store(legacySecretName(modelId), JSON.stringify(old));
  }

  async hasLegacy(modelId: string): Promise<boolean> {
    return (await this.secrets.get(`${LEGACY_PREFIX}${modelId}`)) !== undefined;
  }

  private async read(target: KeyTarget): Promise<string | undefined> {
    const stored = parseStoredKey(await this.secrets.get(endpointSecretName(target)));
    return stored && stored.endpoint === endpointOf(target) ? stored.key : undefined;
  }

  private async write(target: KeyTarget, key: string): Promise<void> {
    const stored: StoredKey = { key, endpoint: endpointOf(target) };
    await this.secrets.store(endpointSecretName(target), JSON.stringify(stored));
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
