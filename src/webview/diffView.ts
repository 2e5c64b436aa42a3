/**
 * Inline diffs of a candidate against the pick or the selection, with +/- gutters. The lines come
 * from the host (computed by the diff library in the core); the panel only draws them.
 */
import type { DiffBase, DiffLine } from '../protocol';
import { el } from './dom';
import type { ViewContext } from './viewContext';

export const DIFF_LINES_SHOWN = 200;

/** A two-option radio group choosing what every card diffs against. */
export function diffBaseToggle(base: DiffBase, ctx: ViewContext): HTMLElement {
  const option = (value: DiffBase, label: string): HTMLElement => {
    const input = el('input', {
      type: 'radio',
      name: 'diff-base',
      id: `diff-base-${value}`,
      value,
      checked: base === value,
    });
    input.addEventListener('change', () => {
      if (!input.checked) return;
      ctx.dispatch({ type: 'diffBase', base: value });
      ctx.post({ type: 'diff/setBase', base: value });
    });
    return el('span', { class: 'radio' }, [input, el('label', { for: `diff-base-${value}` }, [label])]);
  };
  return el('div', { class: 'diff-base', role: 'radiogroup', 'aria-label': 'Diff against' }, [
    el('span', { class: 'muted' }, ['Diff against']),
    option('pick', 'the pick'),
    option('selection', 'the selection'),
  ]);
}

/** Counts of added and removed lines, for the summary line. */
export function diffStats(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.kind === 'add') added += 1;
    else if (l.kind === 'del') removed += 1;
  }
  return { added, removed };
}

export function diffBlock(lines: readonly DiffLine[], base: DiffBase): HTMLElement {
  const shown = lines.slice(0, DIFF_LINES_SHOWN);
  const { added, removed } = diffStats(lines);
  const rows = shown.map((l) =>
    el('div', { class: `diff-line diff-${l.kind}` }, [
      el('span', { class: 'gutter', 'aria-hidden': 'true' }, [
        l.kind === 'add' ? '+' : l.kind === 'del' ? '-' : ' ',
      ]),
      // Screen readers hear the change kind; sighted users see the gutter and colour.
      l.kind === 'same'
        ? null
        : el('span', { class: 'sr-only' }, [l.kind === 'add' ? 'added: ' : 'removed: ']),
      el('span', { class: 'diff-text' }, [l.text]),
    ]),
  );
  return el('div', { class: 'diff', 'aria-label': `Diff against the ${base}` }, [
    el('div', { class: 'diff-summary muted' }, [
      el('span', { class: 'diff-added' }, [`+${added}`]),
      ' ',
      el('span', { class: 'diff-removed' }, [`-${removed}`]),
      ` against the ${base}`,
    ]),
    el('div', { class: 'diff-lines', role: 'group', tabindex: 0 }, rows),
    lines.length > shown.length
      ? el('div', { class: 'muted' }, [`… ${lines.length - shown.length} more lines`])
      : null,
  ]);
}
