/** Renders a finished ask for a terminal or as a pull-request comment. Pure functions of the record. */
import { askCostUsd } from '../core/cost';
import { unifiedDiff } from '../core/diff';
import { runSummary } from '../core/runSummary';
import { fenceFor, visibleControls, withinDetails } from '../core/terminalText';
import type { CandidateRecord, RunRecord, RunResult } from '../core/types';
import { renderProjectMarkdown, renderProjectText } from './projectReport';
import { strategyLine } from '../core/strategy/override';

export const DEMO_NOTICE = 'DEMO: recorded answers replayed from a local server, not live models.';

function ms(value: number | undefined): string {
  if (value === undefined) return '-';
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

function runLine(run: RunResult | undefined): string {
  return run ? runSummary(run) : 'not run';
}

export function candidateSummary(c: CandidateRecord): string {
  if (c.status !== 'done') return c.error ? `${c.status}: ${c.error.message}` : c.status;
  const parts = [
    c.incomplete ? 'incomplete' : 'done',
    `ttft ${ms(c.timing?.ttftMs)}`,
    `total ${ms(c.timing?.latencyMs)}`,
  ];
  if (c.usage) parts.push(`${c.usage.inputTokens ?? '?'}→${c.usage.outputTokens ?? '?'} tok`);
  if (c.costUsd !== undefined) parts.push(`$${c.costUsd.toFixed(4)}`);
  return parts.join(' · ');
}

function indent(text: string, pad = '    '): string {
  return text
    .replace(/\s+$/, '')
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

export function renderText(record: RunRecord): string {
  const out: string[] = [];
  if (record.demo) out.push(`*** ${DEMO_NOTICE} ***`, '');
  if (record.project) out.push(renderProjectText(record));
  for (const c of record.candidates) {
    const pick = record.verdict?.pick === c.id ? '  ★ pick' : '';
    out.push(
      `${c.status === 'done' ? '●' : '✗'} ${c.id} (${c.model.kind} ${c.model.model}): ${candidateSummary(c)}${pick}`,
    );
    if (c.error) out.push(`    ${c.error.advice}`);
    const main = c.extraction?.main;
    if (main && record.project) {
      out.push(`  code (${main.language ?? 'unknown'}):`, indent(main.code));
    } else if (main) {
      out.push(`  run: ${c.runError ? `${c.runError.message} — ${c.runError.advice}` : runLine(c.run)}`);
      out.push(`  code (${main.language ?? 'unknown'}):`, indent(main.code));
      if (c.run?.stdout) out.push('  stdout:', indent(c.run.stdout.slice(0, 2000)));
      if (c.run?.stderr) out.push('  stderr:', indent(c.run.stderr.slice(0, 2000)));
    } else if (c.status === 'done') {
      out.push('  no code in the answer');
    }
    out.push('');
  }
  const v = record.verdict;
  if (v) {
    const label = v.unverified ? ' — UNVERIFIED: nothing ran successfully' : '';
    out.push(
      `Verdict: ${v.pick ?? 'no pick'} (${v.strategy}, confidence ${v.confidence.toFixed(2)})${label}`,
    );
    for (const r of v.reasons) out.push(`  - ${r}`);
  } else if (record.judgeError) {
    out.push(`Verdict: none. ${record.judgeError.message} ${record.judgeError.advice}`);
  } else {
    out.push('Verdict: none (nothing was executed)');
  }
  if (record.strategy) out.push(`Strategy: ${strategyLine(record.strategy)}`);
  const written = testWritingLine(record);
  if (written) out.push(written);
  const cost = record.testWriting ? askCostUsd(record) : undefined;
  if (cost !== undefined)
    out.push(`Cost of this ask: $${cost.toFixed(4)} (the answers and the test writing)`);
  // Model text must not drive the terminal (L7): escapes are shown, not obeyed.
  return visibleControls(out.join('\n') + '\n');
}

/** The judge's test-writing request, in words: who, how many asserts, its cost or why it failed. */
export function testWritingLine(record: RunRecord): string | undefined {
  const w = record.testWriting;
  if (!w) return undefined;
  if (w.error) return `Tests written by ${w.modelId}: none (${w.error}); judged without them`;
  const cost = w.costUsd === undefined ? '' : `, $${w.costUsd.toFixed(4)}`;
  return `Tests written by ${w.modelId}: ${w.asserts} assert(s) for the judge (no test came with the answers${cost})`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A report fit for a pull-request comment. */
export function renderMarkdown(record: RunRecord): string {
  const out: string[] = ['## Quorum report', ''];
  if (record.demo) out.push(`> **${DEMO_NOTICE}**`, '');
  out.push(
    `**Request** (${record.request.intent}, ${record.request.language ?? 'python'}): ${cell(record.request.instruction)}`,
    '',
  );
  if (record.project) out.push(renderProjectMarkdown(record));
  out.push('| model | answer | run | tests | score |', '|---|---|---|---|---|');
  const rank = new Map(record.verdict?.ranking.map((r) => [r.id, r]) ?? []);
  for (const c of record.candidates) {
    const r = rank.get(c.id);
    const name = record.verdict?.pick === c.id ? `**${c.id}** ★` : c.id;
    const tests = r && r.testsTotal > 0 ? `${r.testsPassed}/${r.testsTotal}` : '-';
    out.push(
      `| ${name} | ${cell(candidateSummary(c))} | ${cell(runLine(c.run))} | ${tests} | ${r ? r.score.toFixed(2) : '-'} |`,
    );
  }
  const v = record.verdict;
  const pick = record.candidates.find((c) => c.id === v?.pick);
  if (v) {
    out.push(
      '',
      `**Verdict:** ${v.pick ?? 'no pick'} — ${v.strategy}, confidence ${v.confidence.toFixed(2)}${v.unverified ? ' (**unverified**)' : ''}`,
    );
    for (const reason of v.reasons) out.push(`- ${reason}`);
  } else if (record.judgeError) {
    out.push('', `**Verdict:** none — ${cell(record.judgeError.message)} ${cell(record.judgeError.advice)}`);
  }
  if (record.strategy) out.push('', `**Strategy:** ${cell(strategyLine(record.strategy))}`);
  const written = testWritingLine(record);
  if (written) out.push('', cell(written));
  const pickCode = pick?.extraction?.main?.code;
  if (pick && pickCode && !record.project) {
    const lang = pick.extraction?.main?.language ?? '';
    // A fence longer than any in the code: the code's own ``` cannot end the block (L7).
    const fence = fenceFor(pickCode);
    out.push(
      '',
      `<details><summary>Picked code (${pick.id})</summary>`,
      '',
      fence + lang,
      pickCode.replace(/\s+$/, ''),
      fence,
      '</details>',
    );
    if (pick.extraction?.prose)
      out.push(
        '',
        `<details><summary>Review by ${pick.id}</summary>`,
        '',
        withinDetails(pick.extraction.prose),
        '</details>',
      );
    for (const c of record.candidates) {
      const code = c.extraction?.main?.code;
      if (c === pick || !code) continue;
      const diff = unifiedDiff(pickCode, code, { base: pick.id, other: c.id });
      const diffFence = fenceFor(diff);
      out.push(
        '',
        `<details><summary>${c.id} vs pick</summary>`,
        '',
        diffFence + 'diff',
        diff.replace(/\s+$/, ''),
        diffFence,
        '</details>',
      );
    }
  }
  return visibleControls(out.join('\n') + '\n');
}
