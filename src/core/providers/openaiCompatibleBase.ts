/**
 * The OpenAI chat-completions wire, shared by OpenAI, Groq and every OpenAI-compatible server.
 * The SDK-specific part (which client, which path) is a `startStream` function; reading the chunks
 * (content, reasoning kept apart, usage from the final chunk or Groq's `x_groq.usage`) lives here once.
 */
import type { ChatMessage, ModelConfig } from '../types';
import type { VendorIdentity } from './failureAdvice';
import type { StreamSink, StreamingBackend } from './provider';

interface WireUsage {
  readonly prompt_tokens?: number;
  readonly completion_tokens?: number;
}

/** The subset of a chat.completion.chunk we read; both SDKs' chunk types fit it. */
export interface WireChunk {
  readonly choices: readonly {
    readonly delta?: {
      readonly content?: string | null;
      /** DeepSeek, vLLM, LM Studio stream reasoning here. */
      readonly reasoning_content?: string | null;
      /** OpenRouter and Groq's reasoning models use this name. */
      readonly reasoning?: string | null;
    } | null;
    readonly finish_reason?: string | null;
  }[];
  readonly usage?: WireUsage | null;
  readonly x_groq?: { readonly usage?: WireUsage | null } | null;
}

/** The request body every OpenAI-wire vendor accepts. */
export interface WireRequest {
  readonly model: string;
  readonly messages: { role: ChatMessage['role']; content: string }[];
  readonly stream: true;
  readonly stream_options: { include_usage: boolean };
  readonly temperature?: number;
  readonly max_tokens?: number;
}

export interface OpenAIWireClient {
  startStream(body: WireRequest, signal: AbortSignal): Promise<AsyncIterable<WireChunk>>;
  listModels(signal: AbortSignal): Promise<string[]>;
}

export function wireRequest(config: ModelConfig, messages: readonly ChatMessage[]): WireRequest {
  return {
    model: config.model,
    messages: messages.map((m) => ({ role: m.role, content: m.content })),
    stream: true,
    stream_options: { include_usage: true },
    ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
    ...(config.maxTokens === undefined ? {} : { max_tokens: config.maxTokens }),
  };
}

export class OpenAIWireBackend implements StreamingBackend {
  constructor(
    readonly identity: VendorIdentity,
    private readonly config: ModelConfig,
    private readonly client: OpenAIWireClient,
  ) {}

  async stream(messages: readonly ChatMessage[], signal: AbortSignal, sink: StreamSink): Promise<void> {
    const chunks = await this.client.startStream(wireRequest(this.config, messages), signal);
    sink.streaming = true;
    for await (const chunk of chunks) {
      for (const choice of chunk.choices) {
        sink.think(choice.delta?.reasoning_content ?? choice.delta?.reasoning);
        sink.content(choice.delta?.content);
        if (choice.finish_reason) sink.finishReason = choice.finish_reason;
      }
      const usage = chunk.usage ?? chunk.x_groq?.usage;
      if (usage) sink.usage = { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
    }
  }

  listModels(signal: AbortSignal): Promise<string[]> {
    return this.client.listModels(signal);
  }
}
