/**
 * Test helpers around the product's replay server: start it at full speed, aim a model of any kind
 * at it, and collect what a provider streamed. Faults are set per model name on the server itself.
 */
import assert from 'node:assert/strict';
import { ProviderError } from '../../src/core/types';
import { startReplayServer } from '../../src/demo/replayServer';
import type { ReplayServer, ReplayServerOptions } from '../../src/demo/replayServer';
import type { ReplayRequest } from '../../src/demo/replayTypes';
import type {
  ChatMessage,
  CompletionResult,
  ModelConfig,
  Provider,
  ProviderKind,
} from '../../src/core/types';
import type { ProviderOptions } from '../../src/core/providers/provider';

/** Retries fast enough for a unit suite, with the production attempt count. */
export const FAST_RETRY: ProviderOptions = { retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 5_000 } };

export const PRIMES_MESSAGES: readonly ChatMessage[] = [
  { role: 'system', content: 'Answer with one runnable Python program.' },
  {
    role: 'user',
    content:
      'Write a Python function `primes_up_to(n)` that returns the list of primes <= n, and print primes_up_to(50).',
  },
];

/** A replay server with no pacing, unless the test asks for some. */
export function startFastReplay(options: ReplayServerOptions = {}): Promise<ReplayServer> {
  return startReplayServer({ chunkDelayMs: 0, ttftMs: 0, ...options });
}

/** The base URL each SDK expects for this server: OpenAI-wire kinds include /v1, Groq and Ollama take the host. */
export function modelAt(
  server: ReplayServer,
  kind: ProviderKind,
  model: string,
  extra: Partial<ModelConfig> = {},
): ModelConfig {
  const baseUrl = kind === 'openai' || kind === 'openai-compatible' ? `${server.url}/v1` : server.url;
  return { id: `t-${kind}-${model}`, kind, model, baseUrl, enabled: true, ...extra };
}

export interface Collected {
  readonly result: CompletionResult;
  readonly deltas: string[];
}

export async function collect(
  provider: Provider,
  signal: AbortSignal = new AbortController().signal,
): Promise<Collected> {
  const deltas: string[] = [];
  const result = await provider.complete({
    messages: PRIMES_MESSAGES,
    signal,
    onDelta: (t) => deltas.push(t),
  });
  return { result, deltas };
}

/** Runs `fn`, which must throw; returns what it threw. */
export async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got a result');
}

/** Chat requests only (not model listings), for counting attempts. */
export function chatRequests(server: ReplayServer): ReplayRequest[] {
  return server.requests.filter((r) => r.method === 'POST');
}

/** Resolves once `predicate` holds, polling; rejects after `ms`. */
export async function eventually(predicate: () => boolean, ms = 2_000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Asserts that a rejection is a typed ProviderError and narrows it. */
export function asProviderError(error: unknown): ProviderError {
  assert.ok(ProviderError.is(error), `expected a ProviderError, got ${String(error)}`);
  return error;
}
