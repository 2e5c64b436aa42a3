/**
 * A small syntax highlighter: a tokenizer that splits code into keyword/string/comment/number
 * runs. It returns plain tokens; the code view turns each into a text node inside a span, so
 * highlighting never parses model output as HTML.
 */

export type TokenKind = 'kw' | 'str' | 'com' | 'num' | 'text';
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

interface Grammar {
  readonly keywords: ReadonlySet<string>;
  readonly lineComment: readonly string[];
  readonly blockComment: boolean;
  /** Quotes in the order they are tried (longest first). */
  readonly quotes: readonly string[];
}

const words = (s: string): ReadonlySet<string> => new Set(s.split(' '));

const JS_KEYWORDS =
  'async await break case catch class const continue debugger default delete do else export extends false ' +
  'finally for from function if import in instanceof let new null of return static super switch this throw ' +
  'true try typeof undefined var void while with yield';
const TS_EXTRA =
  ' abstract as declare enum implements interface keyof namespace private protected public readonly type';

const GRAMMARS: Readonly<Record<string, Grammar>> = {
  python: {
    keywords: words(
      'and as assert async await break class continue def del elif else except False finally for from global ' +
        'if import in is lambda None nonlocal not or pass raise return True try while with yield self match case',
    ),
    lineComment: ['#'],
    blockComment: false,
    quotes: ['"""', "'''", '"', "'"],
  },
  javascript: {
    keywords: words(JS_KEYWORDS),
    lineComment: ['//'],
    blockComment: true,
    quotes: ['`', '"', "'"],
  },
  typescript: {
    keywords: words(JS_KEYWORDS + TS_EXTRA),
    lineComment: ['//'],
    blockComment: true,
    quotes: ['`', '"', "'"],
  },
  bash: {
    keywords: words(
      'if then else elif fi for while until do done case esac in function return local export echo exit set shift',
    ),
    lineComment: ['#'],
    blockComment: false,
    quotes: ['"', "'"],
  },
};
// Go and Rust are C-like enough that the JavaScript grammar gives a useful approximation.
const FALLBACK: Grammar = {
  ...GRAMMARS.javascript,
  keywords: words(JS_KEYWORDS + ' fn func let mut pub use impl struct package'),
};

const IDENT = /[A-Za-z_$][\w$]*/y;
const NUMBER = /(?:0[xX][\da-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)/y;

function match(re: RegExp, code: string, at: number): string | null {
  re.lastIndex = at;
  const m = re.exec(code);
  return m ? m[0] : null;
}

/** End index (exclusive) of a string starting at `at` with quote `q`; unterminated runs to line end. */
function stringEnd(code: string, at: number, q: string): number {
  let i = at + q.length;
  const multiline = q.length === 3 || q === '`';
  while (i < code.length) {
    const ch = code[i];
    if (ch === '\\') i += 2;
    else if (code.startsWith(q, i)) return i + q.length;
    else if (ch === '\n' && !multiline) return i;
    else i += 1;
  }
  return code.length;
}

export function tokenize(code: string, language: string | null | undefined): Token[] {
  const g = (language && GRAMMARS[language]) || FALLBACK;
  const out: Token[] = [];
  const push = (kind: TokenKind, text: string): void => {
    const last = out.at(-1);
    if (last && last.kind === kind && kind === 'text') out[out.length - 1] = { kind, text: last.text + text };
    else out.push({ kind, text });
  };
  let i = 0;
  while (i < code.length) {
    const prev = i > 0 ? code[i - 1] : '\n';
    const lc = g.lineComment.find((c) => code.startsWith(c, i));
    // In shell, `#` starts a comment only at a word start (`$#` and `a#b` are not comments).
    if (lc && (lc !== '#' || language !== 'bash' || /\s/.test(prev))) {
      const end = code.indexOf('\n', i);
      const stop = end === -1 ? code.length : end;
      push('com', code.slice(i, stop));
      i = stop;
      continue;
    }
    if (g.blockComment && code.startsWith('/*', i)) {
      const end = code.indexOf('*/', i + 2);
      const stop = end === -1 ? code.length : end + 2;
      push('com', code.slice(i, stop));
      i = stop;
      continue;
    }
    const q = g.quotes.find((quote) => code.startsWith(quote, i));
    if (q) {
      const stop = stringEnd(code, i, q);
      push('str', code.slice(i, stop));
      i = stop;
      continue;
    }
    const ident = match(IDENT, code, i);
    if (ident) {
      push(g.keywords.has(ident) ? 'kw' : 'text', ident);
      i += ident.length;
      continue;
    }
    const num = /[\w$]/.test(prev) ? null : match(NUMBER, code, i);
    if (num) {
      push('num', num);
      i += num.length;
      continue;
    }
    push('text', code[i]);
    i += 1;
  }
  return out;
}
