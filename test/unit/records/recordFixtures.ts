/** Run records shaped as the session writes them, small enough to build many per test. */
import type { ProjectEvidence } from '../../../src/core/project/types';
import type { CandidateRecord, ModelConfig, RunRecord, Verdict } from '../../../src/core/types';
import { DEFAULT_LIMITS } from '../../../src/core/types';

export interface CandidateSpec {
  readonly id: string;
  readonly kind?: ModelConfig['kind'];
  readonly model?: string;
  readonly price?: ModelConfig['price'];
  readonly status?: CandidateRecord['status'];
  /** Exit code of its run; undefined: it did not run. */
  readonly exit?: number;
  readonly latencyMs?: number;
  readonly tokens?: { readonly input: number; readonly output: number };
  readonly project?: { readonly fixed: number; readonly regressed: number; readonly stillFailing?: number };
}

function evidence(id: string, p: NonNullable<CandidateSpec['project']>): ProjectEvidence {
  const passing = 2;
  return {
    candidateId: id,
    edit: { ok: true, form: 'wholeFile', newText: 'x', diff: '' },
    run: { state: 'ok', exitCode: p.regressed ? 1 : 0, wallMs: 100, runner: 'pytest', tests: {} },
    outcomes: Array.from({ length: p.fixed + p.regressed + (p.stillFailing ?? 0) + passing }, (_, i) => ({
      id: `t${i}`,
      baseline: 'passed' as const,
      candidate: 'passed' as const,
      class: 'passing' as const,
    })),
    counts: { fixed: p.fixed, regressed: p.regressed, stillFailing: p.stillFailing ?? 0, passing, new: 0 },
    fixedIds: [],
    regressedIds: [],
    touchesTests: false,
  };
}

export function candidate(spec: CandidateSpec): CandidateRecord {
  const model: ModelConfig = {
    id: spec.id,
    kind: spec.kind ?? 'openai',
    model: spec.model ?? `${spec.id}-model`,
    enabled: true,
    ...(spec.price ? { price: spec.price } : {}),
  };
  const status = spec.status ?? 'done';
  return {
    id: spec.id,
    model,
    status,
    answer: status === 'done' ? 'ok' : '',
    ...(status === 'done' ? { timing: { latencyMs: spec.latencyMs ?? 1000 } } : {}),
    ...(spec.tokens ? { usage: { inputTokens: spec.tokens.input, outputTokens: spec.tokens.output } } : {}),
    ...(spec.exit !== undefined
      ? {
          run: {
            language: 'python',
            image: 'python:3.12-slim',
            exitCode: spec.exit,
            stdout: '',
            stderr: '',
            durationMs: 10,
            timedOut: false,
            oomKilled: false,
            outputTruncated: false,
            limitsHit: [],
          },
        }
      : {}),
    ...(spec.project ? { project: evidence(spec.id, spec.project) } : {}),
  };
}

export function runRecord(
  askId: string,
  startedAt: string,
  candidates: readonly CandidateSpec[],
  options: { pick?: string | null; demo?: boolean; cancelled?: boolean; verdict?: Partial<Verdict> } = {},
): RunRecord {
  const pick = options.pick === undefined ? (candidates[0]?.id ?? null) : options.pick;
  return {
    version: 1,
    askId,
    startedAt,
    finishedAt: startedAt,
    request: { instruction: 'secret prompt text', intent: 'generate', language: 'python' },
    systemPrompt: 'system',
    candidates: candidates.map(candidate),
    limits: DEFAULT_LIMITS,
    images: {},
    verdict: {
      pick,
      strategy: 'cross-test',
      confidence: 0.8,
      ranking: [],
      reasons: [],
      unverified: false,
      ...options.verdict,
    },
    ...(options.demo ? { demo: true } : {}),
    ...(options.cancelled ? { cancelled: true } : {}),
  };
}
