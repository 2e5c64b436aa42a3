/** The one table of provider kinds: how to build each, whether it needs a key, and where the CLI finds it. */
import type { ModelConfig, Provider, ProviderKind } from '../types';
import { createGroqProvider } from './groq';
import { createOllamaProvider } from './ollama';
import { createOpenAIProvider } from './openai';
import { compatibleEnvVar, createOpenAICompatibleProvider, vendorLabel } from './openaiCompatible';
import type { ProviderOptions } from './provider';

export interface ProviderKindEntry {
  readonly create: (config: ModelConfig, apiKey: string | undefined, options?: ProviderOptions) => Provider;
  /** False for Ollama and for compatible servers, which are often local and keyless. */
  readonly needsKey: boolean;
  /** The environment variable the CLI reads this model's key from; undefined when there is none. */
  readonly envVar: (config: ModelConfig) => string | undefined;
  /** Name shown to the user: "OpenAI", "Groq", "Ollama", or the compatible server's host. */
  readonly vendor: (config: ModelConfig) => string;
}

export const PROVIDER_REGISTRY: Readonly<Record<ProviderKind, ProviderKindEntry>> = Object.freeze({
  openai: {
    create: createOpenAIProvider,
    needsKey: true,
    envVar: () => 'OPENAI_API_KEY',
    vendor: () => 'OpenAI',
  },
  groq: { create: createGroqProvider, needsKey: true, envVar: () => 'GROQ_API_KEY', vendor: () => 'Groq' },
  ollama: { create: createOllamaProvider, needsKey: false, envVar: () => undefined, vendor: () => 'Ollama' },
  'openai-compatible': {
    create: createOpenAICompatibleProvider,
    needsKey: false,
    envVar: (config) => compatibleEnvVar(config.id),
    vendor: (config) => (config.baseUrl ? vendorLabel(config.baseUrl) : 'OpenAI-compatible server'),
  },
});

export function createProvider(
  config: ModelConfig,
  apiKey: string | undefined,
  options?: ProviderOptions,
): Provider {
  return PROVIDER_REGISTRY[config.kind].create(config, apiKey, options);
}
