/** OpenAI itself, and (through `openaiCompatible.ts`) any server speaking its wire, via the official SDK. */
import OpenAI from 'openai';
import type { ModelConfig, Provider } from '../types';
import type { VendorIdentity } from './failureAdvice';
import { OpenAIWireBackend } from './openaiCompatibleBase';
import type { OpenAIWireClient } from './openaiCompatibleBase';
import { StreamingProvider } from './provider';
import type { ProviderOptions } from './provider';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** An OpenAI SDK client with its own retries and timeout off: ours are the bounded, observable ones. */
export function openaiWireClient(apiKey: string, baseURL: string): OpenAIWireClient {
  const client = new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: 24 * 3600_000, logLevel: 'off' });
  return {
    async startStream(body, signal) {
      return client.chat.completions.create(body, { signal });
    },
    async listModels(signal) {
      const names: string[] = [];
      for await (const model of client.models.list({ signal })) names.push(model.id);
      return names;
    },
  };
}

export function createOpenAIProvider(
  config: ModelConfig,
  apiKey: string | undefined,
  options?: ProviderOptions,
): Provider {
  const baseUrl = config.baseUrl ?? OPENAI_BASE_URL;
  const identity: VendorIdentity = {
    kind: 'openai',
    vendor: 'OpenAI',
    envVar: 'OPENAI_API_KEY',
    baseUrl,
    model: config.model,
  };
  // An empty key still reaches the server, which answers 401 and so produces the right advice.
  const client = openaiWireClient(apiKey ?? '', baseUrl);
  return new StreamingProvider(config, new OpenAIWireBackend(identity, config, client), options);
}
