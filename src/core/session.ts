/**
 * One ask: fan out to every enabled model in parallel, extract each answer's code as it completes,
 * run it in the sandbox, then let the judge pick. Emits one typed event stream; the VS Code panel
 * and the CLI are two listeners. A failed or slow model never blocks the others; cancel stops all.
 */
import { randomUUID } from 'node:crypto';
import { extract } from './extract';
import { buildMessages, systemPromptFor } from './prompt';
import { costOf } from './cost';
import { DEFAULT_LIMITS, ProviderError, SandboxError, silentLogger } from './types';
import type {
  AskRequest,
  CandidateRecord,
  Judge,
  JudgeCandidate,
  Language,
  Limits,
  Logger,
  Provider,
  ProviderFailure,
  RunRecord,
  Sandbox,
  SessionEvent,
  TestCase,
  Verdict,
} from './types';

export interface SessionDeps {
  readonly providers: readonly Provider[];
  /** Undefined when execution is disabled (untrusted workspace, sandbox turned off). */
  readonly sandbox?: Sandbox;
  readonly judge?: Judge;
  /** Template of the system prompt; see DEFAULT_SYSTEM_PROMPT. */
  readonly systemPrompt?: string;
  /** Language when the request names none. */
  readonly defaultLanguage?: Language;
  readonly limits?: Limits;
  readonly logger?: Logger;
  readonly demo?: boolean;
}

export interface AskHandle {
  readonly askId: string;
  /** Resolves when every candidate, run and the verdict are settled (or the ask was cancelled). */
  readonly done: Promise<RunRecord>;
  cancel(): void;
}

type MutableCandidate = { -readonly [K in keyof CandidateRecord]: CandidateRecord[K] };

