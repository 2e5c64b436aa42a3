import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMMAND_TEST_ID,
  REWRITTEN_REPORTS,
  firstLine,
  readTestRun,
} from '../../../src/core/project/testReports';

/** Real reports, captured inside the offline images (test/fixtures/project-reports/SOURCE.md). */
const fixture = (name: string): string =>
  readFileSync(join(__dirname, '../../fixtures/project-reports', name), 'utf8');

describe('project: reading test reports', () => {
  describe('node:test JUnit (real node 20 output)', () => {
    const xml = fixture('node-test-junit.xml');

    it('keeps the suite path in every id, reads todo as skipped, and the cause as the message', () => {
      const run = readTestRun('node-test', { 'junit.xml': xml }, 1, '', 420);
      assert.equal(run.state, 'ok');
      assert.equal(run.runner, 'node-test');
      assert.equal(run.wallMs, 420);
      assert.deepEqual(run.tests, {
        // Two files each have a top-level `adds at top level`; node names no file: one entry.
        'adds at top level': 'passed',
        'fails at top level': 'failed',
        'skipped at top level': 'skipped',
        'todo at top level': 'skipped',
        errors: 'failed',
        'pricing > rounds': 'passed',
        'pricing > bulk > discounts': 'passed',
        'pricing > bulk > rounds': 'failed',
        'pricing > empty > rounds': 'skipped',
        'hooks > never runs': 'failed',
      });
      assert.deepEqual(run.messages, {
        'fails at top level': 'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal: 2 !== 3',
        errors: 'TypeError [Error]: boom',
        'pricing > bulk > rounds':
          'AssertionError [ERR_ASSERTION]: Expected values to be strictly deep-equal: + actual - expected',
        'hooks > never runs': 'test did not finish before its parent and was cancelled',
      });
    });

    it('a duplicated id takes the worse status of the two', () => {
      const both = xml.replace(
        '<testcase name="adds at top level" time="0.000871" classname="test"/>',
        '<testcase name="adds at top level" time="0.000871" classname="test"><failure type="testCodeFailure" message="second file broke">x</failure></testcase>',
      );
      assert.notEqual(both, xml);
      const run = readTestRun('node-test', { 'junit.xml': both }, 1, '', 1);
      assert.equal(run.tests['adds at top level'], 'failed');
      assert.equal(run.messages?.['adds at top level'], 'second file broke');
    });

    it('a non-zero exit with only passing tests in the report is no evidence', () => {
      const passing = `<?xml version="1.0" encoding="utf-8"?>\n<testsuites>\n\t<testcase name="ok" time="0.1" classname="test"/>\n</testsuites>\n`;
      const run = readTestRun('node-test', { 'junit.xml': passing }, 1, 'ok 1 - ok\n', 1);
      assert.equal(run.state, 'reportContradictsExit');
      assert.deepEqual(run.tests, { ok: 'passed' });
      assert.match(run.detail ?? '', /exited with status 1 but its node-test report shows no failing test/);
      assert.equal(run.outputTail, 'ok 1 - ok');
      assert.equal(readTestRun('node-test', { 'junit.xml': passing }, 0, '', 1).state, 'ok');
    });

    it('a report the sandbox saw written more than once is no evidence, whatever it says', () => {
      const passing = `<?xml version="1.0" encoding="utf-8"?>\n<testsuites>\n\t<testcase name="ok" time="0.1" classname="test"/>\n</testsuites>\n`;
      const run = readTestRun('node-test', { [REWRITTEN_REPORTS]: 'junit.xml 2' }, 0, '', 1);
      assert.equal(run.state, 'noReport');
      assert.deepEqual(run.tests, {});
      assert.match(run.detail ?? '', /junit\.xml report was written 2 times.*cannot be trusted/);
      // Another file written twice (not this runner's) changes nothing.
      const other = readTestRun(
        'node-test',
        { 'junit.xml': passing, [REWRITTEN_REPORTS]: 'go.json 3' },
        0,
        '',
        1,
      );
      assert.equal(other.state, 'ok');
      // Python: which runner ran is a report too.
      const unittest = readTestRun(
        'pytest',
        { 'unittest.json': '{"tests": {"t.T.test_a": "passed"}}', [REWRITTEN_REPORTS]: 'runner 2' },
        0,
        '',
        1,
      );
      assert.equal(unittest.state, 'noReport');
      assert.match(unittest.detail ?? '', /runner report was written 2 times/);
    });
  });

  describe('pytest JUnit (real pytest 9 output)', () => {
    it('ids are classname::name; xfail, strict xpass, setup errors and collection errors', () => {
      const run = readTestRun(
        'pytest',
        { 'junit.xml': fixture('pytest-junit.xml'), runner: 'pytest\n' },
        1,
        '',
        9,
      );
      assert.equal(run.state, 'ok');
      assert.equal(run.runner, 'pytest');
      assert.deepEqual(run.tests, {
        'tests.test_broken_import': 'error',
        'tests.test_pricing::test_small': 'passed',
        'tests.test_pricing::test_bulk_discount': 'failed',
        'tests.test_pricing::test_skipped': 'skipped',
        'tests.test_pricing::test_known_bug': 'xfail',
        'tests.test_pricing::test_strict_xpass': 'failed',
        'tests.test_pricing::test_uses_broken': 'error',
        'tests.test_pricing::test_table[1-1]': 'passed',
        'tests.test_pricing::test_table[20-17]': 'failed',
        'tests.test_pricing.TestCart::test_empty': 'passed',
      });
      assert.deepEqual(run.messages, {
        'tests.test_broken_import': "ModuleNotFoundError: No module named 'shop.missing'",
        'tests.test_pricing::test_bulk_discount': 'assert 9.0 == 8',
        'tests.test_pricing::test_strict_xpass': '[XPASS(strict)]',
        'tests.test_pricing::test_uses_broken': 'failed on setup with "RuntimeError: fixture broke"',
        'tests.test_pricing::test_table[20-17]': 'assert 18.0 == 17',
      });
    });

    it('a session stopped by a collection error has only that error', () => {
      const run = readTestRun('pytest', { 'junit.xml': fixture('pytest-interrupted-junit.xml') }, 2, '', 1);
      assert.equal(run.state, 'ok');
      assert.deepEqual(run.tests, { 'tests.test_broken_import': 'error' });
    });

    it('refuses a report with a DOCTYPE (no entity expansion) and a cut-off report', () => {
      const bomb = `<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><testsuites><testsuite name="pytest"><testcase classname="t" name="&b;"/></testsuite></testsuites>`;
      const refused = readTestRun('pytest', { 'junit.xml': bomb }, 0, '', 1);
      assert.equal(refused.state, 'noReport');
      assert.match(refused.detail ?? '', /does not parse: .*DOCTYPE/);
      const xml = fixture('pytest-junit.xml');
      const cut = readTestRun('pytest', { 'junit.xml': xml.slice(0, xml.length / 2) }, 1, '', 1);
      assert.equal(cut.state, 'noReport');
      assert.match(cut.detail ?? '', /The pytest report \(junit\.xml\) does not parse/);
      assert.deepEqual(cut.tests, {});
    });

    it('reads the unittest report when the script says pytest was missing', () => {
      const run = readTestRun(
        'pytest',
        { 'unittest.json': fixture('unittest.json'), runner: 'unittest\n' },
        1,
        '',
        1,
      );
      assert.equal(run.runner, 'unittest');
      assert.equal(run.state, 'ok');
      assert.equal(run.tests['test_pricing.PricingTest.test_small'], 'passed');
      // Without the note, a pytest run's unittest.json is not its report.
      const noted = readTestRun('pytest', { 'unittest.json': fixture('unittest.json') }, 1, '', 1);
      assert.equal(noted.state, 'noReport');
      assert.match(noted.detail ?? '', /no pytest report \(junit\.xml; exit status 1\)/);
    });
  });

  describe("unittest JSON (Quorum's runner, real output)", () => {
    it('ids module.Class.test; expected failures, unexpected successes, subtests, setUpClass, imports', () => {
      const run = readTestRun('unittest', { 'unittest.json': fixture('unittest.json') }, 1, '', 3);
      assert.equal(run.state, 'ok');
      assert.deepEqual(run.tests, {
        'setUpClass (test_pricing.BrokenSetup)': 'error',
        test_imports: 'error',
        'test_pricing.PricingTest.test_bulk_discount': 'failed',
        'test_pricing.PricingTest.test_error': 'error',
        'test_pricing.PricingTest.test_known_bug': 'xfail',
        'test_pricing.PricingTest.test_skipped': 'skipped',
        'test_pricing.PricingTest.test_small': 'passed',
        'test_pricing.PricingTest.test_table': 'failed',
        'test_pricing.PricingTest.test_unexpected': 'failed',
      });
      assert.deepEqual(run.messages, {
        'setUpClass (test_pricing.BrokenSetup)': 'RuntimeError: no database',
        test_imports: "ModuleNotFoundError: No module named 'inventory.missing'",
        'test_pricing.PricingTest.test_bulk_discount': 'AssertionError: 9.0 != 8 : ten items get 20% off',
        'test_pricing.PricingTest.test_error': "KeyError: 'missing'",
        'test_pricing.PricingTest.test_table': 'AssertionError: 18.0 != 17',
        'test_pricing.PricingTest.test_unexpected': 'unexpected success (the test is marked expectedFailure)',
      });
    });

    it('a status it does not know, or JSON that is not the runner’s, is no report', () => {
      const odd = readTestRun('unittest', { 'unittest.json': '{"tests":{"a.B.test":"green"}}' }, 0, '', 1);
      assert.equal(odd.state, 'noReport');
      assert.match(odd.detail ?? '', /test a\.B\.test has no known status/);
      assert.equal(readTestRun('unittest', { 'unittest.json': '[1,2]' }, 0, '', 1).state, 'noReport');
      assert.equal(readTestRun('unittest', { 'unittest.json': '{"tests":{' }, 0, '', 1).state, 'noReport');
    });
  });

  describe('go test -json (real go 1.19 output)', () => {
    it('Package/Test ids, subtests kept, a package that did not build is one error', () => {
      const run = readTestRun(
        'go',
        { 'go.json': fixture('go-test.json') },
        2,
        fixture('go-test-stderr.txt'),
        34_000,
      );
      assert.equal(run.state, 'ok');
      assert.deepEqual(run.tests, {
        'example.com/shop/pricing/TestDiscount': 'passed',
        'example.com/shop/pricing/TestRounding': 'failed',
        'example.com/shop/pricing/TestLater': 'skipped',
        'example.com/shop/pricing/TestTable/ten': 'passed',
        'example.com/shop/pricing/TestTable/zero': 'failed',
        'example.com/shop/pricing/TestTable': 'failed',
        'example.com/shop/broken': 'error',
      });
      assert.deepEqual(run.messages, {
        'example.com/shop/pricing/TestRounding': 'pricing_test.go:12: Discount(15) = 13, want 14',
        'example.com/shop/pricing/TestTable/zero': 'pricing_test.go:21: got 0 want 1',
        'example.com/shop/broken': 'build failed',
      });
    });

    it('when no package builds, the run crashed', () => {
      const run = readTestRun(
        'go',
        { 'go.json': 'FAIL\texample.com/shop/broken [build failed]\n' },
        2,
        fixture('go-test-stderr.txt'),
        1,
      );
      assert.equal(run.state, 'crashed');
      assert.equal(run.detail, 'go test could not build example.com/shop/broken: no test ran.');
      assert.match(run.outputTail ?? '', /cannot use Half\(4\)/);
    });

    it('a package that fails outside any test (TestMain, init) is an error under its path; a test cut short is an error', () => {
      const events = [
        { Action: 'run', Package: 'ex/a', Test: 'TestOne' },
        { Action: 'output', Package: 'ex/a', Test: 'TestOne', Output: '=== RUN   TestOne\n' },
        { Action: 'output', Package: 'ex/a', Test: 'TestOne', Output: 'panic: boom\n' },
        { Action: 'output', Package: 'ex/a', Output: 'FAIL\tex/a\t0.01s\n' },
        { Action: 'fail', Package: 'ex/a', Elapsed: 0.01 },
        { Action: 'output', Package: 'ex/b', Output: 'setup: database missing\n' },
        { Action: 'fail', Package: 'ex/b', Elapsed: 0 },
      ];
      const run = readTestRun('go', { 'go.json': events.map((e) => JSON.stringify(e)).join('\n') }, 1, '', 1);
      assert.deepEqual(run.tests, { 'ex/a/TestOne': 'error', 'ex/b': 'error' });
      assert.deepEqual(run.messages, { 'ex/a/TestOne': 'panic: boom', 'ex/b': 'setup: database missing' });
    });
  });

  describe('cargo test (real libtest output)', () => {
    it('target::name ids across unit, integration and doc tests; ignored is skipped', () => {
      const run = readTestRun('cargo', { 'cargo.txt': fixture('cargo-test.txt') }, 101, '', 5000);
      assert.equal(run.state, 'ok');
      assert.deepEqual(run.tests, {
        'src/lib.rs::tests::discounts': 'passed',
        'src/lib.rs::tests::panics': 'passed',
        'src/lib.rs::tests::slow': 'skipped',
        'src/lib.rs::tests::rounds': 'failed',
        'tests/api.rs::discounts': 'passed',
        'tests/api.rs::zero': 'failed',
        'doc-tests shop::src/lib.rs - discount (line 3)': 'passed',
      });
      assert.deepEqual(run.messages, {
        'src/lib.rs::tests::rounds': 'assertion `left == right` failed: rounding of 15',
        'tests/api.rs::zero': 'assertion failed: v.len() == 1',
      });
    });

    it('a compile error is a crashed run, with the first error', () => {
      const run = readTestRun('cargo', { 'cargo.txt': fixture('cargo-compile-error.txt') }, 101, '', 1);
      assert.equal(run.state, 'crashed');
      assert.equal(run.detail, 'cargo could not build the tests: error[E0308]: mismatched types');
      assert.deepEqual(run.tests, {});
    });

    it("older Rust's panic format and cargo's binary paths", () => {
      const old = [
        '     Running target/debug/deps/shop-0123456789abcdef',
        '',
        'running 1 test',
        'test tests::rounds ... FAILED',
        '',
        'failures:',
        '',
        '---- tests::rounds stdout ----',
        "thread 'tests::rounds' panicked at 'assertion failed: `(left == right)`', src/lib.rs:21:9",
        '',
        'failures:',
        '    tests::rounds',
      ].join('\n');
      const run = readTestRun('cargo', { 'cargo.txt': old }, 101, '', 1);
      assert.deepEqual(run.tests, { 'shop::tests::rounds': 'failed' });
      assert.deepEqual(run.messages, { 'shop::tests::rounds': 'assertion failed: `(left == right)`' });
    });
  });

  describe('runs that are no evidence', () => {
    it('a missing or empty report is noReport, with the output tail', () => {
      const missing = readTestRun('pytest', {}, 4, 'ERROR: file or directory not found: tests\n', 10);
      assert.equal(missing.state, 'noReport');
      assert.deepEqual(missing.tests, {});
      assert.match(missing.detail ?? '', /wrote no pytest report \(junit\.xml; exit status 4\)/);
      assert.equal(missing.outputTail, 'ERROR: file or directory not found: tests');
      assert.equal(readTestRun('go', { 'go.json': '  \n' }, 0, '', 1).state, 'noReport');
      const empty = `<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="0" failures="0" skipped="0" tests="0"></testsuite></testsuites>`;
      const none = readTestRun('pytest', { 'junit.xml': empty }, 5, '', 1);
      assert.equal(none.state, 'noReport');
      assert.match(none.detail ?? '', /lists no test \(exit status 5\)/);
    });

    it('no exit status (killed) is crashed whatever the report says', () => {
      const run = readTestRun('unittest', { 'unittest.json': fixture('unittest.json') }, null, '', 1);
      assert.equal(run.state, 'crashed');
      assert.deepEqual(run.tests, {});
    });

    it('a `command` run is one entry named by its source: the exit status', () => {
      const src = 'package.json scripts.test (jest --ci)';
      assert.deepEqual(readTestRun('command', {}, 0, '', 1, src).tests, { [src]: 'passed' });
      const failed = readTestRun('command', {}, 1, 'FAIL src/x.test.js', 1, src);
      assert.equal(failed.state, 'ok');
      assert.deepEqual(failed.tests, { [src]: 'failed' });
      assert.deepEqual(readTestRun('command', {}, 3, '', 1).tests, { [COMMAND_TEST_ID]: 'failed' });
    });
  });

  it('firstLine joins a line ending in a colon with the next and caps the length', () => {
    assert.equal(
      firstLine('\n  Expected values to be equal:\n\n  1 !== 2\n'),
      'Expected values to be equal: 1 !== 2',
    );
    assert.equal(firstLine('   \n'), undefined);
    assert.equal(firstLine('x'.repeat(500))?.length, 300);
  });
});
