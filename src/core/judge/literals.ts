import type { Language } from '../types';

/**
 * Literal values written by people in prose and docstrings (`[1, 2]`, `'abc'`, `(None, 1)`,
 * `true`), checked token by token so only plain data becomes a trusted example: anything with a
 * name, an operator or an ambiguous parenthesis (`("Venus")`: a string or a one-tuple?) is
 * refused. Returns the literal spelled for the target language, or null.
 */
export function normaliseLiteral(text: string, language: Language): string | null {
  const tokens = tokenize(text.trim());
  if (!tokens || tokens.length === 0) return null;
  const py = language === 'python';
  const words: Record<string, string> = py
    ? { True: 'True', False: 'False', None: 'None', true: 'True', false: 'False', null: 'None' }
    : { true: 'true', false: 'false', null: 'null', undefined: 'undefined' };
  const out: string[] = [];
  // One entry per open bracket: its kind, how many top-level commas and items it holds so far.
  const stack: { open: string; commas: number; items: number }[] = [];
  let expectValue = true;
  for (const t of tokens) {
    if (t.kind === 'word') {
      const mapped = words[t.text];
      if (mapped === undefined || !expectValue) return null;
      out.push(mapped);
      if (stack.length > 0) stack[stack.length - 1].items++;
      expectValue = false;
    } else if (t.kind === 'number' || t.kind === 'string') {
      if (!expectValue) return null;
      out.push(t.text);
      if (stack.length > 0) stack[stack.length - 1].items++;
      expectValue = false;
    } else if ('[({'.includes(t.text)) {
      if (!expectValue || (!py && t.text === '(')) return null;
      if (stack.length > 0) stack[stack.length - 1].items++;
      stack.push({ open: t.text, commas: 0, items: 0 });
      out.push(t.text);
      expectValue = true;
    } else if ('])}'.includes(t.text)) {
      const top = stack.pop();
      if (!top || PAIRS[top.open] !== t.text) return null;
      if (expectValue && out[out.length - 1] === ': ') return null;
      if (out[out.length - 1] === ', ') out[out.length - 1] = ',';
      // `(x)` is a parenthesised value, not a tuple: the writer's intent is unclear.
      if (top.open === '(' && top.items === 1 && top.commas === 0) return null;
      out.push(t.text);
      expectValue = false;
    } else if (t.text === ',' || t.text === ':') {
      // A separator needs a value before it; a trailing one (`(1,)`) is closed by the bracket.
      if (stack.length === 0 || expectValue) return null;
      if (t.text === ',') stack[stack.length - 1].commas++;
      else if (stack[stack.length - 1].open !== '{') return null;
      out.push(t.text === ',' ? ', ' : ': ');
      expectValue = true;
    } else return null;
  }
  if (stack.length > 0 || expectValue) return null;
  return out.join('');
}

/** The argument list of a call written in prose (`f(1, 'a')`): literals separated by commas. */
export function normaliseArguments(text: string, language: Language): string | null {
  if (text.trim() === '') return '';
  const literal = normaliseLiteral(`[${text}]`, language);
  return literal === null ? null : literal.slice(1, -1);
}

/** True when a normalised literal holds a float, so equality should tolerate rounding. */
export function hasFloat(literal: string): boolean {
  return tokenize(literal)?.some((t) => t.kind === 'number' && /[.eE]/.test(t.text)) ?? false;
}

const PAIRS: Record<string, string> = { '[': ']', '(': ')', '{': '}' };

interface Token {
  readonly kind: 'number' | 'string' | 'word' | 'punct';
  readonly text: string;
}

const NUMBER = /^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/;

function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const number = NUMBER.exec(text.slice(i));
    if (number && (/[\d.]/.test(ch) || isSignPosition(tokens))) {
      tokens.push({ kind: 'number', text: number[0].replace(/^\+/, '') });
      i += number[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length || text.startsWith(ch.repeat(3), i)) return null;
      tokens.push({ kind: 'string', text: text.slice(i, j + 1) });
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z_]\w*/.exec(text.slice(i));
    if (word) {
      tokens.push({ kind: 'word', text: word[0] });
      i += word[0].length;
      continue;
    }
    if ('[](){},:'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch });
      i++;
      continue;
    }
    return null;
  }
  return tokens;
}

/** A sign starts a number only where a value may start (after nothing, a bracket or a comma). */
function isSignPosition(tokens: readonly Token[]): boolean {
  const last = tokens[tokens.length - 1];
  return !last || (last.kind === 'punct' && '[({,:'.includes(last.text));
}
