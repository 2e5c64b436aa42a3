/**
 * Turns a stored RunRecord back into the session events that produced it, so a past run is
 * rendered by the same reducer as a live one and the two views can never drift apart.
 */
import type { RunRecord, SessionEvent, SessionEventBody } from './domainTypes';

export function recordToEvents(record: RunRecord): SessionEvent[] {
  const events: SessionEventBody[] = [
    { type: 'session-started', models: record.candidates.map((c) => c.model) },
  ];
  for (const c of record.candidates) {
    events.push({ type: 'candidate-started', candidateId: c.id, model: c.model });
    if (c.status === 'failed' || c.error) {
      events.push({
        type: 'candidate-failed',
        candidateId: c.id,
        error: c.error ?? { code: 'bad-response', message: 'Failed', advice: 'Ask again.' },
        partial: c.answer || undefined,
      });
    } else if (c.extraction) {
      events.push({
        type: 'candidate-done',
        candidateId: c.id,
        answer: c.answer,
        extraction: c.extraction,
        usage: c.usage,
        timing: c.timing ?? { latencyMs: 0 },
        incomplete: c.incomplete ?? false,
        costUsd: c.costUsd,
      });
    } else if (c.answer) {
      events.push({ type: 'delta', candidateId: c.id, text: c.answer });
    }
    if (c.run) {
      events.push({ type: 'run-started', candidateId: c.id, image: c.run.image });
      events.push({ type: 'run-done', candidateId: c.id, run: c.run });
    } else if (c.runError) events.push({ type: 'run-failed', candidateId: c.id, error: c.runError });
  }
  if (record.verdict) events.push({ type: 'verdict', verdict: record.verdict });
  else if (record.judgeError) events.push({ type: 'judge-failed', error: record.judgeError });
  const cancelled = record.cancelled ?? record.candidates.some((c) => c.status === 'cancelled');
  events.push({ type: 'session-done', record, cancelled });
  return events.map((e): SessionEvent => ({ ...e, askId: record.askId }));
}
