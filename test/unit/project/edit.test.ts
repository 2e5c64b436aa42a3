import assert from 'node:assert/strict';
import { extract } from '../../../src/core/extract';
import { readEdit } from '../../../src/core/project/edit';
import type { EditTarget } from '../../../src/core/project/types';

const PRICING = [
  'from .money import round_cents',
  '',
  '',
  'def unit_price(item):',
  '    return round_cents(item["price"])',
  '',
  '',
  'def bulk_discount(quantity):',
  '    if quantity > 10:',
  '        return 0.1',
  '    return 0.0',
  '',
  '',
  'def total(item, quantity):',
  '    return round_cents(unit_price(item) * quantity * (1 - bulk_discount(quantity)))',
  '',
].join('\n');

const target: EditTarget = { path: 'inventory/pricing.py', text: PRICING };
const fixed = PRICING.replace('if quantity > 10:', 'if quantity >= 10:');
const answer = (body: string, tag = 'python'): string =>
  `Here is the fix: the threshold is inclusive.\n\n\`\`\`${tag}\n${body}\`\`\`\n`;
const read = (text: string, t: EditTarget = target) =>
  readEdit(extract(text, { requestLanguage: 'python' }), t);

describe('project edit: an answer read as an edit of one file', () => {
  it('takes a whole-file answer as the new text, with a diff recomputed from the two texts', () => {
    const edit = read(answer(fixed));
    assert.ok(edit.ok, JSON.stringify(edit));
    assert.equal(edit.form, 'wholeFile');
    assert.equal(edit.newText, fixed);
    assert.match(edit.diff, /^- {4}if quantity > 10:$/m);
    assert.match(edit.diff, /^\+ {4}if quantity >= 10:$/m);
    assert.match(edit.diff, /^--- a\/inventory\/pricing\.py/m);
  });

  it('replaces only the definition an answer gives when it holds just one function of the file', () => {
    const only = [
      'def bulk_discount(quantity):',
      '    if quantity >= 10:',
      '        return 0.1',
      '    return 0.0',
      '',
    ].join('\n');
    const edit = read(answer(only));
    assert.ok(edit.ok, JSON.stringify(edit));
    assert.equal(edit.form, 'range');
    assert.equal(edit.newText, fixed, 'the rest of the file, imports included, is kept');
  });

  it('applies a unified diff, exactly or ignoring whitespace, and names the hunk that does not apply', () => {
    const diff = [
      '--- a/inventory/pricing.py',
      '+++ b/inventory/pricing.py',
      '@@ -8,4 +8,4 @@',
      ' def bulk_discount(quantity):',
      '-    if quantity > 10:',
      '+    if quantity >= 10:',
      '         return 0.1',
      '     return 0.0',
      '',
    ].join('\n');
    const exact = read(answer(diff, 'diff'));
    assert.ok(exact.ok, JSON.stringify(exact));
    assert.equal(exact.form, 'unifiedDiff');
    assert.equal(exact.match, 'exact');
    assert.equal(exact.newText, fixed);
    const loose = read(
      answer(diff.replace(' def bulk_discount(quantity):', ' def bulk_discount(quantity):   '), 'diff'),
    );
    assert.ok(loose.ok, JSON.stringify(loose));
    assert.equal(loose.match, 'whitespace');
    const stale = read(answer(diff.replace(/bulk_discount/g, 'bulk_rebate'), 'diff'));
    assert.equal(stale.ok, false);
    assert.ok(!stale.ok && stale.reason === 'noMatch');
    assert.ok(!stale.ok && /line 8/.test(stale.detail), !stale.ok ? stale.detail : '');
  });

  it('replaces the selected range when the answer is the range, and the whole file when it is the whole file', () => {
    const ranged: EditTarget = { ...target, range: { startLine: 9, endLine: 9 } };
    const line = read(answer('    if quantity >= 10:\n'), ranged);
    assert.ok(line.ok, JSON.stringify(line));
    assert.equal(line.form, 'range');
    assert.equal(line.newText, fixed);
    const whole = read(answer(fixed), ranged);
    assert.ok(whole.ok);
    assert.equal(whole.form, 'wholeFile');
    assert.equal(whole.newText, fixed);
  });

  it('reads a rewrite of the whole file as the whole file even when a line is selected', () => {
    const ranged: EditTarget = { ...target, range: { startLine: 9, endLine: 9 } };
    const rewrite = [
      'def unit_price(item):',
      '    return round(item["price"], 2)',
      '',
      'def bulk_discount(quantity):',
      '    return 0.1 if quantity >= 10 else 0.0',
      '',
      'def total(item, quantity):',
      '    return round(unit_price(item) * quantity * (1 - bulk_discount(quantity)), 2)',
      '',
    ].join('\n');
    const edit = read(answer(rewrite), ranged);
    assert.ok(edit.ok, JSON.stringify(edit));
    assert.equal(edit.form, 'wholeFile');
    assert.equal(edit.newText, rewrite);
  });

  it('gives typed errors, never a crash: no code, no change, a diff of another file, a cut-off block', () => {
    const none = read('I would change the threshold.');
    assert.ok(!none.ok && none.reason === 'noCode');
    const same = read(answer(PRICING));
    assert.ok(!same.ok && same.reason === 'noChange');
    const other = read(
      answer(
        '--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x\n+y\n--- a/b.py\n+++ b/b.py\n@@ -1 +1 @@\n-x\n+y\n',
        'diff',
      ),
    );
    assert.ok(!other.ok && other.reason === 'outsideProject', JSON.stringify(other));
    const cut = read('```python\ndef bulk_discount(q):\n    return');
    assert.ok(!cut.ok && cut.reason === 'malformed');
  });

  it("keeps the file's CRLF line endings", () => {
    const crlf: EditTarget = { path: 'a.py', text: PRICING.replace(/\n/g, '\r\n') };
    const edit = read(answer(fixed), crlf);
    assert.ok(edit.ok);
    assert.equal(edit.newText, fixed.replace(/\n/g, '\r\n'));
  });
});
