import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { takeSnapshot } from '../../src/core/project/snapshot';
import { detectTestCommand, testScript } from '../../src/core/project/testCommand';
import { readTestRun } from '../../src/core/project/testReports';
import { environmentOf } from '../../src/core/project/verify';
import type { ProjectLanguage, ProjectSandbox, TestCommand, TestRun } from '../../src/core/project/types';
import { createProjectSandbox } from '../../src/core/sandbox/projectRun';
import { OFFLINE_IMAGES } from './offlineImages';
import { engine } from './sandboxFixture';
import { currentEngine } from './testEngines';

/**
 * The scripts of testCommand.ts, run by the real project sandbox (hardened container, busybox sh,
 * read-only root, noexec /tmp) in the offline images on tiny projects, and their reports read
 * back by readTestRun: detection, script and parser agree on real runners.
 */
describe('project reports: detected test commands run in the sandbox and read back', function () {
  this.timeout(240_000);
  let sandbox: ProjectSandbox;
  const roots: string[] = [];

  before(async function () {
    const missing = await engine.ping().then(
      () => undefined,
      (e: unknown) => `no container engine answers: ${String(e)}`,
    );
    if (missing) {
      console.log(`      (skipped: ${missing})`);
      this.skip();
    }
    sandbox = createProjectSandbox({ pull: false, env: currentEngine().env });
  });
  after(async () => {
    await sandbox?.dispose();
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  /** The image of a language, or skips the test (saying why) where it was not built. */
  async function imageOrSkip(test: Mocha.Context, language: ProjectLanguage): Promise<string> {
    const image = OFFLINE_IMAGES[language] ?? '';
    const found = await engine
      .getImage(image)
      .inspect()
      .then(
        () => true,
        () => false,
      );
    if (!found) {
      console.log(`      (skipped: ${image} was not built here (npm run sandbox:images))`);
      test.skip();
    }
    return image;
  }

  function project(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'quorum-projectreports-'));
    roots.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  async function runIn(
    image: string,
    root: string,
    language: ProjectLanguage,
    cmd?: TestCommand,
  ): Promise<{ test: TestCommand; run: TestRun; stdout: string; reports: string[] }> {
    const snapshot = await takeSnapshot({ root, language });
    const test =
      cmd ??
      detectTestCommand(
        root,
        language,
        snapshot.files.map((f) => f.path),
      );
    assert.ok(test, 'a test command is detected');
    const result = await sandbox.runTests({
      image,
      archive: snapshot.archive,
      script: testScript(test),
      env: environmentOf(snapshot),
      timeoutS: 180,
    });
    assert.equal(result.timedOut, false, `${result.stdout}\n${result.stderr}`);
    const output = `${result.stdout}\n${result.stderr}`;
    const run = readTestRun(test.runner, result.reports, result.exitCode, output, result.wallMs, test.source);
    return { test, run, stdout: result.stdout, reports: Object.keys(result.reports).sort() };
  }

  const PYTHON_PACKAGE = {
    'pyproject.toml': '[project]\nname = "inventory"\n',
    'inventory/__init__.py': '',
    'inventory/money.py': 'def round_cents(x):\n    return round(x, 2)\n',
    'inventory/pricing.py':
      'from .money import round_cents\n\n\ndef bulk_discount(n, price):\n    total = n * price\n    return round_cents(total * 0.9 if n >= 10 else total)\n',
    'tests/test_pricing.py': [
      'import unittest',
      'from inventory.pricing import bulk_discount',
      '',
      '',
      'class PricingTest(unittest.TestCase):',
      '    def test_small_order(self):',
      '        self.assertEqual(bulk_discount(2, 1.5), 3.0)',
      '',
      '    def test_bulk_discount(self):',
      '        self.assertEqual(bulk_discount(10, 1.0), 8.0)',
      '',
      '    @unittest.skip("later")',
      '    def test_later(self):',
      '        pass',
      '',
    ].join('\n'),
  };

  it('python unittest: the result-writing runner, relative imports, no bytecode, exact map', async function () {
    const image = await imageOrSkip(this, 'python');
    const root = project(PYTHON_PACKAGE);
    const { test, run, reports } = await runIn(image, root, 'python');
    assert.equal(test.runner, 'unittest');
    assert.equal(run.state, 'ok', run.detail);
    assert.equal(run.exitCode, 1);
    assert.deepEqual(run.tests, {
      'test_pricing.PricingTest.test_bulk_discount': 'failed',
      'test_pricing.PricingTest.test_later': 'skipped',
      'test_pricing.PricingTest.test_small_order': 'passed',
    });
    assert.deepEqual(run.messages, {
      'test_pricing.PricingTest.test_bulk_discount': 'AssertionError: 9.0 != 8.0',
    });
    assert.deepEqual(reports, ['runner', 'unittest.json']);
    assert.deepEqual(readdirSync(join(root, 'inventory')).sort(), ['__init__.py', 'money.py', 'pricing.py']);
  });

  it('python with pytest configured but not in the image: the same script falls back to unittest and says so', async function () {
    const image = await imageOrSkip(this, 'python');
    const root = project({ ...PYTHON_PACKAGE, 'pytest.ini': '[pytest]\ntestpaths = tests\n' });
    const { test, run, reports } = await runIn(image, root, 'python');
    assert.equal(test.runner, 'pytest');
    assert.equal(run.runner, 'unittest', 'the run says which runner really ran');
    assert.equal(run.state, 'ok', run.detail);
    assert.equal(run.tests['test_pricing.PricingTest.test_bulk_discount'], 'failed');
    assert.deepEqual(reports, ['runner', 'unittest.json']);
  });

  it('pytest shipped in the project’s .venv: JUnit with classname::name, conftest fixtures, xfail, a module that does not import', async function () {
    const image = await imageOrSkip(this, 'python');
    const site = hostPytestSite();
    if (!site) {
      console.log('      (skipped: no pure-Python pytest on this machine to ship in a .venv)');
      this.skip();
    }
    const root = project({
      'pyproject.toml': '[project]\nname = "shop"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
      'shop/__init__.py': '',
      'shop/pricing.py': 'def bulk_discount(n):\n    return n * 0.9 if n >= 10 else n\n',
      'tests/__init__.py': '',
      'tests/conftest.py': 'import pytest\n\n\n@pytest.fixture\ndef order():\n    return 10\n',
      'tests/test_pricing.py': [
        'import pytest',
        'from shop.pricing import bulk_discount',
        '',
        '',
        'def test_small():',
        '    assert bulk_discount(5) == 5',
        '',
        '',
        'def test_bulk_discount(order):',
        '    assert bulk_discount(order) == 8',
        '',
        '',
        '@pytest.mark.xfail(reason="rounding")',
        'def test_known_bug():',
        '    assert bulk_discount(15) == 13',
        '',
      ].join('\n'),
      'tests/test_stock.py': 'from shop.stock import reserve\n',
    });
    const dest = join(root, '.venv/lib/python3.11/site-packages');
    for (const entry of PYTEST_PACKAGES.filter((p) => existsSync(join(site, p)))) {
      cpSync(join(site, entry), join(dest, entry), {
        recursive: true,
        filter: (src) => !src.includes('__pycache__'),
      });
    }
    const { test, run, reports } = await runIn(image, root, 'python');
    assert.equal(test.runner, 'pytest');
    assert.equal(test.source, 'pyproject.toml [tool.pytest.ini_options]');
    assert.equal(run.runner, 'pytest');
    assert.equal(run.state, 'ok', `${run.detail}\n${run.outputTail}`);
    assert.deepEqual(run.tests, {
      'tests.test_stock': 'error',
      'tests.test_pricing::test_small': 'passed',
      'tests.test_pricing::test_bulk_discount': 'failed',
      'tests.test_pricing::test_known_bug': 'xfail',
    });
    assert.deepEqual(run.messages, {
      'tests.test_stock': "ModuleNotFoundError: No module named 'shop.stock'",
      'tests.test_pricing::test_bulk_discount': 'assert 9.0 == 8',
    });
    assert.deepEqual(reports, ['junit.xml', 'runner']);
  });

  it('node --test from package.json scripts.test: JUnit with suite paths, spec on stdout, node_modules/.bin on PATH', async function () {
    const image = await imageOrSkip(this, 'javascript');
    const root = project({
      'package.json': JSON.stringify({ name: 'shop', scripts: { test: 'node --test --test-reporter=dot' } }),
      'money.js': 'exports.roundCents = (x) => Math.round(x * 100) / 100;\n',
      'pricing.js':
        "const { roundCents } = require('./money');\nexports.bulkDiscount = (n, p) => roundCents(n >= 10 ? n * p * 0.9 : n * p);\n",
      'test/pricing.test.js': [
        "const { describe, it } = require('node:test');",
        "const assert = require('node:assert/strict');",
        "const { bulkDiscount } = require('../pricing');",
        "describe('pricing', () => {",
        "  it('small order', () => assert.equal(bulkDiscount(2, 1.5), 3));",
        "  describe('bulk', () => {",
        "    it('discount', () => assert.equal(bulkDiscount(10, 1), 8));",
        "    it.skip('later', () => {});",
        '  });',
        '});',
        '',
      ].join('\n'),
    });
    const { test, run, stdout, reports } = await runIn(image, root, 'javascript');
    assert.equal(test.runner, 'node-test');
    assert.equal(run.state, 'ok', `${run.detail}\n${run.outputTail}`);
    assert.equal(run.exitCode, 1);
    assert.deepEqual(run.tests, {
      'pricing > small order': 'passed',
      'pricing > bulk > discount': 'failed',
      'pricing > bulk > later': 'skipped',
    });
    assert.deepEqual(run.messages, {
      'pricing > bulk > discount':
        'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal: 9 !== 8',
    });
    assert.match(stdout, /▶ pricing/, 'the spec reporter for people, instead of the project’s dot reporter');
    assert.deepEqual(reports, ['junit.xml']);
  });

  it('a build, then node --test (`A && node --test …`): the reporters go on the test command only', async function () {
    const image = await imageOrSkip(this, 'javascript');
    const build =
      "const fs = require('fs'); fs.mkdirSync('out', { recursive: true }); fs.copyFileSync('src/a.test.js', 'out/a.test.js');";
    const root = project({
      'package.json': JSON.stringify({ scripts: { test: 'node build.js && node --test out/' } }),
      'build.js': `${build}\n`,
      'src/a.test.js': "const { test } = require('node:test');\ntest('built', () => {});\n",
    });
    const { test, run, reports } = await runIn(image, root, 'javascript');
    assert.equal(test.runner, 'node-test');
    assert.equal(run.state, 'ok', `${run.detail}\n${run.outputTail}`);
    assert.deepEqual(run.tests, { built: 'passed' });
    assert.deepEqual(reports, ['junit.xml']);
    writeFileSync(join(root, 'build.js'), 'process.exit(2);\n');
    const broken = await runIn(image, root, 'javascript');
    assert.equal(broken.run.exitCode, 2, 'the build’s own status');
    assert.equal(broken.run.state, 'noReport');
  });

  it('a plain command: its own exit status is the one entry; quotes in it survive', async function () {
    const image = await imageOrSkip(this, 'javascript');
    const root = project({
      'package.json': '{"scripts":{"test":"node -e \\"process.exit(require(\'./n\'))\\""}}',
      'n.js': 'module.exports = 3;\n',
    });
    const { test, run } = await runIn(image, root, 'javascript');
    assert.equal(test.runner, 'command');
    assert.equal(run.exitCode, 3);
    assert.deepEqual(run.tests, { [test.source]: 'failed' });
    writeFileSync(join(root, 'n.js'), 'module.exports = 0;\n');
    const ok = await runIn(image, root, 'javascript');
    assert.deepEqual(ok.run.tests, { [ok.test.source]: 'passed' });
  });

  it('go test -json: builds in the scratch directory (not the noexec /tmp), one error for a package that does not build', async function () {
    const image = await imageOrSkip(this, 'go');
    const root = project({
      'go.mod': 'module example.com/shop\n\ngo 1.19\n',
      'pricing/pricing.go': 'package pricing\n\nfunc Discount(n int) int { return n * 9 / 10 }\n',
      'pricing/pricing_test.go':
        'package pricing\n\nimport "testing"\n\nfunc TestDiscount(t *testing.T) {\n\tif Discount(100) != 90 {\n\t\tt.Fatal("wrong")\n\t}\n}\n\nfunc TestTable(t *testing.T) {\n\tt.Run("zero", func(t *testing.T) {\n\t\tif Discount(0) != 1 {\n\t\t\tt.Errorf("got %d want 1", Discount(0))\n\t\t}\n\t})\n}\n',
      'broken/broken.go': 'package broken\n\nfunc Half(n int) int { return n / 2 }\n',
      'broken/broken_test.go':
        'package broken\n\nimport "testing"\n\nfunc TestHalf(t *testing.T) { var s string = Half(4); _ = s }\n',
    });
    const { test, run, reports } = await runIn(image, root, 'go');
    assert.equal(test.runner, 'go');
    assert.equal(run.state, 'ok', `${run.detail}\n${run.outputTail}`);
    assert.deepEqual(run.tests, {
      'example.com/shop/pricing/TestDiscount': 'passed',
      'example.com/shop/pricing/TestTable': 'failed',
      'example.com/shop/pricing/TestTable/zero': 'failed',
      'example.com/shop/broken': 'error',
    });
    assert.deepEqual(reports, ['go.json']);
  });

  it('cargo: the status of cargo itself comes through the tee (here: no cargo in the image)', async function () {
    const image = await imageOrSkip(this, 'rust');
    const root = project({ 'Cargo.toml': '[package]\nname = "shop"\nversion = "0.1.0"\n', 'src/lib.rs': '' });
    const { test, run, reports } = await runIn(image, root, 'rust');
    assert.equal(test.runner, 'cargo');
    if (run.exitCode !== 127) {
      // An image with cargo: the crate has no test, so the report lists none.
      assert.equal(run.state, 'noReport');
      return;
    }
    assert.equal(run.state, 'noReport');
    assert.match(run.detail ?? '', /lists no test \(exit status 127\)/);
    assert.deepEqual(reports, ['cargo.txt']);
  });
});

/** pytest and what it imports, pure Python (py.py is the shim of pytest 7+, where there is one). */
const PYTEST_PACKAGES = ['pytest', '_pytest', 'pluggy', 'iniconfig', 'packaging', 'pygments', 'py.py'];

/** The site-packages folder of this machine's python3 that holds pytest, found without importing it. */
function hostPytestSite(): string | undefined {
  try {
    const origin = execFileSync(
      'python3',
      ['-c', "import importlib.util as u; s = u.find_spec('pytest'); print(s.origin if s else '')"],
      { encoding: 'utf8', timeout: 10_000 },
    ).trim();
    if (!origin) return undefined;
    const site = dirname(dirname(origin));
    return PYTEST_PACKAGES.filter((p) => !p.endsWith('.py')).every((p) => existsSync(join(site, p)))
      ? site
      : undefined;
  } catch {
    return undefined;
  }
}
