// Pure (no `vscode`): also runs with plain mocha, see the report.
import { strict as assert } from 'node:assert';
import { adaptIndentation } from '../../../src/host/indentation';
import type { IndentTarget } from '../../../src/host/indentation';

const spaces = (lineText: string, column: number): IndentTarget => ({
  lineText,
  column,
  insertSpaces: true,
  tabSize: 4,
  eol: '\n',
});

describe('indentation of inserted code', () => {
  it('moves every line after the first to the indentation of the cursor line', () => {
    const out = adaptIndentation('def m(self):\n    return 1\n', spaces('    ', 4));
    assert.equal(out, 'def m(self):\n        return 1');
  });

  it("strips the block's own common indentation and keeps the relative one", () => {
    const code = '        if x:\n            y()\n        z()';
    assert.equal(adaptIndentation(code, spaces('', 0)), 'if x:\n    y()\nz()');
  });

  it('indents the first line too when the edit starts at column 0 of an indented line', () => {
    assert.equal(adaptIndentation('y = 2\nreturn y', spaces('    x = 1', 0)), '    y = 2\n    return y');
  });

  it('does not indent the first line when it continues text on the line', () => {
    assert.equal(adaptIndentation('foo(\n  1)', spaces('    x = ', 8)), 'foo(\n      1)');
  });

  it('uses tabs when the editor does, and the document line ending', () => {
    const target: IndentTarget = { lineText: '\t', column: 1, insertSpaces: false, tabSize: 4, eol: '\r\n' };
    assert.equal(adaptIndentation('if a:\n    b()', target), 'if a:\r\n\t\tb()');
  });

  it('leaves blank lines empty instead of padding them with spaces', () => {
    assert.equal(adaptIndentation('a()\n\nb()', spaces('  ', 2)), 'a()\n\n  b()');
  });
});
