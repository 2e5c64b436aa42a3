/**
 * A local (or remote) Ollama server through the `ollama` package: NDJSON stream, no key,
 * usage from the final line's prompt_eval_count / eval_count.
 */
import { Ollama } from 'ollama';
import type { ChatMessage, ModelConfig, Provider } from '../types';
import type { VendorIdentity } from './failureAdvice';
import { StreamingProvider } from './provider';
import type { ProviderOptions, StreamSink, StreamingBackend } from './provider';

export const OLLAMA_BASE_URL = 'http://127.0.0.1:11434';

/**
 * The package only aborts a stream after it has started (`iterator.abort()`); binding our signal
 * into its fetch also aborts while waiting for the response headers (a model still loading).
 */
function fetchBoundTo(signal: AbortSignal): typeof fetch {
  return (input, init) =>
    fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
}

class OllamaBackend implements StreamingBackend {
  constructor(
    readonly identity: VendorIdentity,
    private readonly config: ModelConfig,
  ) {}

  async stream(messages: readonly ChatMessage[], signal: AbortSignal, sink: StreamSink): Promise<void> {
    const client = new Ollama({ host: this.identity.baseUrl, fetch: fetchBoundTo(signal) });
    const lines = await client.chat({
      model: this.config.model,
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      options: {
        ...(this.config.temperature === undefined ? {} : { temperature: this.config.temperature }),
        ...(this.config.maxTokens === undefined ? {} : { num_predict: this.config.maxTokens }),
      },
    });
    sink.streaming = true;
    for await (const line of lines) {
      sink.think(line.message?.thinking);
      sink.content(line.message?.content);
      if (line.done) {
        sink.finishReason = line.done_reason || 'stop';
        sink.usage = { inputTokens: line.prompt_eval_count, outputTokens: line.eval_count };
      }
    }
  }

  async listModels(signal: AbortSignal): Promise<string[]> {
    const client = new Ollama({ host: this.identity.baseUrl, fetch: fetchBoundTo(signal) });
    const list = await client.list();
    return list.models.map((m) => m.name);
  }
}

export function createOllamaProvider(
  config: ModelConfig,
  _apiKey: string | undefined,
  options?: ProviderOptions,
): Provider {
  const baseUrl = config.baseUrl ?? OLLAMA_BASE_URL;
  const identity: VendorIdentity = { kind: 'ollama', vendor: 'Ollama', baseUrl, model: config.model };
  return new StreamingProvider(config, new OllamaBackend(identity, config), options);
}
