// Runs inside the real extension host, with real Docker: an edit ask from the "Quorum: Fix with
// Models" Quick Fix on a diagnostic in a small Python package of the workspace (relative import,
// unittest, one failing test at baseline). Three loopback models answer through the OpenAI SDK: the
// project-correct fix, a standalone rewrite that breaks a passing project test, a wrong fix. The
// record names what each fixes and breaks; Apply… previews the pick's whole new file, Accept writes
// exactly it, and nothing else in the workspace changes (no __pycache__, no report files).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { startReplayServer } from '../../../src/demo/replayServer';
import type { ReplayServer } from '../../../src/demo/replayServer';
import type { RunRecord } from '../../../src/core/types';
import { OFFLINE_IMAGES, closeAllEditors, quorumApi, setQuorumSettings, until } from './quorumApi';
import { treeHash } from '../../treeHash';

const TARGET = 'inventory/pricing.py';
const FAILING = 'tests.test_pricing.PricingTest.test_bulk_discount';
const REGRESSED = 'tests.test_pricing.PricingTest.test_total_rounds_half_up';

const pricing = (cmp: string, discountOf = 'quantity'): string =>
  [
    'from .money import round_cents',
    '',
    '',
    'def bulk_discount(quantity):',
    '    """Orders of 10 or more get 10% off."""',
    `    if quantity ${cmp} 10:`,
    '        return 0.1',
    '    return 0.0',
    '',
    '',
    'def order_total(unit_price, quantity):',
    `    return round_cents(unit_price * quantity * (1 - bulk_discount(${discountOf})))`,
    '',
  ].join('\n');

const PROJECT: Record<string, string> = {
  'pyproject.toml': '[project]\nname = "inventory"\nversion = "0.1.0"\n',
  'inventory/__init__.py': '',
  'inventory/money.py':
    'from decimal import ROUND_HALF_UP, Decimal\n\n\ndef round_cents(amount):\n    """Rounds half up to whole cents."""\n    return float(Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))\n',
  [TARGET]: pricing('>'),
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
  ].join('\n'),
};

const fence = (before: string, code: string): string => `${before}\n\n\`\`\`python\n${code}\`\`\`\n`;
/** A self-contained rewrite: its own rounding (round() is not half-up), no project import, a demo. */
const STANDALONE = [
  'def bulk_discount(quantity):',
  '    """Orders of 10 or more get 10% off."""',
  '    if quantity >= 10:',
  '        return 0.1',
  '    return 0.0',
  '',
  '',
  'def order_total(unit_price, quantity):',
  '    return round(unit_price * quantity * (1 - bulk_discount(quantity)), 2)',
  '',
  '',
  'if __name__ == "__main__":',
  '    print(order_total(2.0, 20))',
  '',
].join('\n');
const ANSWERS: Record<string, string> = {
  correct: fence('The threshold is inclusive: use `>=`.', pricing('>=')),
  standalone: fence('Here is a self-contained version with a small demo:', STANDALONE),
  wrong: fence('Count the order as one more item:', pricing('>', 'quantity + 1')),
};
const MODELS = Object.keys(ANSWERS);

function diffTabs(): vscode.TabInputTextDiff[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .map((t) => t.input)
    .filter((i): i is vscode.TabInputTextDiff => i instanceof vscode.TabInputTextDiff);
}

