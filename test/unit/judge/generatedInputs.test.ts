import assert from 'node:assert/strict';
import {
  entrySignature,
  exampleArguments,
  generateInputs,
  generatedCases,
  mutations,
  parseHint,
  parsePyLiteral,
  pythonSignatures,
  renderValue,
  typeFromName,
} from '../../../src/core/judge/generatedInputs';

describe('judge/generatedInputs', () => {
  it('reads top-level signatures with hints, skipping defaults, *args and self', () => {
    const sigs = pythonSignatures(
      'from typing import List\n\ndef helper(x):\n    pass\n\ndef f(nums: List[int], k: int,\n      sep: str = ",", *rest) -> int:\n    """doc"""\n',
    );
    assert.deepEqual(
      sigs.map((s) => [s.name, s.params]),
      [
        ['helper', [{ name: 'x' }]],
        [
          'f',
          [
            { name: 'nums', hint: 'List[int]' },
            { name: 'k', hint: 'int' },
          ],
        ],
      ],
    );
  });

  it('parses type hints into shapes, unknown names as any', () => {
    assert.deepEqual(parseHint('List[int]'), { k: 'list', of: { k: 'int' } });
    assert.deepEqual(parseHint('Tuple[int, str]'), { k: 'tuple', items: [{ k: 'int' }, { k: 'str' }] });
    assert.deepEqual(parseHint('tuple[float, ...]'), { k: 'tuple', of: { k: 'float' } });
    assert.deepEqual(parseHint('Optional[str]'), { k: 'optional', of: { k: 'str' } });
    assert.deepEqual(parseHint('int | None'), { k: 'optional', of: { k: 'int' } });
    assert.deepEqual(parseHint('Dict[str, List[int]]'), {
      k: 'dict',
      key: { k: 'str' },
      val: { k: 'list', of: { k: 'int' } },
    });
    assert.deepEqual(parseHint('MyClass'), { k: 'any' });
  });

  it('guesses a type from MBPP-style parameter names', () => {
    assert.equal(typeFromName('test_tup').k, 'tuple');
    assert.equal(typeFromName('list1').k, 'list');
    assert.equal(typeFromName('str1').k, 'str');
    assert.equal(typeFromName('n').k, 'int');
  });

  it('parses and renders Python literals, refusing names and operators', () => {
    for (const text of ['[1, -2, 3.5]', "('a', None, True)", "{'x': [1, 2]}", '{1, 2}', '(1,)', '"a\\"b"']) {
      const v = parsePyLiteral(text);
      assert.ok(v, text);
      assert.deepEqual(parsePyLiteral(renderValue(v)), v, text);
    }
    assert.equal(parsePyLiteral('x + 1'), null);
    assert.equal(parsePyLiteral('foo(1)'), null);
    assert.equal(parsePyLiteral('[1, 2'), null);
    assert.equal(renderValue({ t: 'tuple', items: [{ t: 'int', v: 1 }] }), '(1,)');
    assert.equal(renderValue({ t: 'set', items: [] }), 'set()');
    assert.equal(renderValue({ t: 'float', v: 2 }), '2.0');
  });

  it("takes the arguments of the examples' calls to the entry function", () => {
    const args = exampleArguments(
      [
        { code: "assert f([1, 2], 'a') == 3" },
        { code: 'assert _q_close(f([0.5], "b"), 1.0)' },
        { code: 'assert g(1) == 2' },
        { code: 'assert f(x) == 1' },
      ],
      'f',
    );
    assert.deepEqual(
      args.map((a) => a.map(renderValue).join(', ')),
      ['[1, 2], "a"', '[0.5], "b"'],
    );
  });

  it('mutates values into near neighbours of the same type', () => {
    assert.deepEqual(mutations({ t: 'int', v: 5 }).map(renderValue), ['6', '4', '0', '11']);
    const list = mutations(parsePyLiteral('[3, 1, 2]')!).map(renderValue);
    assert.ok(
      list.includes('[1, 2]') && list.includes('[2, 1, 3]') && list.includes('[3, 1, 2, 3]'),
      list.join(' '),
    );
  });

  it("takes hints the prompt lacks from the candidates' defs of the same function, by majority", () => {
    const sig = entrySignature('def is_woodall(x):\n    """doc"""\n', [
      'def is_woodall(x):\n    return x > 0\n',
      'def is_woodall(x: float) -> bool:\n    return x > 0\n',
      'def is_woodall(x: int) -> bool:\n    return x > 0\n',
      'def is_woodall(x: int) -> bool:\n    return x > 1\n',
    ]);
    assert.deepEqual(sig, { name: 'is_woodall', params: [{ name: 'x', hint: 'int' }] });
    assert.equal(entrySignature('Write a function that adds two numbers.', []), null);
    assert.equal(
      entrySignature('Write a function.', ['print(1)', 'def add(a, b):\n    return a + b\n'])?.name,
      'add',
    );
  });

  it('generates typed, deduplicated, deterministic inputs: example mutations first, edge values next', () => {
    const sig = {
      name: 'f',
      params: [
        { name: 'xs', hint: 'List[int]' },
        { name: 'k', hint: 'int' },
      ],
    };
    const a = generateInputs(sig, [[parsePyLiteral('[1, 2, 3]')!, parsePyLiteral('2')!]]);
    const b = generateInputs(sig, [[parsePyLiteral('[1, 2, 3]')!, parsePyLiteral('2')!]]);
    assert.deepEqual(a, b);
    assert.equal(new Set(a.map((x) => x.args)).size, a.length);
    assert.ok(!a.some((x) => x.args === '[1, 2, 3], 2'), 'the example itself is not regenerated');
    assert.equal(a[0].from, 'example');
    const typed = a.filter((x) => x.from === 'signature');
    assert.equal(typed[0].args, '[], 0', 'empty list and zero first');
    for (const x of typed) {
      const v = parsePyLiteral(`(${x.args},)`);
      assert.ok(v && v.t === 'tuple' && v.items[0].t === 'list' && v.items[1].t === 'int', x.args);
    }
    assert.ok(
      typed.some((x) => /-\d/.test(x.args)),
      'negatives among them',
    );
  });

  it('makes calls to the entry function as untrusted, generated cases', () => {
    const cases = generatedCases(
      'def count_upper(s: str) -> int:\n    """Count upper-case letters.\n    >>> count_upper("aBC")\n    2\n    """\n',
      [],
      [{ code: 'assert count_upper("aBC") == 2' }],
    );
    assert.ok(cases.length >= 10);
    for (const c of cases) {
      assert.equal(c.generated, true);
      assert.equal(c.trusted, undefined);
      assert.match(c.code, /^count_upper\(".*"\)$/);
    }
    assert.equal(cases[0].code, 'count_upper("BC")', 'the nearest example mutation first');
  });

  it('tries other shapes for a parameter whose type is only guessed from its name', () => {
    const guessed = generateInputs({ name: 'f', params: [{ name: 'x' }] }, []);
    const kinds = new Set(guessed.map((g) => parsePyLiteral(g.args)?.t));
    assert.ok(kinds.has('int') && kinds.has('str') && kinds.has('list'), [...kinds].join(' '));
    const hinted = generateInputs({ name: 'f', params: [{ name: 'x', hint: 'int' }] }, []);
    assert.ok(hinted.every((g) => parsePyLiteral(g.args)?.t === 'int'));
    assert.ok(guessed.length > hinted.length);
  });
});
