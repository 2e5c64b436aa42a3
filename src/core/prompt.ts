/**
 * Builds the messages of one ask. The system prompt fixes the answer's shape so that extraction,
 * the sandbox and the judge can work on it: one runnable program, then an optional block of tests.
 */
import type { AskRequest, ChatMessage, Intent, Language } from './types';
import type { EditAsk } from './project/types';

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
  if (request.edit) return buildEditMessages(request, request.edit, language);
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

// ---------------------------------------------------------------- edit asks

const PROJECT_LANGUAGE_NAME: Record<EditAsk['language'], string> = {
  python: 'Python',
  javascript: 'JavaScript',
  typescript: 'TypeScript',
  go: 'Go',
  rust: 'Rust',
};

/** The system prompt of an edit ask; `{path}` and `{fence}` are filled in per ask. */
export const EDIT_SYSTEM_PROMPT = [
  "You are one of several models editing the same file of the user's project. Each answer is applied to its own copy of the project and checked against the project's own tests in an isolated sandbox.",
  'Answer with the whole new content of `{path}` in ONE fenced code block (```{fence}); a unified diff of that file in a ```diff block is accepted too. {range}',
  "Keep the file's existing imports, names, public interface and style. Use the project's own modules and helpers (listed below) instead of re-implementing them. Add no demonstration or main block, no prints and no tests: the project's test suite is what runs.",
  'Keep any explanation short and put it before the code.',
].join('\n');

/** What the edit prompt says about the system prompt, for the record. */
export function editSystemPromptFor(edit: EditAsk, language: Language): string {
  const range = edit.range
    ? `Only lines ${edit.range.startLine}-${edit.range.endLine} (marked below) are to change: you may answer with just the new text of those lines.`
    : '';
  return EDIT_SYSTEM_PROMPT.replaceAll('{path}', edit.path)
    .replaceAll('{fence}', FENCE_TAG[language])
    .replaceAll('{range}', range)
    .replace(/ +\n/g, '\n');
}

export function buildEditMessages(request: AskRequest, edit: EditAsk, language: Language): ChatMessage[] {
  const parts = [INTENT_PREAMBLE_EDIT[request.intent]];
  if (request.instruction.trim()) parts.push(`Request: ${request.instruction.trim()}`);
  const project = `Project: ${PROJECT_LANGUAGE_NAME[edit.language]}${edit.testFramework ? `, tested with ${edit.testFramework}` : ''}.`;
  parts.push(project);
  const text = request.context ?? '';
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const shown = edit.range ? markRange(text, edit.range) : text;
  parts.push(`File ${edit.path}:\n${fence}${FENCE_TAG[language]}\n${shown.replace(/\s+$/, '')}\n${fence}`);
  if (edit.imports?.length) {
    const listed = edit.imports
      .map((m) => `${m.path}:\n${m.signatures.map((s) => `  ${s.replace(/\n/g, '\n  ')}`).join('\n')}`)
      .join('\n');
    parts.push(`What ${edit.path} uses from the project (signatures):\n${listed}`);
  }
  return [
    { role: 'system', content: editSystemPromptFor(edit, language) },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

const INTENT_PREAMBLE_EDIT: Record<Intent, string> = {
  generate: 'Make this change to the file below.',
  fix: 'Fix the file below so that it does what it is meant to do.',
  review:
    'Review the file below as a careful senior reviewer: list the real problems as short prose bullets, then give the corrected file.',
  tests: 'Improve the file below as asked, keeping it testable.',
};

function markRange(text: string, range: { startLine: number; endLine: number }): string {
  const lines = text.split('\n');
  const a = Math.max(1, range.startLine);
  const b = Math.min(lines.length, range.endLine);
  return [
    ...lines.slice(0, a - 1),
    '<<< lines to change start >>>',
    ...lines.slice(a - 1, b),
    '<<< lines to change end >>>',
    ...lines.slice(b),
  ].join('\n');
}
