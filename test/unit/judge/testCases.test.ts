import assert from 'node:assert/strict';
import { splitTestCases, topLevelStatements } from '../../../src/core/judge/testCases';

const block = (code: string, id = 't0') => ({ id, model: 'm', code });

describe('judge/testCases', () => {
  it('splits a Python block into one case per assertion, keeping setup before each', () => {
    const cases = splitTestCases(
      [block('import math\nassert f(1) == 1\nx = [1,\n     2]\nassert f(x) == 3  # sum\n')],
      'python',
    );
    assert.deepEqual(
      cases.map((c) => [c.id, c.code, c.setup]),
      [
        ['t0.1', 'assert f(1) == 1', 'import math'],
        ['t0.2', 'assert f(x) == 3  # sum', 'import math\nx = [1,\n     2]'],
      ],
    );
  });

  it('keeps a multi-line assertion and brackets or # inside strings in one case', () => {
    const cases = splitTestCases([block('assert f(\n  \'a#(\',\n  2) == "]"\nassert g()\n')], 'python');
    assert.equal(cases.length, 2);
    assert.equal(cases[0].code, 'assert f(\n  \'a#(\',\n  2) == "]"');
  });

  it('keeps triple-quoted strings and backslash continuations whole', () => {
    const s = topLevelStatements('assert f("""a\nassert b""") == 1 \\\n    or True\nassert 2\n', 'python');
    assert.deepEqual(s, ['assert f("""a\nassert b""") == 1 \\\n    or True', 'assert 2']);
  });

  it('flattens pytest-style test functions and __main__ blocks, dropping the calls to them', () => {
    const code =
      'def helper(x):\n    return x\n\ndef test_a():\n    assert f(1) == helper(1)\n    assert f(2) == 2\n\ntest_a()\nif __name__ == "__main__":\n    assert f(3) == 3\n';
    const cases = splitTestCases([block(code)], 'python');
    assert.deepEqual(
      cases.map((c) => c.code),
      ['assert f(1) == helper(1)', 'assert f(2) == 2', 'assert f(3) == 3'],
    );
    assert.match(cases[0].setup, /def helper/);
    assert.doesNotMatch(cases[2].setup, /test_a\(\)/);
  });

  it('makes a block without assertions one case, and numbers cases per block', () => {
    const cases = splitTestCases(
      [block('print(f(1))\n', 'a'), block('assert f(1)\nassert f(2)\n', 'b')],
      'python',
    );
    assert.deepEqual(
      cases.map((c) => [c.id, c.testId, c.code]),
      [
        ['a.1', 'a', 'print(f(1))'],
        ['b.1', 'b', 'assert f(1)'],
        ['b.2', 'b', 'assert f(2)'],
      ],
    );
    assert.deepEqual(splitTestCases([block('  \n# only a comment\n')], 'python'), []);
  });

  it('splits JavaScript assertions, with comments, template strings and chained lines', () => {
    const code =
      "const assert = require('assert');\n// a comment (\nassert.strictEqual(add(1, 2), 3);\nconsole.assert(add(`)`, 1) === ')1');\nexpect(add(1, 1))\n  .toBe(2);\n/* block\nassert(no) */\nassert(add(0, 0) === 0);\n";
    const cases = splitTestCases([block(code)], 'javascript');
    assert.deepEqual(
      cases.map((c) => c.code),
      [
        'assert.strictEqual(add(1, 2), 3);',
        "console.assert(add(`)`, 1) === ')1');",
        'expect(add(1, 1))\n  .toBe(2);',
        'assert(add(0, 0) === 0);',
      ],
    );
    assert.match(cases[0].setup, /require\('assert'\)/);
  });
});
