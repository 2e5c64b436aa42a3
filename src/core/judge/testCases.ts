import type { Language, TestCase, TrustedSource } from '../types';

/**
 * One assertion split out of a model's test block. `setup` is the block's non-assertion code
 * that precedes it (imports, helpers, fixtures), so every case can run on its own.
 */
export interface JudgeCase {
  readonly id: string;
  readonly testId: string;
  readonly code: string;
  readonly setup: string;
  /** From the user (a usage example or a test file), not from a model: weighed above the rest. */
  readonly trusted?: true;
  readonly source?: TrustedSource;
  /** Made by the judge from the signature (generatedInputs.ts): a call with no expected value. */
  readonly generated?: true;
  /**
   * A generated case with an expected value, written by this model (writtenTests.ts): weighed with
   * the generated evidence, never above the user's examples.
   */
  readonly writtenBy?: string;
}

/** Statements of a test block, split at top level with strings, comments and brackets respected. */
export function topLevelStatements(source: string, language: Language): string[] {
  const lines = logicalLines(source, language === 'python' ? 'python' : 'c');
  const statements: string[] = [];
  for (const line of lines) {
    const indented = /^[ \t]/.test(line) || (language !== 'python' && /^[.)\]}]/.test(line.trimStart()));
    if (indented && statements.length > 0) statements[statements.length - 1] += `\n${line}`;
    else statements.push(line);
  }
  return statements.filter((s) => s.trim() !== '' && !isCommentOnly(s, language));
}

/** Splits every test block into single-assertion cases; a block without assertions is one case. */
export function splitTestCases(tests: readonly TestCase[], language: Language): JudgeCase[] {
  const cases: JudgeCase[] = [];
  for (const test of tests) {
    const found: { code: string; setup: string }[] = [];
    const statements = topLevelStatements(test.code, language);
    collect(statements, language, [], found);
    if (found.length === 0 && statements.length > 0) found.push({ code: test.code.trim(), setup: '' });
    found.forEach((c, i) => cases.push({ id: `${test.id}.${i + 1}`, testId: test.id, ...c }));
  }
  return cases;
}

function collect(
  statements: readonly string[],
  language: Language,
  setup: string[],
  out: { code: string; setup: string }[],
): void {
  const flattened = new Set<string>();
  for (const statement of statements) {
    const body = flattenableBody(statement, language);
    if (body) {
      // pytest-style `def test_x():` and `if __name__ == "__main__":` blocks: their asserts become cases.
      if (body.name) flattened.add(body.name);
      collect(topLevelStatements(body.code, language), language, [...setup], out);
    } else if (isAssertion(statement, language)) {
      out.push({ code: statement.trim(), setup: setup.join('\n') });
    } else if (!callsOnly(statement, flattened)) {
      setup.push(statement);
    }
  }
}

function isAssertion(statement: string, language: Language): boolean {
  const s = statement.trimStart();
  if (language === 'python') return /^assert\b/.test(s);
  return /^(assert\b|assert\.|console\.assert\b|expect\s*\()/.test(s);
}

/** A top-level call to a test function whose asserts were already flattened adds nothing. */
function callsOnly(statement: string, flattened: ReadonlySet<string>): boolean {
  const m = /^\s*([A-Za-z_$][\w$]*)\s*\(\s*\)\s*;?\s*$/.exec(statement);
  return m !== null && flattened.has(m[1]);
}

function flattenableBody(statement: string, language: Language): { name?: string; code: string } | null {
  if (language !== 'python') return null;
  const [head, ...rest] = statement.split('\n');
  const test = /^def\s+(test\w*)\s*\(\s*\)\s*(->\s*[^:]+)?:\s*$/.exec(head);
  const main = /^if\s+__name__\s*==\s*['"]__main__['"]\s*:\s*$/.test(head);
  if ((!test && !main) || rest.length === 0) return null;
  return { name: test?.[1], code: dedent(rest.join('\n')) };
}

function dedent(text: string): string {
  const lines = text.split('\n');
  const widths = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
  const cut = widths.length > 0 ? Math.min(...widths) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}

function isCommentOnly(statement: string, language: Language): boolean {
  const marker = language === 'python' ? '#' : '//';
  return statement.split('\n').every((l) => l.trim() === '' || l.trim().startsWith(marker));
}

/**
 * Physical lines joined into logical ones: a newline inside brackets, a string or after a
 * backslash does not end a statement.
 */
function logicalLines(source: string, flavour: 'python' | 'c'): string[] {
  const out: string[] = [];
  let current = '';
  let depth = 0;
  let quote: string | null = null;
  let blockComment = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    const rest3 = source.slice(i, i + 3);
    if (blockComment) {
      current += ch;
      if (ch === '*' && source[i + 1] === '/') {
        current += '/';
        i++;
        blockComment = false;
      }
      continue;
    }
    if (quote) {
      if (ch === '\\') {
        current += source.slice(i, i + 2);
        i++;
        continue;
      }
      if (source.startsWith(quote, i)) {
        current += quote;
        i += quote.length - 1;
        quote = null;
        continue;
      }
      current += ch;
      continue;
    }
    if (flavour === 'python' && ch === '#') {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? source.length : end;
      current += source.slice(i, stop);
      i = stop - 1;
      continue;
    }
    if (flavour === 'c' && source.startsWith('//', i)) {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? source.length : end;
      current += source.slice(i, stop);
      i = stop - 1;
      continue;
    }
    if (flavour === 'c' && source.startsWith('/*', i)) {
      blockComment = true;
      current += '/*';
      i++;
      continue;
    }
    if (flavour === 'python' && (rest3 === '"""' || rest3 === "'''")) {
      quote = rest3;
      current += rest3;
      i += 2;
      continue;
    }
    if (ch === '"' || ch === "'" || (flavour === 'c' && ch === '`')) quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth = Math.max(0, depth - 1);
    if (ch === '\n' && depth === 0 && !current.endsWith('\\')) {
      out.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (current !== '') out.push(current);
  return out;
}
