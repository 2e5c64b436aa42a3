/**
 * The markdown `@quorum` writes into a chat response: each candidate's state and run, then the
 * verdict. Plain functions of a record, so what the chat shows is what the record says.
 */
import { runSummary } from '../../core/runSummary';
import type { CandidateRecord, RunRecord, RunResult } from '../../core/types';
import { fenced } from './tools';

const OUTPUT_LINES = 12;

function excerpt(text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  return lines.length > OUTPUT_LINES
    ? `${lines.slice(0, OUTPUT_LINES).join('\n')}\n… (${lines.length - OUTPUT_LINES} more lines)`
    : lines.join('\n');
}

export function runMarkdown(run: RunResult): string {
  const parts = [`**Run:** ${runSummary(run)} on \`${run.image}\``];
  if (run.stdout) parts.push(`stdout:\n${fenced(excerpt(run.stdout), 'text')}`);
  if (run.stderr) parts.push(`stderr:\n${fenced(excerpt(run.stderr), 'text')}`);
  return parts.join('\n\n');
}

function candidateMarkdown(c: CandidateRecord, pick: string | null | undefined): string {
  const badge = c.id === pick ? ' ✅ **pick**' : '';
  const head = `### ${c.id} (${c.model.kind} · ${c.model.model})${badge}`;
  if (c.error) return `${head}\n\n❌ ${c.error.message} — ${c.error.advice}`;
  const main = c.extraction?.main;
  const parts = [head];
  parts.push(main ? fenced(main.code, main.language ?? '') : '_No code in the answer._');
  if (c.run) parts.push(runMarkdown(c.run));
  else if (c.runError) parts.push(`**Run:** could not run — ${c.runError.message} ${c.runError.advice}`);
  return parts.join('\n\n');
}

export function recordMarkdown(record: RunRecord): string {
  const verdict = record.verdict;
  const parts = record.candidates.map((c) => candidateMarkdown(c, verdict?.pick));
  if (record.cancelled) parts.push('**Cancelled.**');
  if (verdict) {
    const label = verdict.unverified ? ' (unverified: nothing ran successfully)' : '';
    parts.push(
      `## Verdict: ${verdict.pick ?? 'no pick'}${label}\n\n` +
        `Strategy ${verdict.strategy}, confidence ${verdict.confidence.toFixed(2)}.\n\n` +
        verdict.reasons.map((r) => `- ${r}`).join('\n'),
    );
  } else if (record.judgeError) {
    parts.push(`## No verdict\n\n${record.judgeError.message}`);
  } else {
    parts.push('## No verdict\n\nNothing was run (the sandbox is off, untrusted, or unreachable).');
  }
  return parts.join('\n\n');
}
