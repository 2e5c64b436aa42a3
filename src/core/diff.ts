/**
 * Candidate diffs: each candidate against the pick or the user's selection, as lines for the
 * panel and as a unified diff for the CLI's markdown report. The `diff` package (Myers) does
 * the work; this module only normalises the inputs so that noise never shows as a change.
 */
import { createTwoFilesPatch, diffLines as diffLineChanges, FILE_HEADERS_ONLY } from 'diff';

/** One line of a candidate's diff, as the panel shows it (src/protocol.ts re-exports it). */
export interface DiffLine {
  readonly kind: 'add' | 'del' | 'same';
  readonly text: string;
}

export interface DiffStats {
  readonly added: number;
  readonly removed: number;
}

/**
 * CRLF from a Windows editor and a missing or doubled final newline from a model are not
 * changes a reviewer cares about; they would otherwise mark the last line as rewritten.
 */
function normalise(text: string): string {
  const unix = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  return unix === '' ? '' : `${unix}\n`;
}

/** Line by line diff of `other` against `base`, in order: unchanged, removed and added lines. */
export function diffLines(base: string, other: string): DiffLine[] {
  const lines: DiffLine[] = [];
  for (const change of diffLineChanges(normalise(base), normalise(other))) {
    const kind = change.added ? 'add' : change.removed ? 'del' : 'same';
    for (const text of change.value.replace(/\n$/, '').split('\n')) lines.push({ kind, text });
  }
  return lines;
}

/** How many lines a diff adds and removes (a changed line counts once each way). */
export function diffStats(lines: readonly DiffLine[]): DiffStats {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.kind === 'add') added++;
    else if (line.kind === 'del') removed++;
  }
  return { added, removed };
}

export interface DiffLabels {
  /** Shown on the `---` line, e.g. `pick (groq-llama)`. */
  readonly base: string;
  /** Shown on the `+++` line, e.g. `openai-mini`. */
  readonly other: string;
}

/**
 * A unified diff (`---`/`+++` headers, `@@` hunks, 3 lines of context) for a ```diff block in a
 * markdown report. Empty string when the two texts are the same after normalisation.
 */
export function unifiedDiff(base: string, other: string, labels: DiffLabels, context = 3): string {
  const a = normalise(base);
  const b = normalise(other);
  if (a === b) return '';
  return createTwoFilesPatch(labels.base, labels.other, a, b, undefined, undefined, {
    context,
    headerOptions: FILE_HEADERS_ONLY,
  });
}
