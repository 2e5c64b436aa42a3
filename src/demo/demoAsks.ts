/**
 * The asks the recorded demo can answer, and which one a prompt is. The demo replays, it does not
 * generate: a prompt that is none of these gets no recorded answers (the host says which asks the
 * demo knows instead), so nobody sees unrelated answers marked as passing.
 */
import type { Intent, Language } from '../core/types';

export type DemoAskId = 'is-prime-faster' | 'sum-range-fix' | 'primes-up-to' | 'palindrome' | 'chunk';

export interface DemoAsk {
  readonly id: DemoAskId;
  /** The button's words. */
  readonly title: string;
  /** What the button sends as the instruction. */
  readonly instruction: string;
  readonly intent: Intent;
  readonly language: Language;
  /** The sample file (under the workspace) the ask is about, and the function to select there. */
  readonly file?: string;
  readonly symbol?: string;
  /** True when the prompt (instruction, preamble and context, as the models receive it) is this ask. */
  matches(prompt: string): boolean;
}

// Whole words only: "quicksort" is not a request for speed.
const SPEED_WORDS =
  /\b(fast(er)?|speed(s|\s?up)?|quick(er|ly)?|sqrt|optimi[sz]e[ds]?|performance|efficient(ly)?|slow)\b/i;
const FIX_WORDS = /\b(fix|off[- ]by[- ]one|bug|wrong|broken|problems?)\b/i;

export const DEMO_ASKS: readonly DemoAsk[] = [
  {
    id: 'is-prime-faster',
    title: 'Make is_prime faster (sample/primes.py)',
    instruction: 'Make is_prime faster; keep its name and signature.',
    intent: 'generate',
    language: 'python',
    file: 'primes.py',
    symbol: 'is_prime',
    matches: (p) => /\bis_prime\b/.test(p) && SPEED_WORDS.test(requestOf(p)),
  },
  {
    id: 'sum-range-fix',
    title: 'Fix the off-by-one in sumRange (sample/sumRange.ts)',
    instruction: 'Fix the off-by-one: sumRange(1, 10) should be 55.',
    intent: 'fix',
    language: 'typescript',
    file: 'sumRange.ts',
    symbol: 'sumRange',
    matches: (p) => /\bsumRange\b/.test(p) && FIX_WORDS.test(p),
  },
  {
    id: 'primes-up-to',
    title: 'Write primes_up_to(n)',
    instruction:
      'Write a Python function `primes_up_to(n)` that returns the list of primes <= n, and print primes_up_to(50).',
    intent: 'generate',
    language: 'python',
    matches: (p) => /\bprimes_up_to\b/.test(requestOf(p)),
  },
  {
    id: 'palindrome',
    title: 'Write is_palindrome(s)',
    instruction:
      'Write a Python function `is_palindrome(s)` that returns True when s reads the same forwards and backwards, ignoring case, spaces and punctuation, and print the result for "A man, a plan, a canal: Panama" and "hello".',
    intent: 'generate',
    language: 'python',
    matches: (p) => /palindrome/i.test(requestOf(p)),
  },
  {
    id: 'chunk',
    title: 'Write chunk(array, size) in JavaScript',
    instruction:
      'Write a JavaScript function `chunk(array, size)` that splits an array into chunks of `size` elements (the last one may be shorter), and print chunk([1, 2, 3, 4, 5], 2) as JSON.',
    intent: 'generate',
    language: 'javascript',
    matches: (p) => /\bchunk\b/.test(requestOf(p)),
  },
];

/**
 * The user's request line of a prompt as built by core/prompt.ts (`Request: …`), or the whole text
 * when there is none (a bare instruction). The code sent as context is not the request: a file that
 * merely mentions `chunk` must not turn an unrelated ask into the chunk demo.
 */
function requestOf(prompt: string): string {
  const at = prompt.indexOf('Request: ');
  if (at < 0) return prompt.split(/\nCode( \([^)]*\))?:\n/)[0] ?? prompt;
  const rest = prompt.slice(at + 'Request: '.length);
  return rest.split(/\n\nCode( \([^)]*\))?:\n/)[0] ?? rest;
}

/** The demo ask a prompt is, in list order (the sample's own asks first), or undefined. */
export function matchDemoAsk(prompt: string): DemoAsk | undefined {
  return DEMO_ASKS.find((a) => a.matches(prompt));
}

/** The prompt text the models would receive for an ask, for `matchDemoAsk` before it is sent. */
export function promptTextOf(instruction: string, intent: Intent, context?: string): string {
  const preamble = intent === 'fix' ? 'Fix the code below.' : '';
  return [preamble, `Request: ${instruction}`, context ? `\nCode:\n${context}` : ''].join('\n');
}

/** True when the context sent is the whole sample file, not just the one function. */
export function isWholeFile(prompt: string, ask: DemoAsk): boolean {
  if (ask.id === 'is-prime-faster') return /\bdef primes_below\b/.test(prompt);
  if (ask.id === 'sum-range-fix') return /console\.log\(sumRange/.test(prompt);
  return false;
}
