/**
 * The recorded demo: the sample's own asks and three stand-alone prompts, four models in four styles, and the model configs that point the
 * four provider kinds at a running replay server. Everything shown from here is labelled as recorded.
 */
import type { ModelConfig } from '../core/types';
import { isWholeFile, matchDemoAsk, type DemoAskId } from './demoAsks';
import { CHUNK_ANSWERS } from './recordedChunks';
import { IS_PRIME_ANSWERS, IS_PRIME_FILE_ANSWERS } from './recordedIsPrime';
import { PALINDROME_ANSWERS } from './recordedPalindromes';
import { PRIMES_ANSWERS } from './recordedPrimes';
import { SUM_RANGE_ANSWERS, SUM_RANGE_FILE_ANSWERS } from './recordedSumRange';
import type { Recording } from './replayTypes';

/** Shown wherever demo answers appear, so nobody mistakes them for live model output. */
export const DEMO_LABEL = 'Demo mode: recorded answers replayed from a local server, not live models';

export const DEMO_PROMPT =
  'Write a Python function `primes_up_to(n)` that returns the list of primes <= n, and print primes_up_to(50).';

export const DEMO_PROMPT_PALINDROME =
  'Write a Python function `is_palindrome(s)` that returns True when s reads the same forwards and backwards, ignoring case, spaces and punctuation, and print the result for "A man, a plan, a canal: Panama" and "hello".';

export const DEMO_PROMPT_CHUNK =
  'Write a JavaScript function `chunk(array, size)` that splits an array into chunks of `size` elements (the last one may be shorter), and print chunk([1, 2, 3, 4, 5], 2) as JSON.';

export const RECORDED_MODEL_NAMES: readonly string[] = Object.freeze(Object.keys(PRIMES_ANSWERS));

const ANSWERS: Readonly<Record<DemoAskId, readonly [snippet: Answers, file: Answers]>> = {
  'is-prime-faster': [IS_PRIME_ANSWERS, IS_PRIME_FILE_ANSWERS],
  'sum-range-fix': [SUM_RANGE_ANSWERS, SUM_RANGE_FILE_ANSWERS],
  'primes-up-to': [PRIMES_ANSWERS, PRIMES_ANSWERS],
  palindrome: [PALINDROME_ANSWERS, PALINDROME_ANSWERS],
  chunk: [CHUNK_ANSWERS, CHUNK_ANSWERS],
};
type Answers = Readonly<Record<string, Recording>>;

/**
 * The answer a model gave to the recorded ask this prompt is (see demoAsks.ts), to the selected
 * function or to the whole file as was sent. A prompt that is none of them still gets the
 * primes_up_to answers from the server (the wire tests and the CLI's default rely on that); the
 * editor never sends one in demo mode, it lists the asks the demo knows instead.
 */
export function recordingFor(model: string, prompt: string): Recording | undefined {
  const ask = matchDemoAsk(prompt);
  if (!ask) return PRIMES_ANSWERS[model];
  const [snippet, file] = ANSWERS[ask.id];
  return (isWholeFile(prompt, ask) ? file : snippet)[model];
}

/** One demo model per provider kind, all aimed at the replay server at `url` (no trailing slash). */
export function DEMO_MODELS(url: string): ModelConfig[] {
  return [
    {
      id: 'demo-gpt-4o-mini',
      kind: 'openai',
      model: 'demo-gpt-4o-mini',
      baseUrl: `${url}/v1`,
      enabled: true,
      price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
    },
    { id: 'demo-llama-3.3-70b', kind: 'groq', model: 'demo-llama-3.3-70b', baseUrl: url, enabled: true },
    { id: 'demo-qwen2.5-coder', kind: 'ollama', model: 'demo-qwen2.5-coder', baseUrl: url, enabled: true },
    {
      id: 'demo-deepseek-r1',
      kind: 'openai-compatible',
      model: 'demo-deepseek-r1',
      baseUrl: `${url}/v1`,
      enabled: true,
    },
  ];
}
