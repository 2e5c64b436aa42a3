/**
 * The measured facts of one candidate: its sandbox run, its row of the test matrix, and its
 * latency, tokens, cost and score.
 */
import { textBlock } from './codeView';
import type { CellResult, RunResult, Verdict } from './domainTypes';
import { el, icon } from './dom';
import type { CandidateView } from './viewModel';

/** Codicons, not Unicode symbols: the editor font may lack ⏱-style glyphs. */
const CELL_ICON: Readonly<Record<CellResult, string>> = {
  pass: 'check',
  fail: 'close',
  error: 'error',
  timeout: 'watch',
};

export function runDetails(
  run: RunResult,
  expanded: ReadonlySet<string>,
  expand: (what: string) => () => void,
): HTMLElement[] {
  const facts = el('dl', { class: 'facts' }, [
    ...fact('Exit code', run.exitCode === null ? 'none (killed)' : String(run.exitCode)),
    ...fact('Time', formatMs(run.durationMs)),
    ...fact('Limits hit', run.limitsHit.length ? run.limitsHit.join(', ') : 'none'),
    ...fact('Image', run.image),
  ]);
  return [
    facts,
    run.stdout ? el('div', { class: 'stream-label' }, ['stdout']) : null,
    run.stdout ? textBlock(run.stdout, 'Standard output', expanded.has('stdout'), expand('stdout')) : null,
    run.stderr ? el('div', { class: 'stream-label' }, ['stderr']) : null,
    run.stderr
      ? textBlock(run.stderr, 'Standard error', expanded.has('stderr'), expand('stderr'), 'output stderr')
      : null,
    !run.stdout && !run.stderr ? el('div', { class: 'muted' }, ['No output.']) : null,
  ].filter((x): x is HTMLElement => x !== null);
}

/** This candidate's pass/fail cells across every test case, or nothing before the verdict. */
export function matrixRow(id: string, verdict: Verdict | undefined): HTMLElement | null {
  const matrix = verdict?.matrix;
  const row = matrix?.cells[id];
  if (!matrix || !row || matrix.cases.length === 0) return null;
  const cells = matrix.cases.map((tc) => {
    const result = row[tc.id];
    const label = `${tc.id}: ${result ?? 'not run'}`;
    return el(
      'span',
      { class: `cell cell-${result ?? 'none'}`, title: label, role: 'img', 'aria-label': label },
      [result ? icon(CELL_ICON[result]) : '·'],
    );
  });
  const passed = matrix.cases.filter((tc) => row[tc.id] === 'pass').length;
  return el('div', { class: 'matrix-row' }, [
    el('span', { class: 'muted' }, [`Tests ${passed}/${matrix.cases.length}`]),
    el('span', { class: 'cells' }, cells),
  ]);
}

export function metricsList(c: CandidateView, verdict: Verdict | undefined): HTMLElement {
  const rank = verdict?.ranking.find((r) => r.id === c.id);
  const items: [string, string][] = [];
  if (c.timing?.ttftMs !== undefined) items.push(['TTFT', formatMs(c.timing.ttftMs)]);
  if (c.timing) items.push(['Total', formatMs(c.timing.latencyMs)]);
  if (c.usage)
    items.push(['Tokens', `${c.usage.inputTokens ?? '?'} in / ${c.usage.outputTokens ?? '?'} out`]);
  if (c.costUsd !== undefined) items.push(['Cost', `$${c.costUsd.toFixed(c.costUsd < 0.01 ? 5 : 3)}`]);
  if (rank) items.push(['Score', rank.score.toFixed(2)]);
  return el(
    'dl',
    { class: 'metrics' },
    items.flatMap(([k, v]) => fact(k, v)),
  );
}

function fact(term: string, value: string): HTMLElement[] {
  return [el('dt', {}, [term]), el('dd', {}, [value])];
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
