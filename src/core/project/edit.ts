/**
 * Reads a model's answer to an edit ask as an edit of one file, in the forms models really answer
 * with — the whole new file, just the replaced range (the selection, or one definition of the
 * file), or a unified diff — and normalises each to the file's whole new text plus a unified diff
 * recomputed from the two texts (the model's own diff is never trusted as the record). An answer
 * that does not apply is that candidate's typed error, never a crash. Pure: no file is touched.
 */
import { applyPatch, createTwoFilesPatch, parsePatch } from 'diff';
import type { CodeBlock, Extraction } from '../types';
import type { EditResult, EditTarget } from './types';

const DIFF_INFO = /^(diff|patch|udiff)\b/i;

/** Normalises one answer (already extracted) to the edited file's new text. */
export function readEdit(extraction: Extraction | undefined, target: EditTarget): EditResult {
  const blocks = extraction?.blocks.filter((b) => b.code.trim()) ?? [];
  if (blocks.length === 0) return fail('noCode', 'The answer holds no code block.');
  const diffBlock = blocks.find((b) => isDiff(b));
  if (diffBlock) return fromDiff(diffBlock.code, target);
  const block = pickBlock(blocks, extraction?.tests ?? null, target.path);
  if (block.unterminated) return fail('malformed', 'The code block is cut off (the answer ended inside it).');
  return fromCode(block.code, target);
}

function fromCode(code: string, target: EditTarget): EditResult {
  const old = target.text;
  const oldLines = splitLines(old);
  // The prompt marks a selected range with these lines; a model that echoes them did not mean them.
  const newLines = splitLines(code).filter((l) => !/^\s*<<< lines to change (start|end) >>>\s*$/.test(l));
  if (target.range && !looksLikeWholeFile(newLines, oldLines, target.range)) {
    const { startLine, endLine } = target.range;
    const text = joinLines(
      [...oldLines.slice(0, startLine - 1), ...newLines, ...oldLines.slice(endLine)],
      old,
    );
    return done('range', old, text, target.path);
  }
  if (!target.range) {
    const replaced = replaceDefinitions(oldLines, newLines);
    if (replaced) return done('range', old, joinLines(replaced, old), target.path);
  }
  return done('wholeFile', old, joinLines(newLines, old), target.path);
}

