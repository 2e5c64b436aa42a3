import assert from 'node:assert/strict';
import { diffLines, diffStats, unifiedDiff } from '../../src/core/diff';

const pick = [
  'def average(xs):',
  '    if not xs:',
  '        return 0.0',
  '    return sum(xs) / len(xs)',
  '',
  'print(average([1, 2, 3]))',
].join('\n');
const other = [
  'def average(xs):',
  '    return sum(xs) / len(xs)',
  '',
  'print(average([1, 2, 3]))',
  'print(average([]))',
].join('\n');

describe('diff: candidate against a base', () => {
  it('lists unchanged, removed and added lines in order', () => {
    assert.deepEqual(diffLines(pick, other), [
      { kind: 'same', text: 'def average(xs):' },
      { kind: 'del', text: '    if not xs:' },
      { kind: 'del', text: '        return 0.0' },
      { kind: 'same', text: '    return sum(xs) / len(xs)' },
      { kind: 'same', text: '' },
      { kind: 'same', text: 'print(average([1, 2, 3]))' },
      { kind: 'add', text: 'print(average([]))' },
    ]);
  });

  it('shows a changed line as one removal and one addition', () => {
    const lines = diffLines('a = 1\nb = 2\nc = 3', 'a = 1\nb = 20\nc = 3');
    assert.deepEqual(lines, [
      { kind: 'same', text: 'a = 1' },
      { kind: 'del', text: 'b = 2' },
      { kind: 'add', text: 'b = 20' },
      { kind: 'same', text: 'c = 3' },
    ]);
    assert.deepEqual(diffStats(lines), { added: 1, removed: 1 });
  });

  it('ignores CRLF line endings and a missing or doubled final newline', () => {
    const windows = pick.replace(/\n/g, '\r\n') + '\r\n\r\n';
    const lines = diffLines(windows, pick);
    assert.ok(lines.every((line) => line.kind === 'same'));
    assert.equal(lines.length, pick.split('\n').length);
    assert.ok(lines.every((line) => !line.text.includes('\r')));
  });

  it('keeps a real whitespace change visible', () => {
    const lines = diffLines('if x:\n    y()', 'if x:\n  y()');
    assert.deepEqual(diffStats(lines), { added: 1, removed: 1 });
  });

  it('diffs against an empty base as all additions and to empty as all removals', () => {
    assert.deepEqual(diffLines('', 'a\nb'), [
      { kind: 'add', text: 'a' },
      { kind: 'add', text: 'b' },
    ]);
    assert.deepEqual(diffStats(diffLines('a\nb\nc', '')), { added: 0, removed: 3 });
    assert.deepEqual(diffLines('', ''), []);
  });

  it('counts additions and removals over a whole diff', () => {
    assert.deepEqual(diffStats(diffLines(pick, other)), { added: 1, removed: 2 });
  });
});

describe('diff: unified text for reports', () => {
  it('prints labelled headers and a hunk with context', () => {
    const text = unifiedDiff(pick, other, { base: 'pick (groq-llama)', other: 'openai-mini' });
    assert.equal(
      text,
      [
        '--- pick (groq-llama)',
        '+++ openai-mini',
        '@@ -1,6 +1,5 @@',
        ' def average(xs):',
        '-    if not xs:',
        '-        return 0.0',
        '     return sum(xs) / len(xs)',
        ' ',
        ' print(average([1, 2, 3]))',
        '+print(average([]))',
        '',
      ].join('\n'),
    );
  });

  it('splits distant changes into separate hunks with the given context', () => {
    const base = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const changed = base.replace('line 2\n', 'line two\n').replace('line 19\n', 'line nineteen\n');
    const text = unifiedDiff(base, changed, { base: 'a', other: 'b' }, 1);
    assert.deepEqual(
      text.split('\n').filter((line) => line.startsWith('@@')),
      ['@@ -1,3 +1,3 @@', '@@ -18,3 +18,3 @@'],
    );
  });

  it('is empty when the texts differ only in line endings', () => {
    assert.equal(unifiedDiff('x = 1\r\n', 'x = 1', { base: 'a', other: 'b' }), '');
  });
});
