/**
 * The Add Model flow: kind, then the base URL where the kind needs one, then the key if the endpoint
 * needs one and has none yet, then the model from the server's own list (typed in by hand when the
 * list is unavailable). The entry goes to the USER settings, never the workspace's and never with a
 * key; the key goes to secret storage for its endpoint, shared with the models already there.
 * The prompts sit behind `AddModelUi`, so the integration test drives the same flow without clicks.
 */
import * as vscode from 'vscode';
import type { ModelConfig, ProviderKind } from '../core/types';
import type { SettingsSnapshot } from './config';
import { DEFAULT_BASE_URLS, ModelListError, listServerModels } from './modelCatalog';
import { uniqueModelId } from './addModelId';
import type { ApiKeyStore } from './secrets';

export interface AddModelUi {
  pickKind(): Promise<ProviderKind | undefined>;
  /** `suggested` prefills the box; resolves undefined on cancel. */
  baseUrl(kind: ProviderKind, suggested: string): Promise<string | undefined>;
  /** `optional`: the server may work without one (Escape then means "no key", not "cancel"). */
  key(kind: ProviderKind, baseUrl: string | undefined, optional: boolean): Promise<string | undefined>;
  /** `listed` is the server's list, or undefined with the `problem` when it could not be read. */
  pickModel(listed: readonly string[] | undefined, problem: string | undefined): Promise<string | undefined>;
}

export interface AddModelDeps {
  readonly settings: SettingsSnapshot;
  readonly keys: ApiKeyStore;
  readonly needsKey: (kind: ProviderKind) => boolean;
}

/** Runs the flow; resolves the model written to the user settings, or undefined when cancelled. */
export async function addModel(ui: AddModelUi, deps: AddModelDeps): Promise<ModelConfig | undefined> {
  const kind = await ui.pickKind();
  if (!kind) return undefined;

  let baseUrl: string | undefined;
  if (kind === 'openai-compatible' || kind === 'ollama') {
    const typed = await ui.baseUrl(
      kind,
      kind === 'ollama' ? DEFAULT_BASE_URLS.ollama : 'http://127.0.0.1:1234/v1',
    );
    if (typed === undefined) return undefined;
    const trimmed = typed.trim().replace(/\/+$/, '');
    // The default stays implicit in settings, so the entry follows the provider's default.
    baseUrl = kind === 'ollama' && trimmed === DEFAULT_BASE_URLS.ollama ? undefined : trimmed;
  }
  const endpoint = { kind, baseUrl };

  let key = await deps.keys.get(endpoint);
  let newKey: string | undefined;
  if (key === undefined && deps.needsKey(kind)) {
    newKey = await ui.key(kind, baseUrl, false);
    if (!newKey?.trim()) return undefined;
    key = newKey.trim();
  }

  let listed: string[] | undefined;
  let problem: string | undefined;
  try {
    listed = await listServerModels(kind, baseUrl, key);
  } catch (error) {
    if (!(error instanceof ModelListError)) throw error;
    // A keyless compatible server that turns out to want a key: ask once, then list again.
    if (error.unauthorised && key === undefined && kind === 'openai-compatible') {
      newKey = (await ui.key(kind, baseUrl, true))?.trim() || undefined;
      key = newKey;
      listed = key ? await listServerModels(kind, baseUrl, key).catch(() => undefined) : undefined;
    }
    if (!listed) problem = `${error.message} ${error.advice}`;
  }
  const model = (await ui.pickModel(listed, problem))?.trim();
  if (!model) return undefined;

  const entry: ModelConfig = {
    id: uniqueModelId(kind, model, deps.settings.allModelIds()),
    kind,
    model,
    ...(baseUrl ? { baseUrl } : {}),
    enabled: true,
  };
  const { shadowed } = await deps.settings.addUserModel(entry);
  if (newKey) await deps.keys.set(endpoint, newKey);
  if (shadowed) {
    void vscode.window.showWarningMessage(
      `Quorum: ${entry.id} was added to your user settings, but this workspace sets its own "quorum.models", which wins here.`,
    );
  }
  return entry;
}

const KINDS: readonly (vscode.QuickPickItem & { provider: ProviderKind })[] = [
  { label: 'OpenAI', description: 'api.openai.com, needs a key', provider: 'openai' },
  { label: 'Groq', description: 'api.groq.com, needs a key', provider: 'groq' },
  { label: 'Ollama', description: 'a local Ollama server, no key', provider: 'ollama' },
  {
    label: 'OpenAI-compatible server',
    description: 'LM Studio, vLLM, llama.cpp, a gateway…: any /v1 API',
    provider: 'openai-compatible',
  },
];

function validUrl(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'Use an http(s) URL.';
  } catch {
    return 'Type a URL such as http://127.0.0.1:1234/v1';
  }
}

/** The flow's prompts as VS Code's own quick picks and input boxes. */
export const vscodeAddModelUi: AddModelUi = {
  pickKind: async () =>
    (await vscode.window.showQuickPick(KINDS, { title: 'Quorum: Add Model (1/3): which kind of server?' }))
      ?.provider,
  baseUrl: (kind, suggested) =>
    Promise.resolve(
      vscode.window.showInputBox({
        title: 'Quorum: Add Model (2/3): base URL',
        prompt:
          kind === 'ollama' ? 'Where Ollama listens.' : "The server's OpenAI-style base URL (ending in /v1).",
        value: suggested,
        ignoreFocusOut: true,
        validateInput: validUrl,
      }),
    ),
  key: (kind, baseUrl, optional) =>
    Promise.resolve(
      vscode.window.showInputBox({
        title: `Quorum: API key for ${kind}${baseUrl ? ` at ${baseUrl}` : ''}`,
        prompt: `${optional ? 'The server asked for a key. ' : ''}Stored in secret storage for this endpoint only and shared by its models; never written to settings.`,
        password: true,
        ignoreFocusOut: true,
      }),
    ),
  pickModel: async (listed, problem) => {
    if (listed) {
      const typeOwn = { label: '$(edit) Type a model name…', alwaysShow: true };
      const pick = await vscode.window.showQuickPick([...listed.map((label) => ({ label })), typeOwn], {
        title: `Quorum: Add Model (3/3): the server lists ${listed.length} model(s)`,
        matchOnDescription: true,
      });
      if (pick !== typeOwn) return pick?.label;
    }
    return vscode.window.showInputBox({
      title: 'Quorum: Add Model (3/3): model name',
      prompt: problem
        ? `The list is unavailable (${problem}). Type the name.`
        : 'The model name, e.g. gpt-4o-mini.',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Type a model name.'),
    });
  },
};
