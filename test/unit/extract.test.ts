import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extract } from '../../src/core/extract';
import type { CodeBlock, Language } from '../../src/core/types';

/** What one recorded answer must extract to. `first`/`last` are the exact first and last code lines. */
interface Expectation {
  readonly file: string;
  readonly request?: Language;
  readonly main: null | {
    readonly language: Language | null;
    readonly first: string;
    readonly last: string;
    readonly has?: readonly string[];
    readonly lacks?: readonly string[];
    readonly filename?: string;
    readonly unterminated?: boolean;
  };
  readonly tests?: { readonly first: string; readonly last: string };
  readonly blocks: number;
  readonly proseHas?: readonly string[];
  readonly proseLacks?: readonly string[];
  readonly reasoningHas?: readonly string[];
}

const TABLE: readonly Expectation[] = [
  {
    file: 'gpt-prose-one-block.md',
    main: {
      language: 'python',
      first: 'from collections import Counter',
      last: '        print(f"{word}: {count}")',
    },
    blocks: 2,
    proseHas: ["Here's a Python program", '### Explanation', 'Output:'],
    proseLacks: ['Counter(words)', 'the: 3', '```'],
  },
  {
    file: 'helper-and-main.md',
    main: {
      language: 'python',
      first: 'from shapes import Circle, Rectangle',
      last: '    main()',
      filename: 'main.py',
    },
    blocks: 2,
    proseHas: ['**`shapes.py`**', 'Run it with `python main.py`.'],
  },
  {
    file: 'shell-install-then-code.md',
    main: {
      language: 'python',
      first: 'import requests',
      last: '    print(todo["title"])',
      lacks: ['pip install'],
    },
    blocks: 3,
    proseHas: ['First install it:', 'And run it:', 'The `timeout` argument'],
  },
  {
    file: 'diff-only.md',
    main: {
      language: null,
      first: '--- a/sum_to.py',
      last: '     return total',
      has: ['+    for i in range(1, n + 1):'],
    },
    blocks: 1,
    proseHas: ['off-by-one', '`sum_to(3)` returns `6`'],
  },
  {
    file: 'diff-plus-full.md',
    main: { language: 'python', first: 'def average(xs):', last: 'print(average([]))', lacks: ['+def'] },
    blocks: 2,
    proseHas: ['1. The loop skips the last element.', 'Here is the complete corrected program:'],
  },
  {
    file: 'json-config-plus-code.md',
    main: {
      language: 'javascript',
      first: "const fs = require('fs');",
      last: '}',
      has: ['for (const name of config.names) {'],
    },
    blocks: 2,
    proseHas: ['`config.json`', 'Run it with `node greet.js`.'],
    proseLacks: ['"greeting"'],
  },
  {
    file: 'unterminated.md',
    main: {
      language: 'python',
      first: 'def merge_sort(items):',
      last: '        if left[i] <= right[j]:',
      unterminated: true,
    },
    blocks: 1,
    proseHas: ['Here is an implementation of merge sort in Python:'],
  },
  {
    file: 'tilde-fences.md',
    main: {
      language: 'go',
      first: 'package main',
      last: '}',
      has: ['\tfmt.Println(reverse("Hello, 世界"))'],
    },
    blocks: 1,
    proseHas: ['reverses a string', 'Converting to `[]rune` matters'],
  },
  {
    file: 'four-backtick.md',
    main: {
      language: 'python',
      first: 'def render_snippet(code: str, lang: str = "python") -> str:',
      last: `print(render_snippet('print("hi")'))`,
      has: ['    ```python', '    print("hi")', '    ```'],
    },
    blocks: 1,
    proseHas: ['four-backtick fence', 'the outer fence is longer'],
  },
  {
    file: 'title-info.md',
    main: {
      language: 'typescript',
      first: 'export function slugify(input: string): string {',
      last: '}',
      filename: 'slugify.ts',
    },
    blocks: 1,
  },
  {
    file: 'bare-code.md',
    main: {
      language: 'python',
      first: 'import sys',
      last: 'fizzbuzz(int(sys.argv[1]) if len(sys.argv) > 1 else 15)',
    },
    blocks: 1,
  },
  {
    file: 'bare-code-with-intro.md',
    main: {
      language: 'python',
      first: 'def is_palindrome(s):',
      last: 'print(is_palindrome("A man, a plan, a canal: Panama"))',
    },
    blocks: 1,
    proseHas: ['Sure! Here is the function you asked for:', 'This ignores case and punctuation'],
    proseLacks: ['cleaned'],
  },
  {
    file: 'refusal.md',
    request: 'python',
    main: null,
    blocks: 0,
    proseHas: ["I'm sorry, but I can't help", "I'd be happy to help you design"],
  },
  {
    file: 'r1-think.md',
    main: {
      language: 'python',
      first: 'import math',
      last: 'print([x for x in range(20) if is_prime(x)])',
      lacks: ['range(2, n)'],
    },
    blocks: 1,
    proseHas: ["Here's an efficient primality check", 'This prints'],
    proseLacks: ['Okay, the user wants', 'Wait,'],
    reasoningHas: ['Okay, the user wants a function', 'for i in range(2, n):', 'handle n < 2 first'],
  },
  {
    file: 'qwq-orphan-close.md',
    main: {
      language: 'javascript',
      first: 'function flatten(arr) {',
      last: 'console.log(flatten([1, [2, [3, [4]], 5]]));',
    },
    blocks: 1,
    proseHas: ["Here's a recursive implementation:", 'arr.flat(Infinity)'],
    proseLacks: ['</think>', 'Okay, so I need'],
    reasoningHas: ['Okay, so I need to write a JavaScript function', 'mention flat().'],
  },
  {
    file: 'cut-during-think.md',
    request: 'python',
    main: null,
    blocks: 0,
    proseLacks: ['parse'],
    reasoningHas: ['Okay, let me figure out how to parse the CSV', 'def parse_line(line):'],
  },
  {
    file: 'tests-block.md',
    main: {
      language: 'python',
      first: 'def gcd(a: int, b: int) -> int:',
      last: '    print(gcd(48, 18), lcm(4, 6))',
    },
    tests: { first: 'assert gcd(48, 18) == 6', last: 'assert lcm(0, 3) == 0' },
    blocks: 2,
  },
  {
    file: 'js-tests-file.md',
    main: { language: 'javascript', first: 'function sum(numbers) {', last: '}', filename: 'sum.js' },
    tests: { first: "const test = require('node:test');", last: '});' },
    blocks: 2,
  },
  {
    file: 'assert-only-tests.md',
    main: {
      language: 'python',
      first: 'def celsius_to_fahrenheit(c):',
      last: 'print(celsius_to_fahrenheit(100))',
    },
    tests: {
      first: 'assert celsius_to_fahrenheit(0) == 32',
      last: 'assert round(celsius_to_fahrenheit(37.5), 1) == 99.5',
    },
    blocks: 2,
    proseHas: ['You can check it with:'],
  },
  {
    file: 'pytest-style.md',
    main: { language: 'python', first: 'def chunk(items, size):', last: 'print(chunk([1, 2, 3, 4, 5], 2))' },
    tests: { first: 'import pytest', last: '        chunk([1], 0)' },
    blocks: 2,
  },
  {
    file: 'bash-script.md',
    main: { language: 'bash', first: '#!/usr/bin/env bash', last: 'done', has: ['set -euo pipefail'] },
    blocks: 2,
    proseHas: ['Make it executable and run it:'],
  },
  {
    file: 'go-answer.md',
    main: { language: 'go', first: 'package main', last: '}', has: ['func main() {'] },
    blocks: 3,
    proseHas: ['Run it:', 'Output:'],
    proseLacks: ['2 2 2', 'go run'],
  },
  {
    file: 'rust-answer.md',
    main: {
      language: 'rust',
      first: 'fn mean(values: &[f64]) -> Option<f64> {',
      last: '}',
      has: ['fn main() {'],
    },
    blocks: 2,
    proseHas: ['Add the dependency to `Cargo.toml`:', 'Returning `Option<f64>`'],
  },
  {
    file: 'list-indented.md',
    main: {
      language: 'javascript',
      first: "const _ = require('lodash');",
      last: "console.log(_.sortBy(users, 'age').map((u) => u.name));",
      has: ["  { name: 'ann', age: 31 },"],
    },
    blocks: 2,
    proseHas: [
      '1. Install lodash:',
      '2. Create `index.js` with the following content:',
      '3. Run `node index.js`.',
    ],
    proseLacks: ['npm i lodash', 'sortBy'],
  },
  {
    file: 'numbered-explanation.md',
    main: {
      language: 'python',
      first: 'def binary_search(items, target):',
      last: 'print(binary_search([1, 3, 5, 7, 9, 11], 7))',
    },
    blocks: 1,
    proseHas: ['## Approach', '2. **Look at the middle**', '3. **Complexity**'],
  },
  {
    file: 'two-languages.md',
    request: 'python',
    main: { language: 'python', first: 'def celsius(f):', last: 'print(celsius(212))' },
    blocks: 2,
  },
  {
    file: 'two-languages.md',
    request: 'javascript',
    main: { language: 'javascript', first: 'function celsius(f) {', last: 'console.log(celsius(32));' },
    blocks: 2,
  },
  {
    file: 'console-output.md',
    main: { language: 'python', first: 'def fib(n):', last: 'fib(10)' },
    blocks: 3,
    proseHas: ['Running it:'],
    proseLacks: ['0 1 1 2 3 5'],
  },
  {
    file: 'claude-thinking.md',
    main: { language: 'python', first: 'def dedupe(items):', last: 'print(dedupe([3, 1, 3, 2, 1]))' },
    blocks: 1,
    proseHas: ['The simplest order-preserving way', 'It prints `[3, 1, 2]`.'],
    proseLacks: ['<thinking>', 'idiomatic one-liner'],
    reasoningHas: ['dict.fromkeys preserves insertion order'],
  },
];

