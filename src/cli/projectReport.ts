/**
 * An edit ask's report: per candidate what its edit fixes and breaks among the project's own
 * tests, against the baseline; the pick's diff against the user's file. Pure functions of the record.
 */
import type { ProjectEvidence, TestRun } from '../core/project/types';
import type { CandidateRecord, RunRecord } from '../core/types';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function baselineLine(baseline: TestRun | undefined): string {
  if (!baseline) return 'baseline: not run';
  const statuses = Object.values(baseline.tests);
  const failing = statuses.filter((s) => s === 'failed' || s === 'error').length;
  if (baseline.state !== 'ok')
    return `baseline: no evidence (${baseline.state}${baseline.detail ? `: ${baseline.detail}` : ''})`;
  return `baseline: ${statuses.length} tests, ${failing} failing (${(baseline.wallMs / 1000).toFixed(1)} s)`;
}

/** "fixes 1 · breaks 0 of 4 project tests", or why there is no such line. */
export function evidenceLine(e: ProjectEvidence | undefined, baseline: TestRun | undefined): string {
  if (!e) return 'not tested';
  if (!e.edit.ok) return `edit not applied: ${e.edit.reason} (${e.edit.detail})`;
  if (!e.run) return `edit applied (${e.edit.form}); tests not run`;
  if (e.run.state !== 'ok')
    return `no evidence: test run ${e.run.state}${e.run.detail ? ` (${e.run.detail})` : ''}`;
  if (baseline && baseline.state !== 'ok') return 'no evidence: the baseline gave none';
  const total = baseline ? Object.keys(baseline.tests).length : e.outcomes.length;
  return `fixes ${e.counts.fixed} · breaks ${e.counts.regressed} of ${total} project tests${e.counts.stillFailing ? ` · ${e.counts.stillFailing} still failing` : ''}`;
}

export function renderProjectText(record: RunRecord): string {
  const p = record.project;
  if (!p) return '';
  const out = [
    `Edit ask: ${p.target.path}${p.target.range ? `:${p.target.range.startLine}-${p.target.range.endLine}` : ''} in ${p.root} (${p.language}, ${p.files} files${p.dependencies.length ? `, with ${p.dependencies.join(', ')}` : ''})`,
    `  tests: ${p.test ? `${p.test.runner} (${p.test.source})` : 'none found'}; ${baselineLine(p.baseline)}`,
  ];
  for (const m of p.missing) out.push(`  missing evidence: ${m}`);
  for (const c of record.candidates) {
    const pick = record.verdict?.pick === c.id ? '  ★ pick' : '';
    out.push(
      `  ${c.id}: ${c.status === 'done' ? evidenceLine(c.project, p.baseline) : (c.error?.message ?? c.status)}${pick}`,
    );
    for (const o of c.project?.outcomes ?? []) {
      if (o.class === 'passing') continue;
      out.push(
        `      ${o.class.padEnd(12)} ${o.id} (${o.baseline} → ${o.candidate})${o.message ? `: ${o.message}` : ''}`,
      );
    }
  }
  const pick = record.candidates.find((c) => c.id === record.verdict?.pick);
  if (pick?.project?.edit.ok)
    out.push('', `Pick's diff against ${p.target.path}:`, pick.project.edit.diff.trimEnd());
  return out.join('\n') + '\n\n';
}

/** The fixed/regressed table for a pull-request comment. */
export function renderProjectMarkdown(record: RunRecord): string {
  const p = record.project;
  if (!p) return '';
  const out = [
    `**Edit** of \`${p.target.path}\` in a ${p.language} project — tests: ${p.test ? `${p.test.runner} (\`${cell(p.test.source)}\`)` : 'none found'}; ${baselineLine(p.baseline)}`,
    '',
    '| model | edit | fixes | breaks | still failing | evidence |',
    '|---|---|---|---|---|---|',
  ];
  for (const c of record.candidates) out.push(row(c, record));
  for (const m of p.missing) out.push('', `> Missing evidence: ${cell(m)}`);
  const pick = record.candidates.find((c) => c.id === record.verdict?.pick);
  if (pick?.project?.edit.ok) {
    out.push(
      '',
      `<details><summary>Picked edit (${pick.id})</summary>`,
      '',
      '```diff',
      pick.project.edit.diff.trimEnd(),
      '```',
      '</details>',
    );
  }
  return out.join('\n') + '\n\n';
}

function row(c: CandidateRecord, record: RunRecord): string {
  const e = c.project;
  const name = record.verdict?.pick === c.id ? `**${c.id}** ★` : c.id;
  const names = (ids: readonly string[] | undefined): string =>
    ids?.length ? ids.map((i) => `\`${cell(i)}\``).join(', ') : '—';
  const edit = !e ? c.status : e.edit.ok ? e.edit.form : `not applied (${e.edit.reason})`;
  return `| ${name} | ${edit} | ${names(e?.fixedIds)} | ${names(e?.regressedIds)} | ${e?.counts.stillFailing ?? '—'} | ${cell(evidenceLine(e, record.project?.baseline))} |`;
}
