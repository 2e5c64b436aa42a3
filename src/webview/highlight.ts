/**
 * Syntax highlighting through Prism's tokenizer (`Prism.tokenize`), which returns tokens, never
 * HTML: the code view turns each token into a text node inside a span, so highlighting never parses
 * model output as markup. Prism's many token types are folded into the four the panel's theme colours.
 */
import Prism from 'prismjs';
import 'prismjs/components/prism-python';
import 'prismjs/components/prism-typescript';
import 'prismjs/components/prism-bash';
import 'prismjs/components/prism-go';
import 'prismjs/components/prism-rust';

export type TokenKind = 'kw' | 'str' | 'com' | 'num' | 'text';
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

const KINDS: Readonly<Record<string, TokenKind>> = {
  keyword: 'kw',
  boolean: 'kw',
  builtin: 'kw',
  constant: 'kw',
  string: 'str',
  char: 'str',
  'template-string': 'str',
  'triple-quoted-string': 'str',
  'string-interpolation': 'str',
  'raw-string': 'str',
  regex: 'str',
  comment: 'com',
  number: 'num',
};

/** The grammar for a language; Prism's `clike` for anything else. */
function grammarOf(language: string | null | undefined): Prism.Grammar {
  return (language && Prism.languages[language]) || Prism.languages.clike;
}

/** The text of a token stream, nested tokens included. */
function textOf(stream: string | Prism.Token | (string | Prism.Token)[]): string {
  if (typeof stream === 'string') return stream;
  if (Array.isArray(stream)) return stream.map(textOf).join('');
  return textOf(stream.content);
}

export function tokenize(code: string, language: string | null | undefined): Token[] {
  const out: Token[] = [];
  const push = (kind: TokenKind, text: string): void => {
    const last = out.at(-1);
    if (last && last.kind === kind) out[out.length - 1] = { kind, text: last.text + text };
    else if (text) out.push({ kind, text });
  };
  for (const piece of Prism.tokenize(code, grammarOf(language))) {
    if (typeof piece === 'string') push('text', piece);
    else push(KINDS[piece.type] ?? 'text', textOf(piece.content));
  }
  return out;
}
