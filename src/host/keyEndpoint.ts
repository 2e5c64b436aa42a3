/**
 * Which endpoint an API key belongs to, as plain data (no `vscode`, so unit tests run it directly).
 * A key belongs to a (kind, base URL) pair: every model on the same server shares it, and a model
 * pointed at another server gets no key until the user enters one for that server.
 */
import type { ModelConfig, ProviderKind } from '../core/types';
import { PROVIDER_KINDS } from '../core/types';

export type EndpointTarget = Pick<ModelConfig, 'kind' | 'baseUrl'>;

/** Where the key of an endpoint is stored: `endpointKey.<kind> <base URL or (default)>`. */
export const ENDPOINT_PREFIX = 'endpointKey.';
/** Before keys were per endpoint they were per model id: `apiKey.<id>`. Read once, to migrate. */
export const LEGACY_PREFIX = 'apiKey.';

const DEFAULT_URL = '(default)';

/** A base URL without trailing slashes and with a lower-case scheme and host, so one server is one endpoint. */
export function normaliseBaseUrl(baseUrl: string | undefined): string | undefined {
  const trimmed = baseUrl?.trim();
  if (!trimmed) return undefined;
  try {
    const url = new URL(trimmed);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}${url.search}`;
  } catch {
    return trimmed.replace(/\/+$/, '');
  }
}

/** The endpoint a key is bound to, e.g. `groq (default)` or `openai-compatible http://127.0.0.1:1234/v1`. */
export function endpointOf(target: EndpointTarget): string {
  return `${target.kind} ${normaliseBaseUrl(target.baseUrl) ?? DEFAULT_URL}`;
}

export function endpointSecretName(target: EndpointTarget): string {
  return `${ENDPOINT_PREFIX}${endpointOf(target)}`;
}

export function legacySecretName(modelId: string): string {
  return `${LEGACY_PREFIX}${modelId}`;
}

/** What is stored under a name: the key and, again, its endpoint, checked on every read. */
export interface StoredKey {
  readonly key: string;
  readonly endpoint: string;
}

export function parseStoredKey(raw: string | undefined): StoredKey | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<StoredKey>;
    return typeof value.key === 'string' && typeof value.endpoint === 'string' && value.key
      ? { key: value.key, endpoint: value.endpoint }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The endpoint a legacy per-model entry was bound to. Old entries stored `"<kind> <baseUrl>"` with
 * the URL as typed; the result is normalised like new ones. Undefined for anything unrecognised.
 */
export function legacyEndpoint(stored: StoredKey): EndpointTarget | undefined {
  const space = stored.endpoint.indexOf(' ');
  if (space < 0) return undefined;
  const kind = stored.endpoint.slice(0, space);
  const url = stored.endpoint.slice(space + 1);
  if (!(PROVIDER_KINDS as readonly string[]).includes(kind)) return undefined;
  return { kind: kind as ProviderKind, baseUrl: url === DEFAULT_URL ? undefined : url };
}