describe('an edit ask from the Quick Fix through the preview to Apply (real Docker)', function () {
  this.timeout(300_000);
  let server: ReplayServer;
  let root: string;
  let diagnostics: vscode.DiagnosticCollection;

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the integration run opens a workspace folder');
    // Inside the workspace folder, so the editor's file is an edit ask; removed again in after().
    root = mkdtempSync(join(folder, 'edit-ask-'));
    for (const [path, text] of Object.entries(PROJECT)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    server = await startReplayServer({
      chunkDelayMs: 0,
      ttftMs: 0,
      models: MODELS,
      answers: (model) => (ANSWERS[model] ? { text: ANSWERS[model] } : undefined),
    });
    await setQuorumSettings({
      models: MODELS.map((id) => ({
        id,
        kind: 'openai-compatible',
        model: id,
        baseUrl: `${server.url}/v1`,
      })),
      'sandbox.enabled': true,
      'sandbox.images': OFFLINE_IMAGES,
      'sandbox.pull': false,
      'project.enabled': true,
    });
    const api = await quorumApi();
    await until(() => api.models().length === MODELS.length && api.executionAllowed(), 5000, 'the settings');
    diagnostics = vscode.languages.createDiagnosticCollection('quorum-it-edit');
  });

  after(async () => {
    diagnostics?.dispose();
    await vscode.commands.executeCommand('quorum.rejectApply');
    await closeAllEditors();
    await setQuorumSettings({
      models: undefined,
      'sandbox.enabled': undefined,
      'sandbox.images': undefined,
      'sandbox.pull': undefined,
      'project.enabled': undefined,
    });
    await server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('picks the project-correct fix on the project tests, and Apply writes exactly its new file', async () => {
    const file = vscode.Uri.file(join(root, TARGET));
    const before = treeHash(root);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file), {
      preview: false,
    });

    // The Quick Fix, as the lightbulb offers it on a diagnostic of the file.
    const range = new vscode.Range(5, 4, 5, 21);
    const problem = new vscode.Diagnostic(
      range,
      'test_bulk_discount fails: an order of exactly 10 gets no discount',
      vscode.DiagnosticSeverity.Error,
    );
    problem.source = 'it-tests';
    diagnostics.set(file, [problem]);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      file,
      range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title === 'Quorum: Fix with Models');
    assert.ok(fix?.command, `the Quick Fix is offered (got: ${actions.map((a) => a.title).join(', ')})`);
    const record = await vscode.commands.executeCommand<RunRecord | undefined>(
      fix.command.command,
      ...((fix.command.arguments ?? []) as unknown[]),
    );
    assert.ok(record, 'the Quick Fix ran an ask');

    // An edit ask of the file, graded on the project's own tests against the baseline.
    assert.equal(record.request.intent, 'fix');
    assert.equal(record.request.edit?.path, TARGET, 'an edit ask of the file');
    assert.equal(record.project?.baseline?.state, 'ok', JSON.stringify(record.project));
    assert.equal(record.project?.baseline?.tests[FAILING], 'failed');
    assert.equal(record.project?.baseline?.tests[REGRESSED], 'passed');
    const by = new Map(record.candidates.map((c) => [c.id, c.project]));
    assert.deepEqual(by.get('correct')?.fixedIds, [FAILING], JSON.stringify(by.get('correct')));
    assert.deepEqual(by.get('correct')?.regressedIds, []);
    assert.deepEqual(
      by.get('standalone')?.regressedIds,
      [REGRESSED],
      JSON.stringify(by.get('standalone')?.outcomes),
    );
    assert.deepEqual(by.get('wrong')?.fixedIds, []);
    assert.equal(record.verdict?.pick, 'correct', record.verdict?.reasons.join('\n'));
    assert.equal(record.verdict?.strategy, 'project-tests');
    const pick = by.get('correct')?.edit;
    assert.ok(pick?.ok, 'the pick is an edit that applies');
    assert.equal(editor.document.getText(), PROJECT[TARGET], 'the ask wrote nothing into the editor');
    assert.deepEqual(treeHash(root), before, 'the ask wrote nothing into the workspace');

    // Apply… previews the whole new file against the file; Accept writes exactly it.
    const preview = await vscode.commands.executeCommand<vscode.Uri>('quorum.applyCandidate', 'correct');
    assert.ok(preview, 'Apply… returns the preview URI');
    await until(
      () => diffTabs().some((t) => t.modified.toString() === preview.toString()),
      5000,
      'the preview diff',
    );
    const tab = diffTabs().find((t) => t.modified.toString() === preview.toString());
    assert.equal(tab?.original.toString(), file.toString(), 'left: the file as it is');
    assert.equal((await vscode.workspace.openTextDocument(preview)).getText(), pick.newText);
    assert.equal(editor.document.getText(), PROJECT[TARGET], 'nothing is written before Accept');
    assert.equal(await vscode.commands.executeCommand('quorum.acceptApply'), 'applied');
    assert.equal(editor.document.getText(), pick.newText);
    assert.equal(pick.newText, pricing('>='));
    assert.ok(await editor.document.save(), 'the applied file saves');

    const after = treeHash(root);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (p) => before.get(p) !== after.get(p),
    );
    assert.deepEqual(changed, [TARGET], 'only the applied file changed (no __pycache__, no reports)');
    assert.equal(readFileSync(file.fsPath, 'utf8'), pick.newText);
  });
});
