/**
 * What an ask sends from the editor, decided before it is sent: the selection (or whole file) unless
 * the file matches a `quorum.contextExclude` glob, in which case only the instruction goes out.
 * The panel shows the result (file name, size) beside the spend line.
 */
import { minimatch } from 'minimatch';
import type { SentContext } from '../core/spend';
import type { SelectionContext } from '../protocol';
import type { HostServices } from './services';

/** The first glob that matches the workspace-relative path, in any case (`.ENV`, `Secrets.json`); globs without `/` match the base name. */
export function excludingGlob(globs: readonly string[], file: string | undefined): string | undefined {
  if (!file) return undefined;
  const path = file.replace(/\\/g, '/');
  return globs.find((glob) =>
    minimatch(path, glob, { dot: true, nocase: true, matchBase: !glob.includes('/') }),
  );
}

/** The selection as it will be sent: its text removed when the file is excluded. */
export function sendableSelection(s: HostServices): SelectionContext | undefined {
  const selection = s.tracker.selection;
  if (!selection || !excludingGlob(s.settings.contextExclude, selection.file)) return selection;
  return { ...selection, text: '' };
}

/** Lines as an editor counts them: a final newline does not start another line. */
function lineCount(text: string): number {
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

export function sentContextOf(s: HostServices): SentContext | undefined {
  const selection = s.tracker.selection;
  if (!selection?.text) return undefined;
  const excludedBy = excludingGlob(s.settings.contextExclude, selection.file);
  return {
    file: selection.file,
    chars: excludedBy ? 0 : selection.text.length,
    lines: excludedBy ? 0 : lineCount(selection.text),
    wholeFile: selection.wholeFile,
    excludedBy,
  };
}
