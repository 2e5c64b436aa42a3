/**
 * Answer text -> code. Finds every code block in a model's answer with a real CommonMark
 * tokenizer (markdown-it: fences of any length, `~~~`, fences nested in lists and quotes, and a
 * source line map for each block), strips `<think>` reasoning, and decides which block is the
 * program, which holds tests, and what is left as the model's prose.
 */
import MarkdownIt from 'markdown-it';
import {
  definedNames,
  looksLikeTestsFor,
  pickMain,
  roleOf,
  type BlockRole,
  type FoundBlock,
} from './blockRoles';
import {
  guessLanguage,
  languageOfFilename,
  looksLikeCode,
  normaliseLanguage,
  splitBareCode,
} from './languageGuess';
import type { CodeBlock, Extraction, Language } from './types';

export interface ExtractOptions {
  /** The language the user asked for; used for untagged blocks and to choose among several. */
  readonly requestLanguage?: Language;
}

// One parser for every call: markdown-it keeps no state between `parse` calls.
const markdown = new MarkdownIt('commonmark');

/** Extracts the program, its tests, every block, the reasoning and the prose from an answer. */
export function extract(answer: string, options: ExtractOptions = {}): Extraction {
  const requested = options.requestLanguage;
  const { content, reasoning } = splitReasoning(answer.replace(/\r\n?/g, '\n'));
  const lines = content.split('\n');

  const fenced: { found: FoundBlock | null; from: number; to: number }[] = [];
  for (const token of markdown.parse(content, {})) {
    if (token.type !== 'fence' || token.map === null) continue;
    const [from, to] = token.map;
    const closed = to - 1 > from && isClosingFence(lines[to - 1], token.markup);
    // An empty fence (a stray closing fence with no opening one) holds no code but is no prose either.
    const found =
      token.content.trim() === '' ? null : foundBlock(token.content, token.info, !closed, requested);
    fenced.push({ found, from, to });
  }

  let found = fenced.flatMap((f) => (f.found === null ? [] : [f.found]));
  let proseText = lines.filter((_, i) => !fenced.some((f) => i >= f.from && i < f.to)).join('\n');
  if (found.length === 0) {
    // No fenced code: a bare program, possibly between a sentence of introduction and one of explanation.
    const unfenced = lines.filter((line) => !/^\s*(?:`{3,}|~{3,})\s*$/.test(line)).join('\n');
    const bare = splitBareCode(unfenced, requested);
    if (bare !== null) {
      found = [foundBlock(bare.code, '', false, requested, bare.language)];
      proseText = `${bare.before}\n\n${bare.after}`;
    }
  }

  const { main, tests } = assignRoles(found, requested);
  return {
    main,
    tests,
    blocks: found.map((f) => f.block),
    language: main?.language ?? null,
    prose: tidy(proseText),
    ...(reasoning !== undefined ? { reasoning } : {}),
  };
}

/**
 * Removes `<think>`/`<thinking>` sections. Also handles the two ways streams break them: an
 * opening tag never closed (the stream was cut while the model was still thinking), and a
 * closing tag with no opening one (some servers put `<think>` in the prompt template and
 * stream only the rest).
 */
export function splitReasoning(text: string): { content: string; reasoning?: string } {
  const parts: string[] = [];
  // Tags count only where a model puts them, at a line start, so a program that handles the
  // string "<think>" keeps its code.
  let content = text.replace(
    /(^|\n)[ \t]*<(think|thinking|reasoning)>([\s\S]*?)<\/\2>/gi,
    (_, lead: string, _tag: string, inner: string) => {
      parts.push(inner.trim());
      return lead;
    },
  );
  const orphanClose = /^([\s\S]*?)<\/(?:think|thinking|reasoning)>[ \t]*(?=\n|$)/i.exec(content);
  if (orphanClose !== null) {
    parts.unshift(orphanClose[1].trim());
    content = content.slice(orphanClose[0].length);
  }
  const unclosed = /<(?:think|thinking|reasoning)>([\s\S]*)$/i.exec(content);
  if (unclosed !== null && content.slice(0, unclosed.index).trim() === '') {
    parts.push(unclosed[1].trim());
    content = '';
  }
  const reasoning = parts.filter((p) => p !== '').join('\n\n');
  return reasoning === '' ? { content } : { content, reasoning };
}

function isClosingFence(line: string, markup: string): boolean {
  // Quote markers and list indentation precede the fence on its own source line.
  const bare = line.replace(/^[\s>]*/, '').trimEnd();
  return bare.length >= markup.length && bare === markup[0].repeat(bare.length);
}

interface InfoParts {
  readonly tag: string;
  readonly filename?: string;
  readonly tests: boolean;
}

/** Reads an info string: `python`, `python tests`, `py:main.py`, `python title="x.py"`, `main.py`, `{.python}`. */
export function parseInfo(info: string): InfoParts {
  const words = info
    .trim()
    .replace(/^\{\.?|\}$/g, '')
    .split(/\s+/);
  let tag = (words[0] ?? '').toLowerCase();
  let filename: string | undefined;
  // `python-tests` and `py_test` say the same as `python tests`.
  const joinedTests = /^(\w+)[-_](?:tests?|spec)$/.exec(tag);
  if (joinedTests !== null) tag = joinedTests[1];
  const colon = tag.indexOf(':');
  if (colon > 0) [tag, filename] = [tag.slice(0, colon), words[0].slice(colon + 1)];
  else if (/^[\w-]+\.\w+$/.test(tag) && languageOfFilename(tag) !== null) filename = words[0];
  const attribute = /\b(?:title|file|filename|name|path)=(?:"([^"]*)"|'([^']*)'|(\S+))/.exec(info);
  if (attribute !== null) filename = attribute[1] ?? attribute[2] ?? attribute[3];
  const rest = words.slice(1);
  filename ??= rest.find((w) => /^[\w./-]+\.\w+$/.test(w) && !w.includes('='));
  const tests =
    joinedTests !== null ||
    rest.some((w) => /^(?:tests?|spec)$/i.test(w)) ||
    /(?:^|\/)(?:tests?\.py|test_[\w-]*\.py)$|_test\.(?:py|go|rs)$|\.(?:test|spec)\.[cm]?[jt]sx?$/.test(
      filename ?? '',
    );
  return { tag, filename, tests };
}

function foundBlock(
  rawCode: string,
  info: string,
  unterminated: boolean,
  requested: Language | undefined,
  bareLanguage?: Language | null,
): FoundBlock {
  let code = rawCode.replace(/\n+$/, '');
  // A stream cut inside the closing fence leaves a stray "``" as the last line.
  if (unterminated) code = code.replace(/\n[`~]{1,2}$/, '');
  const parts = parseInfo(info);
  let language =
    bareLanguage !== undefined
      ? bareLanguage
      : (normaliseLanguage(parts.tag) ??
        (parts.filename !== undefined ? languageOfFilename(parts.filename) : null));
  if (language === null && parts.tag === '' && bareLanguage === undefined) {
    // Untagged: the request's language when the block is code at all, else what inspection says.
    const guess = guessLanguage(code);
    language = guess !== null || looksLikeCode(code) ? (requested ?? guess) : null;
  }
  const block: CodeBlock = {
    code,
    language,
    info: info.trim(),
    ...(parts.filename !== undefined ? { filename: parts.filename } : {}),
    unterminated,
  };
  return { block, tag: parts.tag, declaredTests: parts.tests };
}

/**
 * Decides main and tests: declared test blocks first, then blocks of bare asserts that call
 * what another block defines; the main program is the best of the remaining programs, falling
 * back to a patch, then setup commands, then data when the answer has nothing else.
 */
function assignRoles(found: readonly FoundBlock[], requested?: Language): Pick<Extraction, 'main' | 'tests'> {
  const roles: BlockRole[] = found.map(roleOf);
  const programs = (): number[] => roles.flatMap((r, i) => (r === 'program' ? [i] : []));
  for (const i of programs()) {
    const others = new Set(
      programs()
        .filter((j) => j !== i)
        .flatMap((j) => [...definedNames(found[j].block.code)]),
    );
    if (others.size > 0 && looksLikeTestsFor(found[i].block.code, others)) roles[i] = 'tests';
  }
  const of = (role: BlockRole): CodeBlock[] => found.filter((_, i) => roles[i] === role).map((f) => f.block);
  const testBlocks = of('tests');
  const main =
    pickMain(of('program'), requested) ??
    of('diff')[0] ??
    of('setup').at(-1) ??
    of('data')[0] ??
    // A test file alone is the answer to "write tests": then it is the program.
    testBlocks[0] ??
    null;
  const tests = testBlocks.find((block) => block !== main) ?? null;
  return { main, tests };
}

/** Prose without the gaps the removed blocks leave behind. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
