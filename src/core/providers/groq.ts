/** Groq through its own SDK; the base URL is the host, the SDK adds `/openai/v1`. */
import Groq from 'groq-sdk';
import type { ModelConfig, Provider } from '../types';
import type { VendorIdentity } from './failureAdvice';
import { OpenAIWireBackend } from './openaiCompatibleBase';
import type { OpenAIWireClient } from './openaiCompatibleBase';
import { StreamingProvider } from './provider';
import type { ProviderOptions } from './provider';

export const GROQ_BASE_URL = 'https://api.groq.com';

function groqClient(apiKey: string, baseURL: string): OpenAIWireClient {
  const client = new Groq({ apiKey, baseURL, maxRetries: 0, timeout: 24 * 3600_000 });
  return {
    async startStream(body, signal) {
      return client.chat.completions.create(body, { signal });
    },
    async listModels(signal) {
      const page = await client.models.list({ signal });
      return page.data.map((m) => m.id);
    },
  };
}

export function createGroqProvider(
  config: ModelConfig,
  apiKey: string | undefined,
  options?: ProviderOptions,
): Provider {
  const baseUrl = config.baseUrl ?? GROQ_BASE_URL;
  const identity: VendorIdentity = {
    kind: 'groq',
    vendor: 'Groq',
    envVar: 'GROQ_API_KEY',
    baseUrl,
    model: config.model,
  };
  return new StreamingProvider(
    config,
    new OpenAIWireBackend(identity, config, groqClient(apiKey ?? '', baseUrl)),
    options,
  );
}
