/**
 * What an ask will cost before it is sent: the input tokens each enabled model would receive, priced
 * with its configured `price`. OpenAI's GPT-4o-and-later models are counted with their own tokenizer
 * (o200k_base, via js-tiktoken); every other model gets a clearly labelled estimate (characters / 4),
 * because no maintained JavaScript tokenizer exists for Llama, Qwen and the like.
 * Output tokens are unknown until the models answer; the actual cost is shown after the run.
 */
import type { ChatMessage, ModelConfig } from './types';

export type TokenMethod = 'o200k_base' | 'estimate';

export interface ModelSpend {
  readonly modelId: string;
  readonly inputTokens: number;
  readonly method: TokenMethod;
  /** Undefined when the model has no `price`. */
  readonly inputUsd?: number;
}

/** What an ask sends besides the instruction, shown before it is sent. */
export interface SentContext {
  /** Workspace-relative file name; undefined for an untitled editor. */
  readonly file?: string;
  readonly chars: number;
  readonly lines: number;
  readonly wholeFile: boolean;
  /** The `quorum.contextExclude` glob that kept the file's text out of the ask. */
  readonly excludedBy?: string;
}

export interface SpendEstimate {
  readonly models: readonly ModelSpend[];
  /** Undefined when no editor text goes with the ask. */
  readonly context?: SentContext;
  /** Sum over the priced models; undefined when none has a price. */
  readonly inputUsd?: number;
  /** True when any count is the characters / 4 estimate rather than a tokenizer's. */
  readonly estimated: boolean;
}

/** OpenAI's chat format adds about this many tokens per message and per reply. */
const PER_MESSAGE = 3;
const PER_REPLY = 3;
const CHARS_PER_TOKEN = 4;

/** Models that use o200k_base: GPT-4o, GPT-4.1, GPT-5, o1/o3/o4 and their -mini variants. */
export function usesO200k(model: ModelConfig): boolean {
  return model.kind === 'openai' && /^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-5|o\d)/.test(model.model);
}

export type Encoder = (text: string) => number;

let o200k: Promise<Encoder> | undefined;

/**
 * Loads the o200k_base ranks (2 MB; building the table takes seconds on a slow core) once, and only
 * when an OpenAI model is being priced.
 */
export function loadO200k(): Promise<Encoder> {
  o200k ??= Promise.all([import('js-tiktoken/lite'), import('js-tiktoken/ranks/o200k_base')]).then(
    ([{ Tiktoken }, { default: ranks }]) => {
      const encoder = new Tiktoken(ranks);
      return (text: string) => encoder.encode(text, [], []).length;
    },
  );
  return o200k;
}

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

function countMessages(messages: readonly ChatMessage[], count: Encoder): number {
  return messages.reduce((sum, m) => sum + PER_MESSAGE + count(m.content), PER_REPLY);
}

export function inputCostUsd(model: ModelConfig, inputTokens: number): number | undefined {
  return model.price ? (inputTokens * model.price.inputPerMTok) / 1e6 : undefined;
}

/** Counts and prices the same messages for each model; o200k_base is loaded when `encoder` is omitted. */
export async function estimateSpend(
  messages: readonly ChatMessage[],
  models: readonly ModelConfig[],
  encoder?: Encoder,
): Promise<SpendEstimate> {
  const needsTokenizer = models.some(usesO200k);
  const exact = needsTokenizer ? (encoder ?? (await loadO200k())) : undefined;
  const spends = models.map((model): ModelSpend => {
    const method: TokenMethod = exact && usesO200k(model) ? 'o200k_base' : 'estimate';
    const inputTokens = countMessages(messages, method === 'o200k_base' && exact ? exact : estimateTokens);
    return { modelId: model.id, inputTokens, method, inputUsd: inputCostUsd(model, inputTokens) };
  });
  const priced = spends.filter((s) => s.inputUsd !== undefined);
  return {
    models: spends,
    inputUsd: priced.length ? priced.reduce((sum, s) => sum + (s.inputUsd ?? 0), 0) : undefined,
    estimated: spends.some((s) => s.method === 'estimate'),
  };
}

/** "$0.0012" style: enough digits for sub-cent asks, fewer for large ones. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(usd < 1 ? 3 : 2)}`;
}
