import assert from 'node:assert/strict';
import { parseExamples } from '../../../src/core/judge/examples';
import { normaliseLiteral } from '../../../src/core/judge/literals';
import { trustedCases } from '../../../src/core/judge/trustedCases';

const codes = (text: string, language: 'python' | 'javascript' = 'python'): string[] =>
  parseExamples(text, language).map((e) => e.code);

describe('judge/examples: usage examples become trusted cases', () => {
  it('reads doctests: the call, its continuation lines and the expected value up to a blank line', () => {
    const prompt = [
      'def sum_product(numbers):',
      '    """ Sum and product.',
      '    >>> sum_product([])',
      '    (0, 1)',
      '    >>> sum_product([1,',
      '    ...              2, 3, 4])',
      '    (10, 24)',
      '    >>> longest([])',
      '',
      '    >>> count_nums([-1, 11, -11]) == 1',
      '    """',
    ].join('\n');
    assert.deepEqual(codes(prompt), [
      'assert sum_product([]) == (0, 1)',
      'assert sum_product([1,\n             2, 3, 4]) == (10, 24)',
      // `>>> longest([])` with no output (None) is ambiguous in a docstring: skipped.
      'assert count_nums([-1, 11, -11]) == 1',
    ]);
  });

  it('compares floats with a tolerance, through tuples', () => {
    const [e] = parseExamples('>>> find_closest([1.0, 2.2])\n(2.0, 2.2)\n', 'python');
    assert.equal(e.code, 'assert _q_close(find_closest([1.0, 2.2]), (2.0, 2.2))');
    assert.match(e.setup, /def _q_close/);
  });

  it('reads the prose forms: ==>, =>, ->, ➞, ==, returns, should return, bullets and a trailing comment', () => {
    const prompt = [
      'Examples:',
      '* digitSum("abAB") => 131',
      'bf("Jupiter", "Neptune") ==> ("Saturn", "Uranus")',
      'fib4(2) -> 2',
      'will_it_fly([3, 2, 3], 9) ➞ True   # balanced',
      'prime_length("Hello") == True',
      "anti_shuffle('Hi') returns 'Hi'",
      'is_simple_power(1, 4) should return true',
    ].join('\n');
    assert.deepEqual(codes(prompt), [
      'assert digitSum("abAB") == 131',
      'assert bf("Jupiter", "Neptune") == ("Saturn", "Uranus")',
      'assert fib4(2) == 2',
      'assert will_it_fly([3, 2, 3], 9) == True',
      'assert prime_length("Hello") == True',
      "assert anti_shuffle('Hi') == 'Hi'",
      'assert is_simple_power(1, 4) == True',
    ]);
  });

  it("reads an assertion a person wrote in a docstring (MBPP's `assert f(x)==y`)", () => {
    const prompt = [
      'def find_Volume(l,b,h) :',
      '    """',
      '    Example:',
      '    assert find_Volume(10,8,6) == 240',
      '    assert sort_matrix([[1, 2], [0, 1]])==[[0, 1], [1, 2]]',
      "    assert text_match('aab')==('Found a match!')",
      '    """',
    ].join('\n');
    assert.deepEqual(codes(prompt), [
      'assert find_Volume(10, 8, 6) == 240',
      'assert sort_matrix([[1, 2], [0, 1]]) == [[0, 1], [1, 2]]',
    ]);
  });

  it('refuses what is ambiguous: names as arguments, expressions as values, a parenthesised single value, `=`', () => {
    const prompt = [
      'is_happy(a) => False', // `a` is not a value
      'fib4(n) -> fib4(n-1) + fib4(n-2)', // a recurrence, not an example
      'bf("Earth", "Mercury") ==> ("Venus")', // a string or a one-tuple?
      'tri(1) = 3', // `=` is used for definitions in prose
      'For N = 1000, the output should be "1".',
    ].join('\n');
    assert.deepEqual(codes(prompt), []);
  });

  it('reads Input:/Output: pairs for the function the docstring belongs to, by parameter name', () => {
    const prompt = [
      'def maximum(arr, k):',
      '    """',
      '    Example 1:',
      '        Input: arr = [-3, -4, 5], k = 3',
      '        Output: [-4, -3, 5]',
      '        Input: k = 2, arr = [1]',
      '        Output: [1]',
      '    """',
    ].join('\n');
    // The second pair names the parameters in another order: skipped rather than guessed.
    assert.deepEqual(codes(prompt), ['assert maximum([-3, -4, 5], 3) == [-4, -3, 5]']);
  });

  it('reads JSDoc examples for JavaScript as deepStrictEqual assertions', () => {
    const prompt = [
      '/**',
      ' * @example',
      ' * add(1, 2); // => 3',
      " * pair('a') // => ['a', 'a']",
      ' */',
    ].join('\n');
    assert.deepEqual(codes(prompt, 'javascript'), [
      'assert.deepStrictEqual(add(1, 2), 3);',
      "assert.deepStrictEqual(pair('a'), ['a', 'a']);",
    ]);
  });

  it('normalises literals per language and rejects anything that is not plain data', () => {
    assert.equal(normaliseLiteral('[1,2 ,(3,)]', 'python'), '[1, 2, (3,)]');
    assert.equal(normaliseLiteral("{'a': None}", 'python'), "{'a': None}");
    assert.equal(normaliseLiteral('true', 'python'), 'True');
    assert.equal(normaliseLiteral('True', 'javascript'), null);
    assert.equal(normaliseLiteral('1 + 2', 'python'), null);
    assert.equal(normaliseLiteral('[1, 2', 'python'), null);
    assert.equal(normaliseLiteral('len(x)', 'python'), null);
  });

  it('trustedCases: prompt, then context, then test files, each marked with its source, duplicates once', () => {
    const cases = trustedCases({
      language: 'python',
      prompt: '>>> inc(1)\n2\n',
      context: '# inc(1) -> 2\n# inc(5) -> 6\n',
      trustedTests: [{ id: 't1', model: 'user', code: 'assert inc(0) == 1\nassert inc(-1) == 0\n' }],
    });
    assert.deepEqual(
      cases.map((c) => [c.id, c.code, c.trusted, c.source]),
      [
        ['examples.1', 'assert inc(1) == 2', true, 'prompt'],
        ['examples.2', 'assert inc(5) == 6', true, 'context'],
        ['file:t1.1', 'assert inc(0) == 1', true, 'file'],
        ['file:t1.2', 'assert inc(-1) == 0', true, 'file'],
      ],
    );
  });
});
