import assert from 'node:assert/strict';
import { classifyRun, classOf } from '../../../src/core/project/classify';
import type { TestClass, TestRun, TestStatus } from '../../../src/core/project/types';

const run = (tests: Record<string, TestStatus>, messages?: Record<string, string>): TestRun => ({
  state: 'ok',
  exitCode: Object.values(tests).some((s) => s === 'failed' || s === 'error') ? 1 : 0,
  wallMs: 1,
  runner: 'unittest',
  tests,
  ...(messages ? { messages } : {}),
});

describe('project: grading a candidate against the baseline (SWE-bench semantics)', () => {
  it('every baseline/candidate pair has its class', () => {
    const statuses: TestStatus[] = ['passed', 'xfail', 'skipped', 'failed', 'error', 'absent'];
    // rows: baseline; columns: candidate in the order of `statuses`.
    const table: Record<TestStatus, TestClass[]> = {
      passed: ['passing', 'passing', 'passing', 'regressed', 'regressed', 'regressed'],
      xfail: ['passing', 'passing', 'passing', 'regressed', 'regressed', 'regressed'],
      skipped: ['passing', 'passing', 'passing', 'regressed', 'regressed', 'regressed'],
      failed: ['fixed', 'fixed', 'stillFailing', 'stillFailing', 'stillFailing', 'stillFailing'],
      error: ['fixed', 'fixed', 'stillFailing', 'stillFailing', 'stillFailing', 'stillFailing'],
      absent: ['new', 'new', 'new', 'new', 'new', 'new'],
    };
    for (const b of statuses) {
      statuses.forEach((c, i) => assert.equal(classOf(b, c), table[b][i], `${b} -> ${c}`));
    }
  });

  it('grades a whole run: classes in order, ids sorted within, counts, fixed and regressed ids, messages', () => {
    const baseline = run({
      'tests.test_pricing.PricingTest.test_small': 'passed',
      'tests.test_pricing.PricingTest.test_bulk_discount': 'failed',
      'tests.test_pricing.PricingTest.test_rounding': 'failed',
      'tests.test_pricing.PricingTest.test_tax': 'passed',
      'tests.test_pricing.PricingTest.test_cart': 'passed',
      'tests.test_pricing.PricingTest.test_later': 'skipped',
      'tests.test_pricing.PricingTest.test_a_known_bug': 'xfail',
      'tests.test_stock.StockTest.test_gone': 'passed',
    });
    const candidate = run(
      {
        'tests.test_pricing.PricingTest.test_small': 'passed',
        'tests.test_pricing.PricingTest.test_bulk_discount': 'passed',
        'tests.test_pricing.PricingTest.test_rounding': 'skipped',
        'tests.test_pricing.PricingTest.test_tax': 'failed',
        'tests.test_pricing.PricingTest.test_cart': 'error',
        'tests.test_pricing.PricingTest.test_later': 'skipped',
        'tests.test_pricing.PricingTest.test_a_known_bug': 'xfail',
        'tests.test_model.test_new_case': 'passed',
        // test_stock is absent: it did not import any more.
        test_stock: 'error',
      },
      {
        'tests.test_pricing.PricingTest.test_tax': 'AssertionError: 10.7 != 10.8',
        'tests.test_pricing.PricingTest.test_cart': "KeyError: 'items'",
        test_stock: "ImportError: cannot import name 'reserve'",
      },
    );
    const graded = classifyRun(baseline, candidate);
    assert.deepEqual(
      graded.outcomes.map((o) => [o.class, o.id, o.baseline, o.candidate]),
      [
        ['regressed', 'tests.test_pricing.PricingTest.test_cart', 'passed', 'error'],
        ['regressed', 'tests.test_pricing.PricingTest.test_tax', 'passed', 'failed'],
        ['regressed', 'tests.test_stock.StockTest.test_gone', 'passed', 'absent'],
        ['fixed', 'tests.test_pricing.PricingTest.test_bulk_discount', 'failed', 'passed'],
        ['stillFailing', 'tests.test_pricing.PricingTest.test_rounding', 'failed', 'skipped'],
        ['new', 'test_stock', 'absent', 'error'],
        ['new', 'tests.test_model.test_new_case', 'absent', 'passed'],
        ['passing', 'tests.test_pricing.PricingTest.test_a_known_bug', 'xfail', 'xfail'],
        ['passing', 'tests.test_pricing.PricingTest.test_later', 'skipped', 'skipped'],
        ['passing', 'tests.test_pricing.PricingTest.test_small', 'passed', 'passed'],
      ],
    );
    assert.deepEqual(graded.counts, { regressed: 3, fixed: 1, stillFailing: 1, new: 2, passing: 3 });
    assert.deepEqual(graded.fixedIds, ['tests.test_pricing.PricingTest.test_bulk_discount']);
    assert.deepEqual(graded.regressedIds, [
      'tests.test_pricing.PricingTest.test_cart',
      'tests.test_pricing.PricingTest.test_tax',
      'tests.test_stock.StockTest.test_gone',
    ]);
    const tax = graded.outcomes.find((o) => o.id.endsWith('test_tax'));
    assert.equal(tax?.message, 'AssertionError: 10.7 != 10.8');
    assert.equal(
      graded.outcomes.find((o) => o.id.endsWith('test_small'))?.message,
      undefined,
      'only the candidate’s own failure lines',
    );
  });

  it('a candidate that skips every failing test fixes nothing; one that drops every test regresses them all', () => {
    const baseline = run({ a: 'failed', b: 'failed', c: 'passed' });
    const skipper = classifyRun(baseline, run({ a: 'skipped', b: 'skipped', c: 'passed' }));
    assert.deepEqual(skipper.fixedIds, []);
    assert.equal(skipper.counts.stillFailing, 2);
    const dropper = classifyRun(baseline, run({}));
    assert.deepEqual(dropper.regressedIds, ['c']);
    assert.deepEqual(dropper.counts, { regressed: 1, fixed: 0, stillFailing: 2, new: 0, passing: 0 });
  });

  it('the same run graded against itself is all passing and still failing', () => {
    const baseline = run({ x: 'passed', y: 'failed', z: 'xfail' });
    const self = classifyRun(baseline, baseline);
    assert.deepEqual(self.counts, { regressed: 0, fixed: 0, stillFailing: 1, new: 0, passing: 2 });
  });
});
