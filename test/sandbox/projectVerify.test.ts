import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { takeSnapshot } from '../../src/core/project/snapshot';
import { detectTestCommand } from '../../src/core/project/testCommand';
import { createProjectVerifier } from '../../src/core/project/verify';
import type { EditResult, ProjectLanguage } from '../../src/core/project/types';
import { createProjectSandbox } from '../../src/core/sandbox/projectRun';
import { OFFLINE_IMAGES } from './offlineImages';
import { currentEngine } from './testEngines';

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'quorum-verify-'));
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), t);
  }
  return root;
}

const edit = (newText: string): EditResult => ({ ok: true, form: 'wholeFile', newText, diff: '' });

async function verify(root: string, language: ProjectLanguage, image: string, path: string, texts: string[]) {
  const sandbox = createProjectSandbox({ pull: false, env: currentEngine().env });
  try {
    const snapshot = await takeSnapshot({ root, language });
    const test = detectTestCommand(
      root,
      language,
      snapshot.files.map((f) => f.path),
    );
    assert.ok(test, 'a test command is found');
    const verifier = createProjectVerifier({ sandbox, snapshot, path, test, image });
    const evidence = await Promise.all(texts.map((t, i) => verifier.verify(`c${i}`, edit(t))));
    return { baseline: await verifier.baseline, evidence, test };
  } finally {
    await sandbox.dispose();
  }
}

describe("project verify: baseline and candidates graded per test, from the runner's report", function () {
  this.timeout(180_000);
  const roots: string[] = [];
  after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  it('a Python package with relative imports and unittest: fixed and regressed tests by name', async () => {
    const root = project({
      'pyproject.toml': '[project]\nname = "inventory"\n',
      'inventory/__init__.py': '',
      'inventory/money.py': 'def round_cents(x):\n    return round(x + 1e-9, 2)\n',
      'inventory/pricing.py':
        'from .money import round_cents\n\n\ndef discount(q):\n    return 0.1 if q > 10 else 0.0\n\n\ndef total(p, q):\n    return round_cents(p * q * (1 - discount(q)))\n',
      'tests/__init__.py': '',
      'tests/test_pricing.py': [
        'import unittest',
        'from inventory.pricing import discount, total',
        'class PricingTest(unittest.TestCase):',
        '    def test_bulk_discount(self):',
        '        self.assertEqual(discount(10), 0.1)',
        '    def test_rounding(self):',
        '        self.assertEqual(total(0.335, 1), 0.34)',
        '    def test_small(self):',
        '        self.assertEqual(discount(2), 0.0)',
        '',
      ].join('\n'),
    });
    roots.push(root);
    const good =
      'from .money import round_cents\n\n\ndef discount(q):\n    return 0.1 if q >= 10 else 0.0\n\n\ndef total(p, q):\n    return round_cents(p * q * (1 - discount(q)))\n';
    const rewrite =
      'def discount(q):\n    return 0.1 if q >= 10 else 0.0\n\n\ndef total(p, q):\n    return int(p * q * (1 - discount(q)) * 100) / 100\n';
    const { baseline, evidence, test } = await verify(
      root,
      'python',
      OFFLINE_IMAGES.python!,
      'inventory/pricing.py',
      [good, rewrite],
    );
    assert.equal(test.runner, 'unittest');
    assert.equal(baseline.state, 'ok', JSON.stringify(baseline));
    assert.deepEqual(baseline.tests, {
      'tests.test_pricing.PricingTest.test_bulk_discount': 'failed',
      'tests.test_pricing.PricingTest.test_rounding': 'passed',
      'tests.test_pricing.PricingTest.test_small': 'passed',
    });
    assert.match(
      baseline.messages?.['tests.test_pricing.PricingTest.test_bulk_discount'] ?? '',
      /AssertionError/,
    );
    assert.deepEqual(evidence[0]?.fixedIds, ['tests.test_pricing.PricingTest.test_bulk_discount']);
    assert.deepEqual(evidence[0]?.regressedIds, []);
    assert.deepEqual(evidence[1]?.fixedIds, ['tests.test_pricing.PricingTest.test_bulk_discount']);
    assert.deepEqual(evidence[1]?.regressedIds, ['tests.test_pricing.PricingTest.test_rounding']);
  });

  it('a CommonJS package with node:test via scripts.test: ids keep their describe path', async () => {
    const root = project({
      'package.json': JSON.stringify({ name: 'cart', scripts: { test: 'node --test test/' } }),
      'src/money.js': 'exports.cents = (x) => Math.round(x * 100) / 100;\n',
      'src/cart.js':
        "const { cents } = require('./money');\nexports.total = (items) => cents(items.reduce((s, i) => s + i, 0));\nexports.count = (items) => items.length - 1;\n",
      'test/cart.test.js': [
        "const test = require('node:test');",
        "const assert = require('node:assert');",
        "const { total, count } = require('../src/cart');",
        "test.describe('cart', () => {",
        "  test.it('totals', () => assert.strictEqual(total([0.1, 0.2]), 0.3));",
        "  test.it('counts', () => assert.strictEqual(count([1, 2]), 2));",
        '});',
        '',
      ].join('\n'),
    });
    roots.push(root);
    const fixed =
      "const { cents } = require('./money');\nexports.total = (items) => cents(items.reduce((s, i) => s + i, 0));\nexports.count = (items) => items.length;\n";
    const broken = 'exports.total = () => 0;\nexports.count = (items) => items.length;\n';
    const { baseline, evidence, test } = await verify(
      root,
      'javascript',
      OFFLINE_IMAGES.javascript!,
      'src/cart.js',
      [fixed, broken],
    );
    assert.equal(test.runner, 'node-test');
    assert.equal(baseline.state, 'ok', JSON.stringify(baseline));
    const ids = Object.keys(baseline.tests).sort();
    assert.ok(
      ids.some((id) => /cart > counts$/.test(id)),
      ids.join(', '),
    );
    const counts = ids.find((id) => /counts$/.test(id))!;
    const totals = ids.find((id) => /totals$/.test(id))!;
    assert.equal(baseline.tests[counts], 'failed');
    assert.deepEqual(evidence[0]?.fixedIds, [counts]);
    assert.deepEqual(evidence[1]?.regressedIds, [totals]);
  });
});
