/**
 * The original gateway's synchronous answer (`POST /api/v1/inference`), built from a run record:
 * per-model responses with latency, the extracted code and its execution (times in seconds, as the
 * original had them), and the verification block. Nothing here decides anything: it renames.
 */
import type { CandidateRecord, RunRecord } from '../core/types';

export interface InferenceExecution {
  readonly success: boolean;
  readonly exit_code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly execution_time: number;
  readonly timed_out: boolean;
}

const seconds = (ms: number | undefined): number | null => (ms === undefined ? null : Math.round(ms) / 1000);

function executionOf(c: CandidateRecord): InferenceExecution | null {
  if (c.run) {
    return {
      success: c.run.exitCode === 0 && !c.run.timedOut,
      exit_code: c.run.exitCode,
      stdout: c.run.stdout,
      stderr: c.run.stderr,
      execution_time: Math.round(c.run.durationMs) / 1000,
      timed_out: c.run.timedOut,
    };
  }
  if (c.runError)
    return {
      success: false,
      exit_code: null,
      stdout: '',
      stderr: c.runError.message,
      execution_time: 0,
      timed_out: false,
    };
  return null;
}

export function inferenceResponse(
  id: string,
  status: string,
  record: RunRecord | undefined,
  error?: { message: string },
) {
  const candidates = record?.candidates ?? [];
  const responses = candidates.map((c) => ({
    model: c.id,
    provider: c.model.kind,
    model_name: c.model.model,
    success: c.status === 'done',
    response: c.answer,
    error: c.error?.message ?? null,
    latency: seconds(c.timing?.latencyMs),
    ttft: seconds(c.timing?.ttftMs),
    code: c.extraction?.main?.code ?? null,
    language: c.extraction?.main?.language ?? null,
    execution: executionOf(c),
  }));
  const verdict = record?.verdict;
  const successful = responses.filter((r) => r.execution?.success).length;
  return {
    id,
    status,
    prompt: record?.request.instruction ?? null,
    responses,
    verification: {
      verified: verdict ? !verdict.unverified && verdict.pick !== null : false,
      // At least two candidates agree: on output (consensus) or on the tests (one cross-test group).
      consensus: verdict?.strategy === 'consensus' || (verdict?.evidence?.groupSize ?? 0) >= 2,
      successful_executions: successful,
      synthesis_strategy: verdict?.strategy ?? null,
      confidence: verdict?.confidence ?? null,
      scores: Object.fromEntries((verdict?.ranking ?? []).map((r) => [r.id, r.score])),
      pick: verdict?.pick ?? null,
      reasons: verdict?.reasons ?? [],
    },
    final_code: candidates.find((c) => c.id === verdict?.pick)?.extraction?.main?.code ?? null,
    ...(error ? { error: error.message } : {}),
    links: { run: `/v1/runs/${id}` },
  };
}
