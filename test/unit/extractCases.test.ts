import assert from 'node:assert/strict';
import { extract, parseInfo, splitReasoning } from '../../src/core/extract';
import { guessLanguage, normaliseLanguage } from '../../src/core/languageGuess';

const fence = (info: string, code: string): string => `\`\`\`${info}\n${code}\n\`\`\``;

describe('extract: short answers', () => {
  it('normalises every common fence tag alias', () => {
    const cases: [string, string][] = [
      ['py', 'python'],
      ['Python3', 'python'],
      ['js', 'javascript'],
      ['node', 'javascript'],
      ['jsx', 'javascript'],
      ['ts', 'typescript'],
      ['tsx', 'typescript'],
      ['sh', 'bash'],
      ['shell', 'bash'],
      ['zsh', 'bash'],
      ['golang', 'go'],
      ['rs', 'rust'],
    ];
    for (const [tag, language] of cases) {
      assert.equal(normaliseLanguage(tag), language, tag);
      assert.equal(extract(fence(tag, 'x = 1')).main?.language, language, `fence ${tag}`);
    }
    assert.equal(normaliseLanguage('cpp'), null);
    assert.equal(normaliseLanguage('text'), null);
  });

  it('reads filenames and test markers from info strings', () => {
    assert.deepEqual(parseInfo('py:main.py'), { tag: 'py', filename: 'main.py', tests: false });
    assert.deepEqual(parseInfo('python title="x.py"'), { tag: 'python', filename: 'x.py', tests: false });
    assert.deepEqual(parseInfo("js filename='app.js'"), { tag: 'js', filename: 'app.js', tests: false });
    assert.deepEqual(parseInfo('python tests'), { tag: 'python', filename: undefined, tests: true });
    assert.deepEqual(parseInfo('python test_calc.py'), {
      tag: 'python',
      filename: 'test_calc.py',
      tests: true,
    });
    assert.deepEqual(parseInfo('main.go'), { tag: 'main.go', filename: 'main.go', tests: false });
    const answer = extract(fence('main.go', 'package main\n\nfunc main() {}'));
    assert.equal(answer.main?.language, 'go');
    assert.equal(answer.main?.filename, 'main.go');
  });

  it('takes the filename after a colon and the language before it', () => {
    const result = extract(`Save this as \`main.py\`:\n\n${fence('py:main.py', 'print("hi")')}`);
    assert.equal(result.main?.code, 'print("hi")');
    assert.equal(result.main?.language, 'python');
    assert.equal(result.main?.filename, 'main.py');
    assert.equal(result.prose, 'Save this as `main.py`:');
  });

  it('gives an untagged block the requested language, else the inspected one', () => {
    const code = 'def square(x):\n    return x * x\n\nprint(square(4))';
    assert.equal(extract(fence('', code), { requestLanguage: 'python' }).main?.language, 'python');
    assert.equal(extract(fence('', code)).main?.language, 'python');
    const ts =
      'interface Point {\n  x: number;\n  y: number;\n}\nconst p: Point = { x: 1, y: 2 };\nconsole.log(p.x + p.y);';
    assert.equal(extract(fence('', ts)).main?.language, 'typescript');
    const js = 'const xs = [3, 1, 2];\nconsole.log(xs.sort((a, b) => a - b));';
    assert.equal(extract(fence('', js)).main?.language, 'javascript');
  });

  it('keeps the fence tag over the requested language', () => {
    const result = extract(fence('javascript', 'console.log(1 + 1);'), { requestLanguage: 'python' });
    assert.equal(result.main?.language, 'javascript');
  });

  it('treats an untagged block of plain output as output, not as the program', () => {
    const answer = `${fence('python', 'print(sum(range(5)))')}\n\nThis prints:\n\n${fence('', '10')}`;
    const result = extract(answer, { requestLanguage: 'python' });
    assert.equal(result.main?.code, 'print(sum(range(5)))');
    assert.equal(result.blocks[1].language, null);
  });

  it('falls back to the install command when it is the whole answer', () => {
    const result = extract(`Install it with pip:\n\n${fence('bash', 'pip install numpy')}`);
    assert.equal(result.main?.code, 'pip install numpy');
    assert.equal(result.main?.language, 'bash');
    assert.equal(result.prose, 'Install it with pip:');
  });

  it('returns a JSON-only answer as data with no language', () => {
    const json = '{\n  "name": "demo",\n  "private": true\n}';
    const result = extract(`Here is a minimal \`package.json\`:\n\n${fence('json', json)}`);
    assert.equal(result.main?.code, json);
    assert.equal(result.main?.language, null);
  });

  it('drops a stray partial closing fence left by a cut stream', () => {
    const result = extract('```python\nprint("done")\n``');
    assert.equal(result.main?.code, 'print("done")');
    assert.equal(result.main?.unterminated, true);
  });

  it('does not mark a block unterminated when a longer fence closes it', () => {
    const result = extract('````js\nconsole.log("```");\n`````\n');
    assert.equal(result.main?.code, 'console.log("```");');
    assert.equal(result.main?.unterminated, false);
  });

  it('finds a fence inside a block quote', () => {
    const result = extract('> Try this:\n>\n> ```python\n> print(42)\n> ```\n\nThat prints 42.');
    assert.equal(result.main?.code, 'print(42)');
    assert.equal(result.main?.unterminated, false);
    assert.ok(result.prose.includes('> Try this:'));
    assert.ok(result.prose.includes('That prints 42.'));
  });

  it('prefers a block with an entry point over a longer helper in the same language', () => {
    const helper = 'def a():\n    return 1\n\n\ndef b():\n    return 2\n\n\ndef c():\n    return 3';
    const main = 'from helpers import a\n\nif __name__ == "__main__":\n    print(a())';
    const result = extract(`${fence('python', helper)}\n\n${fence('python', main)}`);
    assert.equal(result.main?.code, main);
    assert.equal(result.blocks.length, 2);
  });

  it('does not take an assert block as tests when it calls nothing the program defines', () => {
    const answer = `${fence('python', 'def area(r):\n    return 3.14 * r * r\n\nprint(area(2))')}\n\n${fence('python', 'assert 1 + 1 == 2')}`;
    const result = extract(answer);
    assert.equal(result.tests, null);
    assert.equal(result.main?.code.startsWith('def area(r):'), true);
  });

  it('recognises test blocks by joined tags, test filenames, multi-line asserts and Rust #[test]', () => {
    const program = fence('python', 'def double(x):\n    return 2 * x\n\nprint(double(4))');
    for (const testsBlock of [
      fence('python-tests', 'assert double(2) == 4'),
      fence('python title="tests.py"', 'assert double(2) == 4'),
      fence('python', 'assert double(2) == 4\nassert double(\n    -1\n) == -2'),
    ]) {
      const result = extract(`${program}\n\n${testsBlock}`);
      assert.equal(result.main?.code.split('\n')[0], 'def double(x):', testsBlock);
      assert.equal(result.tests?.code.split('\n')[0], 'assert double(2) == 4', testsBlock);
    }
    const rust = fence(
      'rust',
      'fn double(x: i32) -> i32 {\n    x * 2\n}\n\nfn main() {\n    println!("{}", double(4));\n}',
    );
    const rustTests = fence('rust', '#[test]\nfn doubles() {\n    assert_eq!(double(2), 4);\n}');
    const result = extract(`${rust}\n\n${rustTests}`);
    assert.equal(result.main?.code.split('\n')[0], 'fn double(x: i32) -> i32 {');
    assert.equal(result.tests?.code.split('\n')[0], '#[test]');
  });

  it('reads a bare program whose model forgot the opening fence', () => {
    const result = extract('import math\n\nprint(math.sqrt(16))\n```\n', { requestLanguage: 'python' });
    assert.equal(result.main?.code, 'import math\n\nprint(math.sqrt(16))');
    assert.equal(result.blocks.length, 1);
  });

  it('reads an indented (four-space) code block in an answer without fences', () => {
    const answer =
      'Here is a tiny script:\n\n    for i in range(3):\n        print(i)\n\nIt prints 0, 1 and 2.';
    const result = extract(answer);
    assert.equal(result.main?.code, 'for i in range(3):\n    print(i)');
    assert.equal(result.main?.language, 'python');
    assert.equal(result.prose, 'Here is a tiny script:\n\nIt prints 0, 1 and 2.');
  });

  it('treats a REPL or terminal transcript as output even under a language tag', () => {
    const program = fence('python', 'def square(x):\n    return x * x');
    const session = fence('python', '>>> square(3)\n9\n>>> square(-2)\n4');
    const terminal = fence('bash', '$ python square.py\n9');
    const result = extract(`${program}\n\nIn the REPL:\n\n${session}\n\nOr:\n\n${terminal}`);
    assert.equal(result.main?.code, 'def square(x):\n    return x * x');
    assert.equal(result.tests, null);
    assert.equal(result.blocks.length, 3);
  });

  it('returns an empty answer as no code and no prose', () => {
    const result = extract('');
    assert.deepEqual(result, { main: null, tests: null, blocks: [], language: null, prose: '' });
  });
});