const fixture = (file: string): string => readFileSync(join(__dirname, '../fixtures/extract', file), 'utf8');

function codeLines(block: CodeBlock): string[] {
  return block.code.split('\n');
}

describe('extract: recorded answers', () => {
  for (const expected of TABLE) {
    const label = expected.request ? `${expected.file} (asked for ${expected.request})` : expected.file;
    it(label, () => {
      const result = extract(fixture(expected.file), { requestLanguage: expected.request });
      assert.equal(result.blocks.length, expected.blocks, 'number of blocks');
      if (expected.main === null) {
        assert.equal(result.main, null);
        assert.equal(result.language, null);
      } else {
        const main = result.main;
        assert.ok(main, 'a main block');
        const lines = codeLines(main);
        assert.equal(lines[0], expected.main.first);
        assert.equal(lines.at(-1), expected.main.last);
        for (const line of expected.main.has ?? []) assert.ok(lines.includes(line), `main has line ${line}`);
        for (const text of expected.main.lacks ?? [])
          assert.ok(!main.code.includes(text), `main lacks ${text}`);
        assert.equal(main.language, expected.main.language);
        assert.equal(result.language, expected.main.language);
        assert.equal(main.unterminated, expected.main.unterminated ?? false);
        if (expected.main.filename !== undefined) assert.equal(main.filename, expected.main.filename);
        assert.ok(!main.code.includes('\r'));
        assert.ok(result.blocks.includes(main), 'main is one of the blocks');
      }
      if (expected.tests === undefined) {
        assert.equal(result.tests, null);
      } else {
        assert.ok(result.tests, 'a tests block');
        assert.notEqual(result.tests, result.main);
        assert.equal(codeLines(result.tests)[0], expected.tests.first);
        assert.equal(codeLines(result.tests).at(-1), expected.tests.last);
      }
      for (const text of expected.proseHas ?? []) assert.ok(result.prose.includes(text), `prose has ${text}`);
      for (const text of expected.proseLacks ?? [])
        assert.ok(!result.prose.includes(text), `prose lacks ${text}`);
      assert.equal(result.prose, result.prose.trim());
      if (expected.reasoningHas === undefined) assert.equal(result.reasoning, undefined);
      for (const text of expected.reasoningHas ?? [])
        assert.ok(result.reasoning?.includes(text), `reasoning has ${text}`);
    });
  }

  it('reads the same code from a Windows (CRLF) copy of every answer', () => {
    for (const expected of TABLE) {
      const unix = extract(fixture(expected.file), { requestLanguage: expected.request });
      const windows = extract(fixture(expected.file).replace(/\n/g, '\r\n'), {
        requestLanguage: expected.request,
      });
      assert.deepEqual(windows, unix, expected.file);
    }
  });
});
