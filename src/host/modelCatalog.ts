/**
 * Asks a server which models it serves, for the Add Model flow: `GET <base>/models` on OpenAI-style
 * servers (OpenAI, Groq under /openai/v1, compatible servers) and `GET <base>/api/tags` on Ollama.
 * No `vscode` here, so unit tests run it against the replay server's real wire.
 */
import type { ProviderKind } from '../core/types';

/**
 * The servers a kind talks to when `baseUrl` is unset. The same values as the providers' constants
 * (a unit test checks they agree); repeated here so listing models does not load the provider SDKs.
 */
export const DEFAULT_BASE_URLS: Readonly<Record<Exclude<ProviderKind, 'openai-compatible'>, string>> = {
  openai: 'https://api.openai.com/v1',
  groq: 'https://api.groq.com',
  ollama: 'http://127.0.0.1:11434',
};

/** Why a list is unavailable, with what to do; the flow then lets the user type the name. */
export class ModelListError extends Error {
  override readonly name = 'ModelListError';
  constructor(
    message: string,
    readonly advice: string,
    /** 401/403: the server wants a (different) key. */
    readonly unauthorised = false,
  ) {
    super(message);
  }
}

export function modelListUrl(kind: ProviderKind, baseUrl: string | undefined): string {
  const base = (baseUrl ?? (kind === 'openai-compatible' ? '' : DEFAULT_BASE_URLS[kind])).replace(/\/+$/, '');
  if (!base) throw new ModelListError('No base URL.', 'An OpenAI-compatible server needs its base URL.');
  if (kind === 'ollama') return `${base}/api/tags`;
  // The Groq SDK's base URL is the host; its OpenAI-style API lives under /openai/v1.
  if (kind === 'groq') return `${base}/openai/v1/models`;
  return `${base}/models`;
}

function namesOf(kind: ProviderKind, body: unknown): string[] {
  const list =
    kind === 'ollama'
      ? (body as { models?: unknown } | null)?.models
      : (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(list)) return [];
  const names = list.flatMap((entry: unknown) => {
    const e = entry as { id?: unknown; name?: unknown } | null;
    const name = kind === 'ollama' ? e?.name : e?.id;
    return typeof name === 'string' && name ? [name] : [];
  });
  return [...new Set(names)].sort((a, b) => a.localeCompare(b));
}

/** The server's model names, sorted; throws ModelListError with advice when it cannot list them. */
export async function listServerModels(
  kind: ProviderKind,
  baseUrl: string | undefined,
  apiKey: string | undefined,
  signal?: AbortSignal,
  timeoutMs = 8000,
): Promise<string[]> {
  const url = modelListUrl(kind, baseUrl);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (error) {
    throw new ModelListError(
      `Could not reach ${url}: ${error instanceof Error ? error.message : String(error)}`,
      kind === 'ollama'
        ? 'Start Ollama (`ollama serve`) or check the URL.'
        : 'Check the base URL and network.',
    );
  }
  if (response.status === 401 || response.status === 403) {
    throw new ModelListError(`${url} refused the key (HTTP ${response.status}).`, 'Check the API key.', true);
  }
  if (!response.ok) {
    throw new ModelListError(`${url} answered HTTP ${response.status}.`, 'Check the base URL and kind.');
  }
  const names = namesOf(kind, await response.json().catch(() => null));
  if (!names.length) throw new ModelListError(`${url} listed no models.`, 'Type the model name instead.');
  return names;
}
