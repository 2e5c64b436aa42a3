/**
 * The full candidate x test-case matrix in an editor tab, where there is room for every column (the
 * sidebar shows the scoreboard). A static page: no script, a CSP that allows only its own style,
 * theme colours only, every cell a word as well as a colour, failing cells first in each row's order.
 */
import * as vscode from 'vscode';
import type { CellResult, RunRecord, Verdict } from '../core/types';

let open: vscode.WebviewPanel | undefined;

const CELL_TEXT: Readonly<Record<CellResult, string>> = {
  pass: '✓ pass',
  fail: '✗ fail',
  error: '! error',
  timeout: '⏱ timeout',
};

export function openMatrixEditor(record: RunRecord, verdict: Verdict): vscode.WebviewPanel {
  const panel =
    open ??
    vscode.window.createWebviewPanel('quorum.matrix', 'Quorum: test matrix', vscode.ViewColumn.Active, {
      enableScripts: false,
    });
  open = panel;
  panel.onDidDispose(() => {
    if (open === panel) open = undefined;
  });
  panel.title = `Quorum: test matrix (${record.askId})`;
  panel.webview.html = matrixHtml(record, verdict);
  panel.reveal();
  return panel;
}

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page; exported for tests. */
export function matrixHtml(record: RunRecord, verdict: Verdict): string {
  const matrix = verdict.matrix ?? { cases: [], cells: {} };
  const name = (id: string): string => record.candidates.find((c) => c.id === id)?.model.id ?? id;
  const ranked = verdict.ranking.map((r) => r.id).filter((id) => matrix.cells[id]);
  // Cases some candidate fails come first: those are the columns that tell candidates apart.
  const failing = (caseId: string): number =>
    ranked.filter((id) => matrix.cells[id]?.[caseId] !== 'pass').length;
  const cases = [...matrix.cases].sort((a, b) => failing(b.id) - failing(a.id));
  const head = cases
    .map(
      (c, i) =>
        `<th scope="col" title="${escape(c.code)}">${c.trusted ? 'E' : 'T'}${i + 1}<code>${escape(c.code)}</code></th>`,
    )
    .join('');
  const rows = ranked
    .map((id) => {
      const cells = cases
        .map((c) => {
          const r = matrix.cells[id]?.[c.id];
          return `<td class="${r ?? 'none'}">${r ? CELL_TEXT[r] : '—'}</td>`;
        })
        .join('');
      const pick = id === verdict.pick ? ' <strong>(pick)</strong>' : '';
      return `<tr><th scope="row">${escape(name(id))}${pick}</th>${cells}</tr>`;
    })
    .join('');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); padding: 1em; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, currentColor)); padding: 4px 8px; text-align: left; vertical-align: top; }
th code { display: block; font-family: var(--vscode-editor-font-family); font-size: 0.85em; font-weight: normal; white-space: pre-wrap; max-width: 24em; }
td.pass { color: var(--vscode-foreground); }
td.fail, td.error, td.timeout { color: var(--vscode-errorForeground); font-weight: 600; }
</style></head><body>
<h1>Test matrix</h1>
<p>${escape(record.request.instruction)}</p>
<p>Rows: candidates by rank. Columns: each test case the models wrote (T) and your examples (E), the ones that tell candidates apart first.</p>
<table><thead><tr><th scope="col">Candidate</th>${head}</tr></thead><tbody>${rows}</tbody></table>
</body></html>`;
}