describe('extract: reasoning', () => {
  it('strips several think sections and keeps the text between them', () => {
    const { content, reasoning } = splitReasoning('<think>\na\n</think>\nFirst.\n<think>b</think>\nSecond.');
    assert.equal(content, '\nFirst.\n\nSecond.');
    assert.equal(reasoning, 'a\n\nb');
  });

  it('keeps think tags that are part of the code, not the answer', () => {
    const code = 'def strip_reasoning(text):\n    return text.split("</think>")[-1].replace("<think>", "")';
    const answer = `Here you go:\n\n${fence('python', code)}\n\nIt keeps only what follows the last \`</think>\`.`;
    const result = extract(answer);
    assert.equal(result.main?.code, code);
    assert.equal(result.reasoning, undefined);
  });

  it('takes a closing tag at the end of a reasoning line as the end of orphan reasoning', () => {
    const result = extract(
      `The user wants hello world. Simple.</think>\n\n${fence('python', 'print("hello, world")')}`,
    );
    assert.equal(result.reasoning, 'The user wants hello world. Simple.');
    assert.equal(result.main?.code, 'print("hello, world")');
    assert.equal(result.prose, '');
  });

  it('treats an unclosed think at the start as reasoning only', () => {
    assert.deepEqual(splitReasoning('  <think>still thinking about'), {
      content: '',
      reasoning: 'still thinking about',
    });
  });

  it('leaves a literal <think> later in prose alone when it is not at the start', () => {
    const text = 'Use the tag <think> in your prompt to get reasoning.';
    assert.deepEqual(splitReasoning(text), { content: text });
  });
});

describe('extract: language by inspection', () => {
  const cases: [string, string | null][] = [
    ['#!/usr/bin/env python3\nprint(1)', 'python'],
    ['#!/bin/bash\nls', 'bash'],
    ['#!/usr/bin/env node\nprocess.exit(0)', 'javascript'],
    ['package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hi")\n}', 'go'],
    ['fn main() {\n    let mut v = vec![1, 2];\n    v.push(3);\n    println!("{:?}", v);\n}', 'rust'],
    ['import os\n\nfor name in os.listdir("."):\n    print(name)', 'python'],
    ["const fs = require('fs');\nconsole.log(fs.readdirSync('.'));", 'javascript'],
    [
      'function add(a: number, b: number): number {\n  return a + b;\n}\nconsole.log(add(1, 2));',
      'typescript',
    ],
    ['for f in *.txt; do\n  echo "$f"\ndone', 'bash'],
    ['The answer is 42 because of the way the numbers add up.', null],
  ];
  for (const [code, language] of cases) {
    it(`${language ?? 'nothing'}: ${code.split('\n')[0]}`, () => assert.equal(guessLanguage(code), language));
  }
});
