/**
 * Two small real-shaped projects for the CLI's edit-ask tests (git repositories, one failing test
 * at baseline), with the three answers models really give: the project-correct fix, a standalone
 * rewrite that re-implements the project's helper (and breaks a test), and a wrong fix.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface CliProject {
  readonly root: string;
  readonly target: string;
  readonly instruction: string;
  readonly failingTest: string;
  readonly regressionTest: string;
  readonly answers: { readonly correct: string; readonly standalone: string; readonly wrong: string };
}

function write(root: string, files: Record<string, string>): void {
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), t);
  }
}

function commit(root: string): void {
  const git = (...args: string[]): void =>
    void execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', '-C', root, ...args], {
      stdio: 'ignore',
    });
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'init');
}

const fence = (lang: string, code: string, before: string): string =>
  `${before}\n\n\`\`\`${lang}\n${code}\`\`\`\n`;

export function pythonProject(root: string): CliProject {
  const pricing = (
    cmp: string,
    body = 'round_cents(unit_price * quantity * (1 - bulk_discount(quantity)))',
  ) =>
    `from .money import round_cents\n\n\ndef bulk_discount(quantity):\n    """Orders of 10 or more get 10% off."""\n    if quantity ${cmp} 10:\n        return 0.1\n    return 0.0\n\n\ndef order_total(unit_price, quantity):\n    return ${body}\n`;
  write(root, {
    '.gitignore': '__pycache__/\n*.pyc\n',
    'pyproject.toml': '[project]\nname = "inventory"\nversion = "0.1.0"\n',
    'inventory/__init__.py': '',
    'inventory/money.py':
      'from decimal import ROUND_HALF_UP, Decimal\n\n\ndef round_cents(amount):\n    """Rounds half up to whole cents (banker\'s rounding is wrong for invoices)."""\n    return float(Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))\n',
    'inventory/pricing.py': pricing('>'),
    'tests/__init__.py': '',
    'tests/test_pricing.py': [
      'import unittest',
      '',
      'from inventory.pricing import bulk_discount, order_total',
      '',
      '',
      'class PricingTest(unittest.TestCase):',
      '    def test_bulk_discount(self):',
      '        self.assertEqual(bulk_discount(10), 0.1)',
      '',
      '    def test_no_discount_below_ten(self):',
      '        self.assertEqual(bulk_discount(9), 0.0)',
      '',
      '    def test_total_rounds_half_up(self):',
      '        self.assertEqual(order_total(0.125, 1), 0.13)',
      '',
      '    def test_total_with_discount(self):',
      '        self.assertEqual(order_total(2.0, 20), 36.0)',
      '',
      '',
      "if __name__ == '__main__':",
      '    unittest.main()',
      '',
    ].join('\n'),
    'notes.txt': 'untracked, not ignored\n',
  });
  commit(root);
  const standalone = `def bulk_discount(quantity):\n    if quantity >= 10:\n        return 0.1\n    return 0.0\n\n\ndef order_total(unit_price, quantity):\n    return round(unit_price * quantity * (1 - bulk_discount(quantity)), 2)\n\n\nif __name__ == "__main__":\n    print(order_total(2.0, 20))\n`;
  return {
    root,
    target: 'inventory/pricing.py',
    instruction: 'Fix the bulk discount: orders of 10 or more get 10% off',
    failingTest: 'tests.test_pricing.PricingTest.test_bulk_discount',
    regressionTest: 'tests.test_pricing.PricingTest.test_total_rounds_half_up',
    answers: {
      correct: fence('python', pricing('>='), 'The threshold should be inclusive: `>=` instead of `>`.'),
      standalone: fence('python', standalone, 'Here is a self-contained version with a small demo:'),
      wrong: fence(
        'python',
        pricing('>', 'round_cents(unit_price * quantity * (1 - bulk_discount(quantity + 1)))'),
        'Count the order as one more item:',
      ),
    },
  };
}

export function commonJsProject(root: string): CliProject {
  const cart = (cmp: string) =>
    `const { roundCents } = require('./money');\n\nfunction discount(quantity) {\n  return quantity ${cmp} 10 ? 0.1 : 0;\n}\n\nfunction total(price, quantity) {\n  return roundCents(price * quantity * (1 - discount(quantity)));\n}\n\nmodule.exports = { discount, total };\n`;
  write(root, {
    '.gitignore': 'node_modules/\n',
    'package.json': JSON.stringify(
      { name: 'cart', version: '1.0.0', scripts: { test: 'node --test test/' } },
      null,
      2,
    ),
    'src/money.js':
      'function roundCents(x) {\n  return Math.round((x + Number.EPSILON) * 100) / 100;\n}\n\nmodule.exports = { roundCents };\n',
    'src/cart.js': cart('>'),
    'test/cart.test.js': [
      "const { describe, it } = require('node:test');",
      "const assert = require('node:assert/strict');",
      "const { discount, total } = require('../src/cart');",
      '',
      "describe('discount', () => {",
      "  it('applies from 10 items', () => assert.equal(discount(10), 0.1));",
      "  it('not below 10', () => assert.equal(discount(9), 0));",
      '});',
      "describe('total', () => {",
      "  it('rounds to cents', () => assert.equal(total(1.005, 1), 1.01));",
      "  it('discounts big orders', () => assert.equal(total(2, 20), 36));",
      '});',
      '',
    ].join('\n'),
  });
  commit(root);
  const standalone = `function discount(quantity) {\n  return quantity >= 10 ? 0.1 : 0;\n}\n\nfunction total(price, quantity) {\n  return Math.round(price * quantity * (1 - discount(quantity)) * 100) / 100;\n}\n\nmodule.exports = { discount, total };\n\nconsole.log(total(2, 20));\n`;
  return {
    root,
    target: 'src/cart.js',
    instruction: 'Fix the discount: orders of 10 or more get 10% off',
    failingTest: 'discount > applies from 10 items',
    regressionTest: 'total > rounds to cents',
    answers: {
      correct: fence('javascript', cart('>='), 'Use `>=` so that exactly 10 items qualify.'),
      standalone: fence('javascript', standalone, 'A standalone version without the helper:'),
      wrong: fence(
        'javascript',
        cart('> 9 &&').replace('quantity > 9 && 10', 'quantity > 11'),
        'Shift the threshold:',
      ),
    },
  };
}
