import assert from 'node:assert/strict';
import { tokenize, type TokenKind } from '../../src/webview/highlight';

const kinds = (code: string, language: string, kind: TokenKind): string[] =>
  tokenize(code, language)
    .filter((t) => t.kind === kind)
    .map((t) => t.text);

describe('webview highlighter: tokenize', () => {
  it('never loses or reorders a character, whatever the input', () => {
    // A fixed-seed generator over characters that stress the scanner: quotes, comment starts, escapes.
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const alphabet = 'ab1 _$\n\t\'"`#/*\\.-x0e+';
    for (const language of ['python', 'javascript', 'typescript', 'bash', 'go', null]) {
      for (let n = 0; n < 200; n++) {
        const text = Array.from({ length: next() % 60 }, () => alphabet[next() % alphabet.length]).join('');
        assert.equal(
          tokenize(text, language)
            .map((t) => t.text)
            .join(''),
          text,
        );
      }
    }
  });

  it('python: keywords, comments, triple-quoted strings and numbers', () => {
    const code = 'def f(x1):\n    """doc\n    more"""\n    return x1 + 42  # answer\n';
    assert.deepEqual(kinds(code, 'python', 'kw'), ['def', 'return']);
    assert.deepEqual(kinds(code, 'python', 'str'), ['"""doc\n    more"""']);
    assert.deepEqual(kinds(code, 'python', 'com'), ['# answer']);
    assert.deepEqual(kinds(code, 'python', 'num'), ['42'], 'the 1 in x1 is part of a name');
  });

  it('javascript/typescript: line and block comments, template strings, TS-only keywords', () => {
    const js = 'const s = `a ${b}`; /* block\n */ // line\nlet n = 0x1F;';
    assert.deepEqual(kinds(js, 'javascript', 'kw'), ['const', 'let']);
    assert.deepEqual(kinds(js, 'javascript', 'com'), ['/* block\n */', '// line']);
    assert.deepEqual(kinds(js, 'javascript', 'str'), ['`a ${b}`']);
    assert.deepEqual(kinds(js, 'javascript', 'num'), ['0x1F']);
    assert.deepEqual(kinds('type A = { readonly x: number }', 'typescript', 'kw'), [
      'type',
      'readonly',
      'number',
    ]);
    assert.deepEqual(kinds('type a = 1', 'javascript', 'kw'), [], '`type` is a keyword in TypeScript only');
  });

  it('bash: "$#" is a variable, not a comment', () => {
    const sh = 'echo $# # real comment\nif [ -f "x" ]; then exit 1; fi';
    assert.deepEqual(kinds(sh, 'bash', 'com'), ['# real comment']);
    assert.deepEqual(kinds(sh, 'bash', 'kw'), ['echo', 'if', 'then', 'exit', 'fi']);
    assert.deepEqual(kinds(sh, 'bash', 'str'), ['"x"']);
  });

  it("rust: a lifetime is not a character literal (the hand-written tokenizer's bug)", () => {
    const rs = "fn first<'a>(x: &'a str) -> &'a str { let c = 'z'; x }";
    assert.deepEqual(kinds(rs, 'rust', 'str'), ["'z'"]);
    assert.ok(kinds(rs, 'rust', 'kw').includes('fn'));
  });

  it('escapes do not end a string', () => {
    assert.deepEqual(kinds('y = "a\\"b"', 'python', 'str'), ['"a\\"b"']);
  });
});
