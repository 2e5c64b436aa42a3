/**
 * Tests written by a cheap model when the candidates bring none (issue 28, item 2): one short,
 * token-bounded request to a model of the cheapest configured tier asking for `assert f(args) ==
 * expected` lines for the function's signature and docstring. The asserts that parse as Python
 * literals become generated cases (`writtenBy` the model): the harness probes each call like a
 * generated input and checks its expected value. They rank like generated evidence — the user's
 * examples filter first (behaviourClusters.ts) — and any failure of the request only drops them.
 */
import { blendedPerMTok, tierOf } from '../strategy/tiers';
import type { ChatMessage, ModelConfig, Provider, Usage } from '../types';
import type { Signature } from './generatedInputs';
import { parsePyLiteral, renderValue } from './generatedInputs';
import type { JudgeCase } from './testCases';

/** The most output tokens the test-writing request may use. */
export const TEST_WRITING_MAX_TOKENS = 400;
/** The most asserts taken from its answer. */
export const MAX_WRITTEN_ASSERTS = 10;
/** The pseudo test block the written asserts belong to in the evidence. */
export const WRITTEN_TEST_ID = 'written';

/** What the judge is given: the asserts (normalised source) and who wrote them. */
export interface WrittenTests {
  /** The configured model id that wrote them. */
  readonly modelId: string;
  /** `assert entry(args) == expected`, literals only, one per entry. */
  readonly asserts: readonly string[];
}

/**
 * The test writer among `models`: the lowest tier (local or free first), then the cheaper blended
 * price, then the configured order. Undefined with no model.
 */
export function pickTestWriter(models: readonly ModelConfig[]): ModelConfig | undefined {
  const price = (m: ModelConfig): number => (m.price ? blendedPerMTok(m.price) : Infinity);
  return models
    .map((m, i) => ({ m, i, tier: tierOf(m).tier }))
    .sort((a, b) => a.tier - b.tier || price(a.m) - price(b.m) || a.i - b.i)[0]?.m;
}

/** The model's config for the test-writing request: its own, with the output tokens bounded. */
export function testWriterConfig(model: ModelConfig): ModelConfig {
  return { ...model, maxTokens: Math.min(model.maxTokens ?? Infinity, TEST_WRITING_MAX_TOKENS) };
}

/** The short request: the signature, the prompt (its docstring and examples), and the format wanted. */
export function testWritingMessages(sig: Signature, prompt: string, context?: string): ChatMessage[] {
  const def = `def ${sig.name}(${sig.params.map((p) => (p.hint ? `${p.name}: ${p.hint}` : p.name)).join(', ')})`;
  return [
    {
      role: 'system',
      content:
        'You write unit tests. Answer only with Python assert lines of the form ' +
        '`assert f(ARGS) == EXPECTED`, where ARGS and EXPECTED are plain literals ' +
        '(numbers, strings, True/False/None, lists, tuples, dicts, sets). No imports, no prose, no code fences.',
    },
    {
      role: 'user',
      content:
        `The function: ${def}\n\nWhat it must do:\n${prompt.trim()}\n` +
        (context?.trim() ? `\nCode around it:\n${context.trim().slice(0, 2000)}\n` : '') +
        `\nWrite up to ${MAX_WRITTEN_ASSERTS} asserts of ${sig.name} with their exact expected values: ` +
        'typical inputs and edge cases (empty, zero, one element).',
    },
  ];
}

/** Index of the parenthesis closing the one at `open`, strings respected; -1 if unbalanced. */
function closing(text: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) && --depth === 0) return i;
  }
  return -1;
}

/**
 * The asserts of an answer that call `entry` with literal arguments and compare with a literal:
 * normalised (`assert entry(1, [2]) == 3`), one per argument list, at most `max`. Anything else
 * (prose, fences, other functions, expressions) is skipped.
 */
export function parseWrittenAsserts(text: string, entry: string, max = MAX_WRITTEN_ASSERTS): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const head = new RegExp(`^\\s*assert\\s+${entry.replace(/[$]/g, '\\$')}\\s*\\(`);
  for (const raw of text.split('\n')) {
    if (out.length >= max) break;
    const line = raw.replace(/\s+#[^'"]*$/, '');
    const m = head.exec(line);
    if (!m) continue;
    const open = m[0].length - 1;
    const close = closing(line, open);
    if (close < 0) continue;
    const rest = /^\s*==\s*(.+?)\s*$/.exec(line.slice(close + 1));
    if (!rest) continue;
    const args = parsePyLiteral(`(${line.slice(open + 1, close)},)`);
    const expected = parsePyLiteral(rest[1]);
    if (!args || args.t !== 'tuple' || !expected) continue;
    const call = `${entry}(${args.items.map(renderValue).join(', ')})`;
    if (seen.has(call)) continue;
    seen.add(call);
    out.push(`assert ${call} == ${renderValue(expected)}`);
  }
  return out;
}

/** The written asserts as generated cases (probed like generated inputs, checked by their expected value). */
export function writtenCases(written: WrittenTests | undefined): JudgeCase[] {
  if (!written) return [];
  return written.asserts.map((code, i) => ({
    id: `${WRITTEN_TEST_ID}.${i + 1}`,
    testId: WRITTEN_TEST_ID,
    code,
    setup: '',
    generated: true,
    writtenBy: written.modelId,
  }));
}

export interface WriteTestsResult {
  readonly asserts: string[];
  readonly usage?: Usage;
  readonly latencyMs: number;
}

/** Sends the one request; throws what the provider throws (the caller drops the evidence). */
export async function writeTests(
  provider: Provider,
  sig: Signature,
  prompt: string,
  context: string | undefined,
  signal: AbortSignal,
): Promise<WriteTestsResult> {
  const result = await provider.complete({
    messages: testWritingMessages(sig, prompt, context),
    signal,
    onDelta: () => undefined,
  });
  return {
    asserts: parseWrittenAsserts(result.text, sig.name),
    usage: result.usage,
    latencyMs: result.latencyMs,
  };
}