function fromDiff(patchText: string, target: EditTarget): EditResult {
  let patches;
  try {
    patches = parsePatch(patchText);
  } catch (error) {
    return fail(
      'malformed',
      `The diff does not parse: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const mine = patches.filter((p) => p.hunks.length > 0);
  if (mine.length === 0) return fail('malformed', 'The diff has no hunks.');
  const named = mine.filter((p) => targets(p.newFileName ?? p.oldFileName, target.path));
  if (mine.length > 1 && named.length === 0) {
    const files = mine.map((p) => strip(p.newFileName ?? p.oldFileName ?? '?')).join(', ');
    return fail('outsideProject', `The diff edits ${files}, not ${target.path}.`);
  }
  const patch = named[0] ?? mine[0];
  const exact = applyPatch(target.text, patch);
  if (exact !== false) return done('unifiedDiff', target.text, exact, target.path, 'exact');
  const loose = applyPatch(target.text, patch, {
    compareLine: (_n, line, _op, content) => line.trim() === content.trim(),
  });
  if (loose !== false) return done('unifiedDiff', target.text, loose, target.path, 'whitespace');
  const first = patch.hunks[0];
  const context = first?.lines.find((l) => l.startsWith(' ') || l.startsWith('-'))?.slice(1) ?? '';
  return fail(
    'noMatch',
    `The diff does not apply to ${target.path}: hunk at line ${first?.oldStart ?? '?'} (${JSON.stringify(context.trim()).slice(0, 80)}) matches no lines of the file.`,
  );
}

function done(
  form: 'wholeFile' | 'range' | 'unifiedDiff',
  old: string,
  text: string,
  path: string,
  match?: 'exact' | 'whitespace',
): EditResult {
  if (normalise(text) === normalise(old)) return fail('noChange', 'The answer leaves the file unchanged.');
  const diff = createTwoFilesPatch(`a/${path}`, `b/${path}`, old, text, undefined, undefined, { context: 3 });
  return { ok: true, form, newText: text, diff, ...(match ? { match } : {}) };
}

function fail(
  reason: 'malformed' | 'noMatch' | 'noChange' | 'outsideProject' | 'noCode',
  detail: string,
): EditResult {
  return { ok: false, reason, detail };
}

/** A fenced diff, or an unfenced-looking one (`--- a/x` + `+++ b/x` + `@@`). */
function isDiff(block: CodeBlock): boolean {
  if (DIFF_INFO.test(block.info.trim())) return true;
  return /^--- .+\n\+\+\+ .+\n@@ /m.test(block.code) || /^@@ -\d+(,\d+)? \+\d+(,\d+)? @@/m.test(block.code);
}

/** The block named like the file, else the main program, else the longest non-test block. */
function pickBlock(blocks: readonly CodeBlock[], tests: CodeBlock | null, path: string): CodeBlock {
  const byName = blocks.find((b) => b.filename && targets(b.filename, path));
  if (byName) return byName;
  const candidates = blocks.filter((b) => b !== tests);
  const pool = candidates.length ? candidates : blocks;
  return pool.reduce((a, b) => (b.code.length > a.code.length ? b : a));
}

function targets(name: string | undefined, path: string): boolean {
  if (!name) return false;
  const n = strip(name);
  return n === path || path.endsWith(`/${n}`) || n.endsWith(`/${path}`);
}

function strip(name: string): string {
  return name
    .replace(/^[ab]\//, '')
    .replace(/\t.*$/, '')
    .trim();
}

/**
 * With a selected range, an answer holding the lines around the range too (most of the file) is
 * the whole file, not the range's new text.
 */
function looksLikeWholeFile(
  newLines: readonly string[],
  oldLines: readonly string[],
  range: { startLine: number; endLine: number },
): boolean {
  const outside = [...oldLines.slice(0, range.startLine - 1), ...oldLines.slice(range.endLine)].filter((l) =>
    l.trim(),
  );
  if (outside.length === 0) return false;
  const have = new Set(newLines.map((l) => l.trim()));
  if (outside.filter((l) => have.has(l.trim())).length / outside.length >= 0.6) return true;
  // A rewrite of the file that changed most lines still defines most of the file's own names.
  const oldNames = new Set(definitions(oldLines).map((d) => d.name));
  const newNames = definitions(newLines)
    .map((d) => d.name)
    .filter((n) => oldNames.has(n));
  return oldNames.size >= 2 && new Set(newNames).size / oldNames.size >= 0.5;
}

/**
 * An answer that holds only some of the file's top-level definitions (a function, a class) and
 * none of the rest: each replaces the definition of the same name. Undefined when the answer is not
 * of that shape (then it is the whole file).
 */
function replaceDefinitions(oldLines: readonly string[], newLines: readonly string[]): string[] | undefined {
  const oldDefs = definitions(oldLines);
  const newDefs = definitions(newLines);
  if (newDefs.length === 0 || oldDefs.length < 2) return undefined;
  if (!newDefs.every((d) => oldDefs.some((o) => o.name === d.name))) return undefined;
  if (newDefs.length >= oldDefs.length) return undefined;
  // The answer must be only definitions (plus blank lines and comments), no imports of its own.
  const covered = new Set<number>();
  for (const d of newDefs) for (let i = d.start; i < d.end; i++) covered.add(i);
  const stray = newLines.filter((l, i) => !covered.has(i) && l.trim() && !/^\s*(#|\/\/)/.test(l));
  if (stray.length > 0) return undefined;
  let out = [...oldLines];
  for (const d of [...newDefs].reverse()) {
    const o = definitions(out).find((x) => x.name === d.name);
    if (!o) return undefined;
    out = [...out.slice(0, o.start), ...newLines.slice(d.start, d.end), ...out.slice(o.end)];
  }
  return out;
}

interface Definition {
  readonly name: string;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

const DEF_START =
  /^(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:def|class|function\*?|func|fn|pub\s+fn|const|let)\s+(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)/;

/** Top-level definitions: from their first line (decorators included) to the next top-level line. */
function definitions(lines: readonly string[]): Definition[] {
  const out: Definition[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = DEF_START.exec(lines[i] ?? '');
    if (!m?.[1]) continue;
    let start = i;
    while (start > 0 && /^@/.test(lines[start - 1] ?? '')) start--;
    let end = i + 1;
    const braces = /[{(]\s*$/.test(lines[i] ?? '') || (lines[i] ?? '').includes('{');
    while (end < lines.length) {
      const line = lines[end] ?? '';
      if (braces) {
        if (/^[}\]]/.test(line)) {
          end++;
          break;
        }
      } else if (line.trim() && !/^\s/.test(line) && !/^[)\]}]/.test(line)) break;
      end++;
    }
    while (!braces && end > i + 1 && !(lines[end - 1] ?? '').trim()) end--;
    out.push({ name: m[1], start, end });
    i = end - 1;
  }
  return out;
}

function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Joins lines with the original file's line ending and final newline. */
function joinLines(lines: readonly string[], original: string): string {
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  const final = original === '' || /\r?\n$/.test(original) ? eol : '';
  return lines.join(eol) + final;
}

function normalise(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
}
