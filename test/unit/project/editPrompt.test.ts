import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildMessages } from '../../../src/core/prompt';
import { importedModules, resolveImports } from '../../../src/core/project/importContext';
import type { AskRequest } from '../../../src/core/types';

describe('edit prompt: the file, its project, and what it uses from the project', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'quorum-prompt-'));
    const files: Record<string, string> = {
      'inventory/__init__.py': '',
      'inventory/money.py':
        'def round_cents(amount):\n    """Rounds half up to whole cents."""\n    return amount\n\n\ndef _private():\n    pass\n',
      'inventory/pricing.py':
        'from .money import round_cents\n\n\ndef total(x):\n    return round_cents(x)\n',
      'src/money.js':
        '// Rounds to cents.\nfunction round(x) {\n  return x;\n}\nmodule.exports = { round };\n',
      'src/cart.js': "const { round } = require('./money');\n",
      'src/util.ts': 'export function clamp(x: number): number {\n  return x;\n}\n',
      'src/main.ts': "import { clamp } from './util.js';\n",
    };
    for (const [p, t] of Object.entries(files)) {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), t);
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const all = new Set([
    'inventory/__init__.py',
    'inventory/money.py',
    'inventory/pricing.py',
    'src/money.js',
    'src/cart.js',
    'src/util.ts',
    'src/main.ts',
  ]);

  it('resolves relative Python imports, CommonJS requires and ESM .js specifiers of TypeScript to project files', () => {
    assert.deepEqual(
      resolveImports('inventory/pricing.py', 'from .money import round_cents\n', 'python', all),
      ['inventory/money.py'],
    );
    assert.deepEqual(resolveImports('src/cart.js', "const m = require('./money');", 'javascript', all), [
      'src/money.js',
    ]);
    assert.deepEqual(resolveImports('src/main.ts', "import { clamp } from './util.js';", 'typescript', all), [
      'src/util.ts',
    ]);
    assert.deepEqual(resolveImports('src/cart.js', "require('./absent')", 'javascript', all), []);
  });

  it('names the path, language, test framework and the imported signatures; asks for no demo block', () => {
    const text = 'from .money import round_cents\n\n\ndef total(x):\n    return round_cents(x)\n';
    const imports = importedModules(root, 'inventory/pricing.py', text, 'python', all);
    assert.deepEqual(imports, [
      {
        path: 'inventory/money.py',
        signatures: ['def round_cents(amount):  # Rounds half up to whole cents.', 'def _private():'],
      },
    ]);
    const request: AskRequest = {
      instruction: 'orders of 10 or more get 10% off',
      intent: 'fix',
      context: text,
      contextFile: 'inventory/pricing.py',
      language: 'python',
      edit: { root, path: 'inventory/pricing.py', language: 'python', testFramework: 'unittest', imports },
    };
    const [system, user] = buildMessages(request, 'python');
    assert.match(system?.content ?? '', /whole new content of `inventory\/pricing\.py`/);
    assert.match(system?.content ?? '', /no demonstration or main block/);
    assert.doesNotMatch(system?.content ?? '', /standard library|read no files/);
    assert.match(user?.content ?? '', /Project: Python, tested with unittest\./);
    assert.match(user?.content ?? '', /inventory\/money\.py:\n {2}def round_cents\(amount\):/);
    assert.match(
      user?.content ?? '',
      /File inventory\/pricing\.py:\n```+python\nfrom \.money import round_cents/,
    );
  });

  it('marks a selected range and says only it is to change', () => {
    const request: AskRequest = {
      instruction: 'fix',
      intent: 'fix',
      context: 'a = 1\nb = 2\nc = 3\n',
      language: 'python',
      edit: { root, path: 'x.py', language: 'python', range: { startLine: 2, endLine: 2 } },
    };
    const [system, user] = buildMessages(request, 'python');
    assert.match(system?.content ?? '', /Only lines 2-2/);
    assert.match(
      user?.content ?? '',
      /a = 1\n<<< lines to change start >>>\nb = 2\n<<< lines to change end >>>\nc = 3/,
    );
  });
});
