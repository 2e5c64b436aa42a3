import type { Language } from '../types';
import { hasFloat, normaliseArguments, normaliseLiteral } from './literals';

/** A usage example turned into a runnable assertion, with the line it was read from. */
export interface ParsedExample {
  readonly code: string;
  readonly setup: string;
  readonly line: string;
}

/**
 * Usage examples a person wrote in a prompt, a docstring or a comment, as assertions. Only forms
 * whose call and value are unambiguous are taken: doctest `>>> expr` + expected output (Python),
 * `f(args) ==> value` and its cousins (`=>`, `->`, `➞`, `==`, `returns`, `should return`),
 * `Input: ... / Output: ...` pairs for the function the docstring belongs to, and JSDoc-style
 * `f(args) // => value`. A value must be plain data (see literals.ts); a call's arguments too,
 * except in a doctest, whose source is code by definition.
 */
export function parseExamples(text: string, language: Language): ParsedExample[] {
  if (language !== 'python' && language !== 'javascript' && language !== 'typescript') return [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: ParsedExample[] = [];
  const seen = new Set<string>();
  const add = (example: ParsedExample | null): void => {
    if (!example || seen.has(example.code)) return;
    seen.add(example.code);
    out.push(example);
  };
  for (let i = 0; i < lines.length; i++) {
    if (language === 'python' && /^\s*>>>/.test(lines[i])) {
      const { example, next } = doctestAt(lines, i);
      add(example);
      i = next - 1;
      continue;
    }
    const input = /^\s*Input\s*:\s*(.+)$/i.exec(lines[i]);
    const output = input ? /^\s*Output\s*:\s*(.+)$/i.exec(lines[i + 1] ?? '') : null;
    if (input && output) {
      add(inputOutput(lines, i, input[1], output[1], language));
      i++;
      continue;
    }
    add(proseExample(lines[i], language));
  }
  return out;
}

/** `>>> source` (with `... ` continuations) and the expected lines up to a blank or the next prompt. */
function doctestAt(lines: readonly string[], start: number): { example: ParsedExample | null; next: number } {
  let source = lines[start].replace(/^\s*>>>\s?/, '');
  let i = start + 1;
  while (i < lines.length && /^\s*\.\.\.(\s|$)/.test(lines[i])) {
    source += `\n${lines[i].replace(/^\s*\.\.\.\s?/, '')}`;
    i++;
  }
  const expected: string[] = [];
  while (i < lines.length && lines[i].trim() !== '' && !/^\s*>>>/.test(lines[i])) {
    expected.push(lines[i].trim());
    i++;
  }
  const call = stripComment(source).trim();
  const wanted = expected
    .join(' ')
    .replace(/("""|''')\s*$/, '')
    .trim();
  if (call === '') return { example: null, next: i };
  if (wanted === '') {
    // `>>> f(x) == 3` with no output line: the writer wrote the assertion itself.
    const eq = splitTopLevel(call, '==');
    if (!eq) return { example: null, next: i };
    return { example: assertion(eq[0], eq[1], 'python', lines[start].trim(), false), next: i };
  }
  return { example: assertion(call, wanted, 'python', lines[start].trim(), false), next: i };
}

const ARROWS = ['==>', '=>', '->', '➞', '→', '==', 'should return', 'returns', 'should be'];

/** `f(args) ==> value` on one line, optionally bulleted, `for`- or `assert`-prefixed, or followed by a comment. */
function proseExample(line: string, language: Language): ParsedExample | null {
  let text = line.trim().replace(/^(?:[*-]\s+|for\s+|@example\s+|\/\/\s*|#\s*|\*\s*|assert\s+)+/, '');
  if (language !== 'python') {
    // JSDoc: `add(1, 2); // => 3` or `add(1, 2) // 3`
    const js = /^(.*?\))\s*;?\s*\/\/\s*(?:=>)?\s*(.+)$/.exec(text);
    if (js) text = `${js[1]} => ${js[2]}`;
  }
  const call = leadingCall(text);
  if (!call) return null;
  const rest = text.slice(call.length).trim();
  const arrow = ARROWS.find((a) => rest.startsWith(a));
  if (!arrow) return null;
  const value = stripComment(rest.slice(arrow.length)).trim();
  return assertion(call, value, language, line.trim(), true);
}

/** `Input: arr = [1, 2], k = 3` then `Output: [2]`, for the `def` the docstring belongs to. */
function inputOutput(
  lines: readonly string[],
  at: number,
  inputText: string,
  outputText: string,
  language: Language,
): ParsedExample | null {
  if (language !== 'python') return null;
  const def = lines
    .slice(0, at)
    .reverse()
    .map((l) => /^\s*def\s+([A-Za-z_]\w*)\s*\(([^)]*)\)/.exec(l))
    .find((m) => m !== null);
  if (!def) return null;
  const params = def[2]
    .split(',')
    .map((p) => p.split(/[:=]/)[0].trim())
    .filter((p) => p !== '' && p !== 'self' && !p.startsWith('*'));
  const named = [...inputText.matchAll(/([A-Za-z_]\w*)\s*=\s*/g)];
  let args: string;
  if (named.length > 0) {
    const names = named.map((m) => m[1]);
    if (names.join() !== params.join()) return null;
    const values = named.map((m, k) =>
      inputText
        .slice((m.index ?? 0) + m[0].length, named[k + 1]?.index ?? inputText.length)
        .replace(/,\s*$/, ''),
    );
    args = values.join(', ');
  } else {
    if (params.length !== 1) return null;
    args = inputText;
  }
  const value = stripComment(outputText).trim();
  return assertion(
    `${def[1]}(${args})`,
    value,
    language,
    `${lines[at].trim()} / ${lines[at + 1].trim()}`,
    true,
  );
}

/** The assertion for `call` returning `value`; null when either is not plain enough. */
function assertion(
  call: string,
  value: string,
  language: Language,
  line: string,
  literalArgs: boolean,
): ParsedExample | null {
  const expected = normaliseLiteral(value, language);
  if (expected === null) return null;
  let callCode = call.trim();
  if (literalArgs) {
    const head = /^([A-Za-z_$][\w$]*)\(([\s\S]*)\)$/.exec(callCode);
    const args = head ? normaliseArguments(head[2], language) : null;
    if (!head || args === null) return null;
    callCode = `${head[1]}(${args})`;
  } else if (!/[A-Za-z_]\w*\s*\(/.test(callCode)) return null;
  if (language === 'python') {
    return hasFloat(expected)
      ? { code: `assert _q_close(${callCode}, ${expected})`, setup: CLOSE_PY, line }
      : { code: `assert ${callCode} == ${expected}`, setup: '', line };
  }
  return { code: `assert.deepStrictEqual(${callCode}, ${expected});`, setup: '', line };
}

/** Float results compared like a person reads them: to 1e-6, through lists and tuples. */
const CLOSE_PY = `def _q_close(a, b):
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) == type(b) and len(a) == len(b) and all(_q_close(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) <= 1e-6 * max(1.0, abs(b))
    return a == b`;

/** `name(...)` at the start of text, brackets and strings respected; null when there is none. */
function leadingCall(text: string): string | null {
  const head = /^[A-Za-z_$][\w$.]*\(/.exec(text);
  if (!head) return null;
  const end = closingParen(text, head[0].length - 1);
  return end < 0 ? null : text.slice(0, end + 1);
}

/** The index of the bracket closing the one at `open`; -1 when it is not closed. */
function closingParen(text: string, open: number): number {
  for (const c of outsideStrings(text, open)) if (')]}'.includes(c.ch) && c.depth === 1) return c.at;
  return -1;
}

/** Drops a trailing `# comment` outside strings. */
function stripComment(text: string): string {
  for (const c of outsideStrings(text)) if (c.ch === '#') return text.slice(0, c.at);
  return text;
}

/** Splits `a == b` at its one top-level `==`; null when there is not exactly one. */
function splitTopLevel(text: string, op: string): [string, string] | null {
  const at: number[] = [];
  let after = 0;
  for (const c of outsideStrings(text)) {
    if (c.depth === 0 && c.at >= after && text.startsWith(op, c.at)) {
      at.push(c.at);
      after = c.at + op.length;
    }
  }
  if (at.length !== 1) return null;
  return [text.slice(0, at[0]).trim(), text.slice(at[0] + op.length).trim()];
}

/**
 * The characters of `text` outside string literals, from `from` on, each with the bracket depth
 * before it: a bracket, `#` or operator inside a string is not code.
 */
function* outsideStrings(text: string, from = 0): Generator<{ at: number; ch: string; depth: number }> {
  let depth = 0;
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else {
      yield { at: i, ch, depth };
      if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth--;
    }
  }
}
