/**
 * The recorded demo: two prompts, four models in four styles, and the model configs that point the
 * four provider kinds at a running replay server. Everything shown from here is labelled as recorded.
 */
import type { ModelConfig } from '../core/types';
import { CHUNK_ANSWERS } from './recordedChunks';
import { PALINDROME_ANSWERS } from './recordedPalindromes';
import { PRIMES_ANSWERS } from './recordedPrimes';
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

/**
 * The answer a model gave to the prompt nearest the one asked. Any other prompt gets the primes
 * answers: the demo replays, it does not generate.
 */
export function recordingFor(model: string, prompt: string): Recording | undefined {
  const set = /palindrome/i.test(prompt)
    ? PALINDROME_ANSWERS
    : /\bchunk\b/.test(prompt)
      ? CHUNK_ANSWERS
      : PRIMES_ANSWERS;
  return set[model];
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
