/**
 * Re-indents a code block for the place it is inserted: the block's own common indentation is removed,
 * its relative indentation is kept (in the editor's tabs-or-spaces style), and every line is moved to
 * the indentation of the target line. Pure: no `vscode`, tested directly.
 */

export interface IndentTarget {
  /** Full text of the line the edit starts on. */
  readonly lineText: string;
  /** Column (0-based) where the edit starts. */
  readonly column: number;
  readonly insertSpaces: boolean;
  readonly tabSize: number;
  /** The document's line ending. */
  readonly eol: '\n' | '\r\n';
}

function leadingWhitespace(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

function width(ws: string, tabSize: number): number {
  let w = 0;
  for (const ch of ws) w = ch === '\t' ? w + tabSize - (w % tabSize) : w + 1;
  return w;
}

function render(columns: number, target: IndentTarget): string {
  if (target.insertSpaces) return ' '.repeat(columns);
  return '\t'.repeat(Math.floor(columns / target.tabSize)) + ' '.repeat(columns % target.tabSize);
}

/** Returns `code` ready to be placed at `target.column` of `target.lineText`. */
export function adaptIndentation(code: string, target: IndentTarget): string {
  const lines = code.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  const nonBlank = lines.filter((l) => l.trim() !== '');
  const common = nonBlank.length
    ? Math.min(...nonBlank.map((l) => width(leadingWhitespace(l), target.tabSize)))
    : 0;
  const baseIndent = leadingWhitespace(target.lineText);
  const base = width(baseIndent, target.tabSize);
  const before = target.lineText.slice(0, target.column);
  // Inside the line's indentation the first line only needs what is missing up to the base; after
  // other text it continues that text as is.
  const firstPad = before.trim() === '' ? Math.max(0, base - width(before, target.tabSize)) : 0;

  const out = lines.map((line, index) => {
    if (line.trim() === '') return '';
    const relative = width(leadingWhitespace(line), target.tabSize) - common;
    const body = line.slice(leadingWhitespace(line).length);
    const pad = index === 0 ? firstPad + relative : base + relative;
    return render(pad, target) + body;
  });
  return out.join(target.eol);
}
