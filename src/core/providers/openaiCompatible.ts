/**
 * Any server that speaks the OpenAI wire: Gemini's OpenAI endpoint, OpenRouter, DeepSeek, Together,
 * LM Studio, vLLM... The key is always this model's own (or a placeholder for local servers):
 * the openai SDK would otherwise read OPENAI_API_KEY and send it to a third party.
 */
import { ProviderError } from '../types';
import type { ModelConfig, Provider } from '../types';
import type { VendorIdentity } from './failureAdvice';
import { openaiWireClient } from './openai';
import { OpenAIWireBackend } from './openaiCompatibleBase';
import { StreamingProvider } from './provider';
import type { ProviderOptions } from './provider';

/** Sent when no key is configured: local servers ignore it, remote ones answer 401 with our advice. */
export const PLACEHOLDER_KEY = 'quorum-no-key';

/** `QUORUM_<ID>_API_KEY`, with the id upper-cased and anything but letters and digits turned into `_`. */
export function compatibleEnvVar(modelId: string): string {
  return `QUORUM_${modelId.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`;
}

/** "api.deepseek.com", "127.0.0.1:1234": the host names the vendor well enough in messages. */
export function vendorLabel(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

export function createOpenAICompatibleProvider(
  config: ModelConfig,
  apiKey: string | undefined,
  options?: ProviderOptions,
): Provider {
  if (!config.baseUrl) {
    throw new ProviderError(
      'bad-request',
      `Model '${config.id}' has kind openai-compatible but no baseUrl`,
      `Set baseUrl for '${config.id}' to the server's OpenAI endpoint, e.g. http://127.0.0.1:1234/v1 for LM Studio.`,
    );
  }
  const identity: VendorIdentity = {
    kind: 'openai-compatible',
    vendor: vendorLabel(config.baseUrl),
    envVar: compatibleEnvVar(config.id),
    baseUrl: config.baseUrl,
    model: config.model,
  };
  const client = openaiWireClient(apiKey || PLACEHOLDER_KEY, config.baseUrl);
  return new StreamingProvider(config, new OpenAIWireBackend(identity, config, client), options);
}
