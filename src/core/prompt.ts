/**
 * Builds the messages of one ask. The system prompt fixes the answer's shape so that extraction,
 * the sandbox and the judge can work on it: one runnable program, then an optional block of tests.
 */
import type { AskRequest, ChatMessage, Intent, Language } from './types';

const FENCE_TAG: Record<Language, string> = {
  python: 'python',
  javascript: 'javascript',
  typescript: 'typescript',
  bash: 'bash',
  go: 'go',
  rust: 'rust',
};

const MAIN_GUARD: Partial<Record<Language, string>> = {
  python: 'Put the demonstration that prints results under `if __name__ == "__main__":`.',
  javascript: 'Put the demonstration that prints results at the end, after the definitions.',
  typescript: 'Put the demonstration that prints results at the end, after the definitions.',
};

/** The default system prompt; `{language}` and `{fence}` are filled in per ask. */
export const DEFAULT_SYSTEM_PROMPT = [
  'You are one of several models answering the same request. Your answer is executed in an isolated sandbox and compared with the others.',
  'Answer with ONE complete, runnable {language} program in a single fenced code block (```{fence}). It must run as is, with only the standard library, read no files, use no network, and print its results to stdout. {guard}',
  "Then add a second fenced block tagged ```{fence} tests holding 3 to 8 assert-style checks of the behaviour asked for, one per line, calling your program's functions; they will be appended to programs and run.",
  'Keep any explanation short and put it before the code.',
].join('\n');

const INTENT_PREAMBLE: Record<Intent, string> = {
  generate: 'Write a program for this request.',
  fix: 'Fix the code below so that it does what it is meant to do. Answer with the whole corrected program, not a diff.',
  review:
    'Review the code below as a careful senior reviewer: list the real problems (bugs, edge cases, security, clarity) as short prose bullets, then give the whole corrected program.',
  tests:
    'Write thorough tests for the code below. The program block must contain the code under test followed by the tests, and print a summary of the results.',
};

export function systemPromptFor(language: Language, template: string = DEFAULT_SYSTEM_PROMPT): string {
  return template
    .replaceAll('{language}', language)
    .replaceAll('{fence}', FENCE_TAG[language])
    .replaceAll('{guard}', MAIN_GUARD[language] ?? '');
}

export function buildMessages(request: AskRequest, language: Language, systemPrompt?: string): ChatMessage[] {
  const parts = [INTENT_PREAMBLE[request.intent]];
  if (request.instruction.trim()) parts.push(`Request: ${request.instruction.trim()}`);
  if (request.context?.trim()) {
    const name = request.contextFile ? ` (${request.contextFile})` : '';
    // A longer fence than any run of backticks inside the context keeps the user's code intact.
    const longest = Math.max(2, ...Array.from(request.context.matchAll(/`+/g), (m) => m[0].length));
    const fence = '`'.repeat(longest + 1);
    parts.push(
      `Code${name}:\n${fence}${FENCE_TAG[language]}\n${request.context.replace(/\s+$/, '')}\n${fence}`,
    );
  }
  return [
    { role: 'system', content: systemPromptFor(language, systemPrompt) },
    { role: 'user', content: parts.join('\n\n') },
  ];
}