export function startAsk(
  request: AskRequest,
  deps: SessionDeps,
  onEvent: (e: SessionEvent) => void,
): AskHandle {
  const askId = randomUUID();
  const controller = new AbortController();
  const log = deps.logger ?? silentLogger;
  const language: Language = request.language ?? deps.defaultLanguage ?? 'python';
  const limits = deps.limits ?? DEFAULT_LIMITS;
  const messages = buildMessages(request, language, deps.systemPrompt);
  const startedAt = new Date().toISOString();
  const candidates = new Map<string, MutableCandidate>();
  let verdict: Verdict | undefined;

  const emit = (event: SessionEvent): void => {
    try {
      onEvent(event);
    } catch (error) {
      log.error(`session listener failed on ${event.type}: ${String(error)}`);
    }
  };

  const runCandidate = async (candidate: MutableCandidate): Promise<void> => {
    const main = candidate.extraction?.main;
    if (!deps.sandbox || !main || main.unterminated || controller.signal.aborted) return;
    const runLanguage = main.language ?? language;
    emit({ type: 'run-started', candidateId: candidate.id, image: deps.sandbox.imageFor(runLanguage) });
    try {
      candidate.run = await deps.sandbox.run({
        code: main.code,
        language: runLanguage,
        limits,
        signal: controller.signal,
      });
      emit({ type: 'run-done', candidateId: candidate.id, run: candidate.run });
    } catch (error) {
      const failure = SandboxError.failureOf(error);
      candidate.runError = failure;
      emit({ type: 'run-failed', candidateId: candidate.id, error: failure });
    }
  };

  const askOne = async (provider: Provider): Promise<void> => {
    const model = provider.config;
    const candidate: MutableCandidate = { id: model.id, model, status: 'streaming', answer: '' };
    candidates.set(candidate.id, candidate);
    emit({ type: 'candidate-started', candidateId: candidate.id, model });
    const onDelta = (text: string): void => {
      candidate.answer += text;
      emit({ type: 'delta', candidateId: candidate.id, text });
    };
    try {
      const result = await provider.complete({ messages, signal: controller.signal, onDelta });
      finish(candidate, result.text, false, result.usage, {
        ttftMs: result.ttftMs,
        latencyMs: result.latencyMs,
      });
    } catch (error) {
      if (ProviderError.is(error) && error.code === 'incomplete' && error.partialText) {
        // A stream cut mid-way: keep what arrived, marked incomplete; it may still hold usable code.
        finish(candidate, error.partialText, true, error.usage, undefined);
      } else {
        fail(candidate, error);
        return;
      }
    }
    await runCandidate(candidate);
  };

  const finish = (
    candidate: MutableCandidate,
    answer: string,
    incomplete: boolean,
    usage: CandidateRecord['usage'],
    timing: CandidateRecord['timing'],
  ): void => {
    candidate.answer = answer;
    candidate.status = 'done';
    candidate.incomplete = incomplete;
    candidate.usage = usage;
    candidate.timing = timing;
    candidate.costUsd = costOf(candidate.model.price, usage);
    const extraction = extract(answer, { requestLanguage: language });
    candidate.extraction = extraction;
    emit({
      type: 'candidate-done',
      candidateId: candidate.id,
      answer,
      extraction,
      usage,
      timing: timing ?? { latencyMs: 0 },
      incomplete,
      costUsd: candidate.costUsd,
    });
  };

  const fail = (candidate: MutableCandidate, error: unknown): void => {
    const failure: ProviderFailure = ProviderError.is(error)
      ? error.toFailure()
      : { code: 'bad-response', message: String(error), advice: 'See the Quorum log for details.' };
    candidate.status = controller.signal.aborted ? 'cancelled' : 'failed';
    candidate.error = failure;
    log.warn(`${candidate.id}: ${failure.message}`);
    emit({
      type: 'candidate-failed',
      candidateId: candidate.id,
      error: failure,
      partial: candidate.answer || undefined,
    });
  };

  const judgeAll = async (): Promise<void> => {
    if (!deps.judge || !deps.sandbox || controller.signal.aborted) return;
    const judged: JudgeCandidate[] = [];
    const tests: TestCase[] = [];
    for (const c of candidates.values()) {
      const main = c.extraction?.main;
      if (!main) continue;
      judged.push({
        id: c.id,
        model: c.model.model,
        code: main.code,
        run: c.run,
        latencyMs: c.timing?.latencyMs,
      });
      const t = c.extraction?.tests;
      if (t) tests.push({ id: `${c.id}-tests`, model: c.model.model, code: t.code });
    }
    if (judged.length === 0) return;
    emit({ type: 'judge-started' });
    try {
      verdict = await deps.judge.judge({
        prompt: request.instruction,
        language,
        candidates: judged,
        tests,
        signal: controller.signal,
      });
      emit({ type: 'verdict', verdict });
    } catch (error) {
      if (!controller.signal.aborted) log.error(`judge failed: ${String(error)}`);
    }
  };

  const record = (): RunRecord => ({
    version: 1,
    askId,
    startedAt,
    finishedAt: new Date().toISOString(),
    request: { ...request, language },
    systemPrompt: systemPromptFor(language, deps.systemPrompt),
    candidates: [...candidates.values()].map((c) => ({ ...c })),
    limits,
    images: deps.sandbox ? { [language]: deps.sandbox.imageFor(language) } : {},
    verdict,
    demo: deps.demo || undefined,
  });

  const done = (async (): Promise<RunRecord> => {
    // No event before startAsk returns: a listener may reach for the handle it is about to get.
    await Promise.resolve();
    emit({ type: 'session-started', askId, models: deps.providers.map((p) => p.config) });
    await Promise.all(deps.providers.map((p) => askOne(p)));
    await judgeAll();
    const result = record();
    emit({ type: 'session-done', record: result, cancelled: controller.signal.aborted });
    return result;
  })();

  return {
    askId,
    done,
    cancel: () =>
      controller.abort(new ProviderError('cancelled', 'Cancelled', 'Run the ask again when ready.')),
  };
}
