/**
 * One ask, in four named stages: generate (fan out to every model, stream, extract), run (each
 * answer's program in the sandbox as soon as it is extracted), judge (cross-test and pick), record
 * (the RunRecord, built from what actually happened). Emits one typed event stream, every event
 * stamped with the ask's id; the VS Code panel, the CLI and the gateway are listeners. A failed or
 * slow model never blocks the others; cancel stops every request and run.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { extract } from './extract';
import { buildMessages, editSystemPromptFor, systemPromptFor } from './prompt';
import { decideEditVerdict } from './judge/editVerdict';
import { readEdit } from './project/edit';
import type { SessionProject } from './project/editAsk';
import type { TestRun } from './project/types';
import { costOf } from './cost';
import { estimateTokens } from './spend';
import type { AskPlan, StrategySettings } from './strategy/plan';
import {
  DEFAULT_CASCADE_THRESHOLD,
  EXPECTED_OUTPUT_TOKENS,
  cascadeDecision,
  estimateAskUsd,
  planAsk,
  savedUsdOf,
} from './strategy/plan';
import { isLocal, tierOf } from './strategy/tiers';
import { trustedCases } from './judge/trustedCases';
import { entrySignature } from './judge/generatedInputs';
import type { Signature } from './judge/generatedInputs';
import { writeTests } from './judge/writtenTests';
import type { WrittenTests } from './judge/writtenTests';
import type { SkippedModel, StrategyRecord, TierRecord } from './strategy/types';
import { DEFAULT_LIMITS, JudgeError, ProviderError, SandboxError, silentLogger } from './types';
import type { IncrementalJudge, IncrementalJudgement } from './judge/incremental';
import type {
  AskRequest,
  AskTimeline,
  CandidateRecord,
  ChatMessage,
  Judge,
  JudgeCandidate,
  JudgeFailure,
  Language,
  Limits,
  Logger,
  ModelConfig,
  Provider,
  ProviderFailure,
  RerunRecord,
  RunRecord,
  RunResult,
  Sandbox,
  SandboxFailure,
  SessionEvent,
  SessionEventBody,
  TestCase,
  TestWritingRecord,
  Verdict,
} from './types';

export interface SessionDeps {
  readonly providers: readonly Provider[];
  /** Undefined when execution is disabled (untrusted workspace, sandbox turned off). */
  readonly sandbox?: Sandbox;
  /**
   * The judge. With `begin` (an incremental judge) it is fed each candidate as its run ends, so at
   * the last answer only that answer's own cross-tests remain; without, it judges once at the end.
   */
  readonly judge?: Judge & Partial<IncrementalJudge>;
  /** Template of the system prompt; see DEFAULT_SYSTEM_PROMPT. */
  readonly systemPrompt?: string;
  /** Language when the request names none. */
  readonly defaultLanguage?: Language;
  readonly limits?: Limits;
  readonly logger?: Logger;
  readonly demo?: boolean;
  /**
   * An edit ask (the request has `edit`): the project's snapshot and the verifier that runs its
   * tests. Each answer is read as an edit of the file and tested in its own copy of the project;
   * the project's tests decide the verdict.
   */
  readonly project?: SessionProject;
  /**
   * How the ask chooses whom to ask (src/core/strategy/): `all` (the default) asks every provider
   * at once; `cascade` asks tier by tier and stops at a verified verdict confident enough; `budget`
   * asks the models that fit its budget. Without a judge (nothing can run) a cascade asks every
   * tier at once.
   */
  readonly strategy?: StrategySettings;
  /**
   * A model of the cheapest tier, its output bounded (pipeline.ts): when no candidate brings a
   * test and the user gave none, it is asked once for asserts of the function (judge/writtenTests.ts);
   * its cost is the record's `testWriting`, and a failure only drops that evidence.
   */
  readonly testWriter?: Provider;
}

export interface AskHandle {
  readonly askId: string;
  /** Resolves when every candidate, run and the verdict are settled (or the ask was cancelled). */
  readonly done: Promise<RunRecord>;
  /** Stops every request, run and re-run of this ask. */
  cancel(): void;
  /**
   * Runs one candidate's code again, as part of this ask: its events carry the ask's id, the result
   * is kept in the record's `reruns`, `cancel` stops it. Resolves with the updated record.
   */
  rerun(candidateId: string): Promise<RunRecord>;
  /** The record as it stands now (complete once `done` resolved, plus any re-runs since). */
  record(): RunRecord;
}

export interface StartOptions {
  /** The id to use; the host allocates it synchronously when the user presses Run. */
  readonly askId?: string;
}

type MutableCandidate = { -readonly [K in keyof CandidateRecord]: CandidateRecord[K] };
type Timeline = { -readonly [K in keyof AskTimeline]: AskTimeline[K] };

const CANCELLED = (): ProviderError =>
  new ProviderError('cancelled', 'Cancelled', 'Run the ask again when ready.');

/** The judge's failure as the panel and the CLI show it. */
export function judgeFailureOf(error: unknown): JudgeFailure {
  // A JudgeError already says what the judge could not do; a bare SandboxError says what failed.
  if (JudgeError.is(error)) return { message: error.message, advice: error.advice };
  if (SandboxError.is(error)) {
    return { message: `The judge could not run the candidates: ${error.message}`, advice: error.advice };
  }
  return {
    message: `The judge failed: ${error instanceof Error ? error.message : String(error)}`,
    advice: 'The candidates and their own runs are still shown; see the Quorum log for details.',
  };
}

/** Listeners an ask's cancellation may have at once before Node warns. */
const ASK_LISTENERS = 200;

class Ask implements AskHandle {
  readonly askId: string;
  /** Set by `start` or `restore`, one of which every constructor call is followed by. */
  done!: Promise<RunRecord>;
  private readonly controller = new AbortController();
  /** Aborted when the ask ends (or is cancelled): the containers prepared for it go back to idle size. */
  private readonly preparation = new AbortController();
  private readonly rerunControllers = new Set<AbortController>();
  private readonly log: Logger;
  private readonly language: Language;
  private readonly limits: Limits;
  private readonly messages: readonly ChatMessage[];
  private startedAt = new Date().toISOString();
  private readonly t0 = performance.now();
  private readonly candidates = new Map<string, MutableCandidate>();
  /** The image each language really ran in. */
  private readonly images: Partial<Record<Language, string>> = {};
  private readonly timeline: Timeline = {};
  private readonly reruns: RerunRecord[] = [];
  private verdict: Verdict | undefined;
  private judgeError: JudgeFailure | undefined;
  /** The incremental judge's state for this ask, fed as answers end. */
  private judgement: IncrementalJudgement | undefined;
  private finishedAt: string | undefined;
  /** An edit ask's baseline run, once it ended. */
  private baseline: TestRun | undefined;
  /** The ask's one test-writing request (judge/writtenTests.ts), once started. */
  private writing: Promise<WrittenTests | undefined> | undefined;
  private testWriting: TestWritingRecord | undefined;
  /** A cascade or budget ask: its rounds so far. */
  private strategyRecord: { -readonly [K in keyof StrategyRecord]: StrategyRecord[K] } | undefined;

  constructor(
    private readonly request: AskRequest,
    private readonly deps: SessionDeps,
    private readonly onEvent: (e: SessionEvent) => void,
    options: StartOptions,
  ) {
    this.askId = options.askId ?? randomUUID();
    this.log = deps.logger ?? silentLogger;
    this.language = request.language ?? deps.defaultLanguage ?? 'python';
    this.limits = deps.limits ?? DEFAULT_LIMITS;
    this.messages = buildMessages(request, this.language, deps.systemPrompt);
    // Every request, container wait and run of the ask listens for its cancellation (two or
    // three each per model): more than Node's default of 10 is expected, not a leak.
    setMaxListeners(ASK_LISTENERS, this.controller.signal);
  }

  /** Runs the stages once; `done` settles with the record. */
  start(): this {
    this.done = this.stages();
    return this;
  }

  cancel(): void {
    this.controller.abort(CANCELLED());
    this.preparation.abort();
    for (const c of this.rerunControllers) c.abort(CANCELLED());
  }

  private async stages(): Promise<RunRecord> {
    // No event before startAsk returns: a listener may reach for the handle it is about to get.
    await Promise.resolve();
    this.emit({ type: 'session-started', models: this.deps.providers.map((p) => p.config) });
    const strategy = this.deps.strategy;
    if (!strategy || strategy.strategy === 'all') {
      this.prepare(this.deps.providers.length, 1);
      await Promise.all(this.deps.providers.map((p) => this.generate(p)));
      await this.judge(true);
    } else {
      await this.rounds(strategy);
    }
    this.preparation.abort();
    this.finishedAt = new Date().toISOString();
    const record = this.record();
    this.emit({ type: 'session-done', record, cancelled: this.controller.signal.aborted });
    return record;
  }

  private emit(body: SessionEventBody): void {
    try {
      this.onEvent({ ...body, askId: this.askId });
    } catch (error) {
      this.log.error(`session listener failed on ${body.type}: ${String(error)}`);
    }
  }

  /**
   * While the models answer: containers for every program run and cross-test run of this ask, and
   * the incremental judge, so the first answer's run starts in a ready container.
   */
  private prepare(n: number, round: number): void {
    const { sandbox, judge, project } = this.deps;
    if (project) return round === 1 ? this.prepareProject(project) : undefined;
    if (!sandbox) return;
    // A program run and a judge harness container per answer (live or batch, one per candidate).
    sandbox
      .prepareFor?.(this.language, 2 * n, this.preparation.signal)
      .catch((e: unknown) => this.log.debug(`containers not prepared: ${String(e)}`));
    this.judgement = judge?.begin?.({
      prompt: this.request.instruction,
      context: this.request.context,
      trustedTests: this.request.trustedTests,
      language: this.language,
      signal: this.controller.signal,
    });
    // A later round of a cascade: the judgment keeps every earlier candidate and its tests.
    if (this.judgement && round > 1) {
      const earlier = [...this.candidates.values()].map((c) => this.judged(c));
      for (const { tests } of earlier) if (tests) this.judgement.addTests(tests);
      for (const { candidate } of earlier) if (candidate) this.judgement.addCandidate(candidate);
    }
  }

  // ------------------------------------------------------------ strategies: rounds of models

  /** A cascade or budget ask: the plan's rounds, each judged over every candidate so far. */
  private async rounds(settings: StrategySettings): Promise<void> {
    const inputTokens = this.messages.reduce((sum, m) => sum + 3 + estimateTokens(m.content), 3);
    const configs = this.deps.providers.map((p) => p.config);
    const threshold = settings.threshold ?? DEFAULT_CASCADE_THRESHOLD;
    const record: NonNullable<typeof this.strategyRecord> = {
      strategy: settings.strategy,
      ...(settings.strategy === 'cascade' ? { threshold } : { budgetUsd: settings.budgetUsd }),
      tiers: [],
      skipped: [],
    };
    this.strategyRecord = record;
    let plan: AskPlan;
    try {
      plan = planAsk(configs, settings, inputTokens);
    } catch (error) {
      record.note = error instanceof Error ? error.message : String(error);
      return;
    }
    const canJudge = this.deps.project !== undefined || (this.deps.judge && this.deps.sandbox);
    if (plan.strategy === 'cascade' && !canJudge && plan.rounds.length > 1) {
      record.note = 'Nothing can be judged here (no sandbox), so every tier was asked at once.';
      plan = { ...plan, rounds: [{ models: plan.rounds.flatMap((r) => r.models) }] };
    }
    if (plan.strategy === 'cascade') record.tierCount = plan.rounds.length;
    if (plan.rounds.length === 0) {
      // Nothing fits the budget: the ask asks no one, and says what would.
      record.skipped = plan.skipped;
      record.savedUsd = savedUsdOf(plan.skipped);
      const cheapest = [...plan.skipped]
        .filter((m) => m.estimatedUsd !== undefined)
        .sort((a, b) => (a.estimatedUsd ?? 0) - (b.estimatedUsd ?? 0))[0];
      record.note = cheapest
        ? `No model fits the budget: the cheapest, ${cheapest.modelId}, is estimated at $${cheapest.estimatedUsd?.toPrecision(2)}. Raise budgetUsd, or add a local or cheaper model.`
        : 'No model fits the budget: none has a price (set one) and none is local.';
      return;
    }
    const byId = new Map(this.deps.providers.map((p) => [p.config.id, p]));
    for (const [i, round] of plan.rounds.entries()) {
      if (this.controller.signal.aborted) break;
      const n = i + 1;
      const modelIds = round.models.map((m) => m.id);
      this.emit({ type: 'tier-started', round: n, tier: round.tier, rounds: plan.rounds.length, modelIds });
      this.prepare(round.models.length, n);
      await Promise.all(
        round.models.flatMap((m) => (byId.has(m.id) ? [this.generate(byId.get(m.id)!)] : [])),
      );
      await this.judge(false);
      if (this.controller.signal.aborted) break;
      const last = i === plan.rounds.length - 1;
      const decision =
        plan.strategy === 'cascade'
          ? cascadeDecision(
              this.verdict,
              threshold,
              this.verdict?.pick ? this.candidates.get(this.verdict.pick)?.project : undefined,
            )
          : { verified: this.verdict ? !this.verdict.unverified : false, stop: true, why: 'one round' };
      // Without a verdict (the judge failed) more answers cannot be weighed: the ask ends here.
      const stopped = decision.stop || last || this.judgeError !== undefined;
      const why = this.judgeError
        ? 'the judge failed, so more answers could not be weighed'
        : decision.stop || plan.strategy !== 'cascade'
          ? decision.why
          : last
            ? `${decision.why}; no tier left`
            : `${decision.why}: asking the next tier`;
      const skipped = stopped
        ? [
            ...plan.skipped,
            ...this.estimated(
              plan.rounds.slice(i + 1).flatMap((r) => r.models),
              inputTokens,
              `not asked: tier ${round.tier ?? n}'s verdict sufficed`,
            ),
          ]
        : [];
      const tier: TierRecord = {
        round: n,
        tier: round.tier,
        modelIds,
        pick: this.verdict?.pick,
        confidence: this.verdict?.confidence,
        verified: this.verdict ? decision.verified : undefined,
        stopped,
        why,
        costUsd: sumUsd(modelIds.map((id) => this.candidates.get(id)?.costUsd)),
      };
      record.tiers = [...record.tiers, tier];
      if (stopped) {
        record.answeredTier = round.tier;
        record.skipped = skipped;
        record.savedUsd = savedUsdOf(skipped);
        const pick = this.verdict?.pick ? this.candidates.get(this.verdict.pick)?.model : undefined;
        record.pickTier = pick ? tierOf(pick).tier : undefined;
      }
      this.emit({
        type: 'tier-done',
        round: n,
        tier: round.tier,
        pick: tier.pick,
        confidence: tier.confidence,
        verified: tier.verified,
        stopped,
        why,
        skipped,
        savedUsd: stopped ? record.savedUsd : undefined,
      });
      if (stopped) {
        if (this.verdict) this.emit({ type: 'verdict', verdict: this.verdict });
        break;
      }
    }
  }

  /**
   * What the models not asked would have cost: this ask's input tokens (as the answered models'
   * APIs counted them, else estimated) and an answer as long as theirs (else EXPECTED_OUTPUT_TOKENS).
   */
  private estimated(models: readonly ModelConfig[], inputTokens: number, why: string): SkippedModel[] {
    const usages = [...this.candidates.values()].flatMap((c) => (c.usage ? [c.usage] : []));
    const input = median(usages.flatMap((u) => (u.inputTokens ? [u.inputTokens] : []))) ?? inputTokens;
    const output =
      median(usages.flatMap((u) => (u.outputTokens ? [u.outputTokens] : []))) ?? EXPECTED_OUTPUT_TOKENS;
    return models.map((m) => ({
      modelId: m.id,
      tier: tierOf(m).tier,
      estimatedUsd: estimateAskUsd(m, input, output),
      why,
    }));
  }

  /** An edit ask: say what the project is, and report the baseline when it ends. */
  private prepareProject(project: SessionProject): void {
    this.emit({ type: 'project-ready', project: project.record });
    project.verifier?.baseline.then(
      (baseline) => {
        this.baseline = baseline;
        if (!this.controller.signal.aborted) this.emit({ type: 'baseline-done', baseline });
      },
      (error: unknown) => this.log.warn(`baseline: ${String(error)}`),
    );
  }

  private now(): number {
    return Math.round(performance.now() - this.t0);
  }

  // ------------------------------------------------------------ stage 1: generate

  private async generate(provider: Provider): Promise<void> {
    const model = provider.config;
    const candidate: MutableCandidate = { id: model.id, model, status: 'streaming', answer: '' };
    this.candidates.set(candidate.id, candidate);
    this.emit({ type: 'candidate-started', candidateId: candidate.id, model });
    const onDelta = (text: string): void => {
      candidate.answer += text;
      this.emit({ type: 'delta', candidateId: candidate.id, text });
    };
    try {
      const result = await provider.complete({
        messages: this.messages,
        signal: this.controller.signal,
        onDelta,
      });
      this.answered(candidate, result.text, false, result.usage, {
        ttftMs: result.ttftMs,
        latencyMs: result.latencyMs,
      });
    } catch (error) {
      if (ProviderError.is(error) && error.code === 'incomplete' && error.partialText) {
        // A stream cut mid-way: keep what arrived, marked incomplete; it may still hold usable code.
        this.answered(candidate, error.partialText, true, error.usage, undefined);
      } else {
        this.failed(candidate, error);
        return;
      }
    }
    await this.run(candidate);
  }

  private answered(
    candidate: MutableCandidate,
    answer: string,
    incomplete: boolean,
    usage: CandidateRecord['usage'],
    timing: CandidateRecord['timing'],
  ): void {
    const extraction = extract(answer, { requestLanguage: this.language });
    Object.assign(candidate, {
      answer,
      status: 'done',
      incomplete,
      usage,
      timing,
      costUsd: costOf(candidate.model.price, usage),
      extraction,
      answeredMs: this.now(),
    } satisfies Partial<MutableCandidate>);
    this.timeline.lastAnswerMs = Math.max(this.timeline.lastAnswerMs ?? 0, candidate.answeredMs ?? 0);
    this.emit({
      type: 'candidate-done',
      candidateId: candidate.id,
      answer,
      extraction,
      usage,
      timing: timing ?? { latencyMs: 0 },
      incomplete,
      costUsd: candidate.costUsd,
    });
    // Neither waits for its own run: the other candidates take its test block at once, and its
    // code goes against the cases known so far beside that run (the judge gets the run at finish).
    const { candidate: judged, tests } = this.judged(candidate);
    if (this.judgement && !this.controller.signal.aborted) {
      if (tests) this.judgement.addTests(tests);
      if (judged) this.judgement.addCandidate(judged);
    }
  }

  private failed(candidate: MutableCandidate, error: unknown): void {
    const failure: ProviderFailure = ProviderError.is(error)
      ? error.toFailure()
      : { code: 'bad-response', message: String(error), advice: 'See the Quorum log for details.' };
    candidate.status = this.controller.signal.aborted ? 'cancelled' : 'failed';
    candidate.error = failure;
    this.log.warn(`${candidate.id}: ${failure.message}`);
    this.emit({
      type: 'candidate-failed',
      candidateId: candidate.id,
      error: failure,
      partial: candidate.answer || undefined,
    });
  }

  // ------------------------------------------------------------ stage 2: run

  private async run(candidate: MutableCandidate): Promise<void> {
    if (this.deps.project) return this.runEdit(candidate, this.deps.project);
    const main = candidate.extraction?.main;
    if (this.deps.sandbox && main && !main.unterminated && !this.controller.signal.aborted) {
      candidate.runStartedMs = this.now();
      const outcome = await this.execute(candidate.id, main.language ?? this.language, main.code, {
        signal: this.controller.signal,
      });
      candidate.runEndedMs = this.now();
      this.timeline.lastRunMs = Math.max(this.timeline.lastRunMs ?? 0, candidate.runEndedMs);
      candidate.run = outcome.run;
      candidate.runError = outcome.error;
    }
  }

  /** An edit ask: the answer read as an edit of the file, then the project's tests on its copy. */
  private async runEdit(candidate: MutableCandidate, project: SessionProject): Promise<void> {
    const edit = readEdit(candidate.extraction, project.target);
    if (this.controller.signal.aborted) return;
    candidate.runStartedMs = this.now();
    try {
      candidate.project = project.verifier
        ? await project.verifier.verify(candidate.id, edit)
        : {
            candidateId: candidate.id,
            edit,
            outcomes: [],
            counts: { fixed: 0, regressed: 0, stillFailing: 0, passing: 0, new: 0 },
            fixedIds: [],
            regressedIds: [],
            touchesTests: false,
          };
    } catch (error) {
      if (this.controller.signal.aborted) return;
      candidate.runError = SandboxError.failureOf(error);
      this.emit({ type: 'run-failed', candidateId: candidate.id, error: candidate.runError });
      return;
    }
    candidate.runEndedMs = this.now();
    this.timeline.lastRunMs = Math.max(this.timeline.lastRunMs ?? 0, candidate.runEndedMs);
    if (!this.controller.signal.aborted) {
      this.emit({ type: 'project-evidence', candidateId: candidate.id, evidence: candidate.project });
    }
  }

  /** One program run with its events; shared by the ask's own runs and re-runs. */
  private async execute(
    candidateId: string,
    language: Language,
    code: string,
    options: { signal: AbortSignal; rerun?: boolean },
  ): Promise<{ run?: RunResult; error?: SandboxFailure }> {
    const sandbox = this.deps.sandbox;
    if (!sandbox) throw new SandboxError('untrusted', 'Nothing can run here.', 'Enable the sandbox.');
    this.emit({ type: 'run-started', candidateId, image: sandbox.imageFor(language), rerun: options.rerun });
    try {
      const run = await sandbox.run({ code, language, limits: this.limits, signal: options.signal });
      this.images[run.language] = run.image;
      this.emit({ type: 'run-done', candidateId, run });
      return { run };
    } catch (error) {
      const failure = SandboxError.failureOf(error);
      this.emit({ type: 'run-failed', candidateId, error: failure });
      return { error: failure };
    }
  }

  // ------------------------------------------------------------ stage 3: judge

  /** What the judge sees of a candidate, and the tests its model wrote. */
  private judged(c: MutableCandidate): { candidate?: JudgeCandidate; tests?: TestCase } {
    const main = c.extraction?.main;
    if (!main) return {};
    const t = c.extraction?.tests;
    return {
      candidate: {
        id: c.id,
        model: c.model.model,
        code: main.code,
        run: c.run,
        latencyMs: c.timing?.latencyMs,
      },
      tests: t ? { id: `${c.id}-tests`, model: c.model.model, code: t.code } : undefined,
    };
  }

  /**
   * After its own run (the judge weighs it), a candidate's row of cross-tests starts. `announce`:
   * emit the verdict (a strategy's rounds emit only the final one themselves).
   */
  private async judge(announce: boolean): Promise<void> {
    const { judge, sandbox } = this.deps;
    if (this.deps.project && !this.controller.signal.aborted)
      return this.judgeEdits(this.deps.project, announce);
    if (!judge || !sandbox || this.controller.signal.aborted) return;
    const judged: JudgeCandidate[] = [];
    const tests: TestCase[] = [];
    for (const c of this.candidates.values()) {
      const one = this.judged(c);
      if (one.candidate) judged.push(one.candidate);
      if (one.tests) tests.push(one.tests);
    }
    if (judged.length === 0) return;
    this.emit({ type: 'judge-started' });
    try {
      const written = await this.writtenTests(judged, tests);
      this.verdict = this.judgement
        ? await this.judgement.finish(judged, written)
        : await judge.judge({
            prompt: this.request.instruction,
            context: this.request.context,
            trustedTests: this.request.trustedTests,
            language: this.language,
            candidates: judged,
            tests,
            writtenTests: written,
            signal: this.controller.signal,
          });
      this.timeline.verdictMs = this.now();
      if (announce) this.emit({ type: 'verdict', verdict: this.verdict });
    } catch (error) {
      if (this.controller.signal.aborted) return;
      this.judgeError = judgeFailureOf(error);
      this.log.error(`judge failed: ${String(error)}`);
      this.emit({ type: 'judge-failed', error: this.judgeError });
    }
  }

  /**
   * Asserts from the test writer when the judge would have no test at all (none from the models,
   * no example or test file from the user) and the function's signature is known (Python): one
   * request per ask, started at the first judgement that needs it. Never throws.
   */
  private writtenTests(
    judged: readonly JudgeCandidate[],
    tests: readonly TestCase[],
  ): Promise<WrittenTests | undefined> {
    const writer = this.deps.testWriter;
    if (!writer || this.deps.demo || this.language !== 'python' || tests.length > 0)
      return Promise.resolve(undefined);
    const request = { ...this.request, prompt: this.request.instruction, language: this.language };
    if (trustedCases(request).length > 0) return Promise.resolve(undefined);
    const sig = entrySignature(
      this.request.instruction,
      judged.map((c) => c.code),
    );
    if (!sig) return Promise.resolve(undefined);
    this.writing ??= this.requestTests(writer, sig);
    return this.writing;
  }

  private async requestTests(writer: Provider, sig: Signature): Promise<WrittenTests | undefined> {
    const model = writer.config;
    try {
      const r = await writeTests(
        writer,
        sig,
        this.request.instruction,
        this.request.context,
        this.controller.signal,
      );
      const costUsd = costOf(model.price, r.usage) ?? (!model.price && isLocal(model) ? 0 : undefined);
      this.testWriting = {
        modelId: model.id,
        model: model.model,
        asserts: r.asserts.length,
        ...(r.usage ? { usage: r.usage } : {}),
        ...(costUsd !== undefined ? { costUsd } : {}),
        latencyMs: Math.round(r.latencyMs),
      };
      this.log.info(`tests written by ${model.id}: ${r.asserts.length} assert(s)`);
      return r.asserts.length ? { modelId: model.id, asserts: r.asserts } : undefined;
    } catch (error) {
      const message = ProviderError.is(error)
        ? error.message
        : error instanceof Error
          ? error.message
          : String(error);
      if (!this.controller.signal.aborted) {
        this.testWriting = { modelId: model.id, model: model.model, asserts: 0, error: message };
        this.log.warn(`test writing by ${model.id} failed, judging without it: ${message}`);
      }
      return undefined;
    }
  }

  /** An edit ask: the project's tests decide, once every candidate's run and the baseline ended. */
  private async judgeEdits(project: SessionProject, announce: boolean): Promise<void> {
    const judged = [...this.candidates.values()].flatMap((c) =>
      c.project ? [{ id: c.id, model: c.model.id, evidence: c.project, answeredMs: c.answeredMs }] : [],
    );
    if (judged.length === 0) return;
    this.emit({ type: 'judge-started' });
    try {
      this.baseline = project.verifier ? await project.verifier.baseline : undefined;
    } catch (error) {
      this.log.warn(`baseline: ${String(error)}`);
    }
    if (this.controller.signal.aborted) return;
    this.verdict = decideEditVerdict(judged, this.baseline);
    this.timeline.verdictMs = this.now();
    if (announce) this.emit({ type: 'verdict', verdict: this.verdict });
  }

  // ------------------------------------------------------------ stage 4: record

  record(): RunRecord {
    return {
      version: 1,
      askId: this.askId,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      request: { ...this.request, language: this.language },
      systemPrompt: this.request.edit
        ? editSystemPromptFor(this.request.edit, this.language)
        : systemPromptFor(this.language, this.deps.systemPrompt),
      candidates: [...this.candidates.values()].map((c) => ({ ...c })),
      limits: this.limits,
      images: { ...this.images },
      verdict: this.verdict,
      judgeError: this.judgeError,
      cancelled: this.controller.signal.aborted || undefined,
      timeline: { ...this.timeline },
      reruns: this.reruns.length ? [...this.reruns] : undefined,
      demo: this.deps.demo || undefined,
      project: this.deps.project
        ? {
            ...this.deps.project.record,
            baseline: this.baseline,
            timings: { ...this.deps.project.record.timings, baselineMs: this.baseline?.wallMs },
          }
        : undefined,
      ...(this.strategyRecord ? { strategy: { ...this.strategyRecord } } : {}),
      ...(this.testWriting ? { testWriting: { ...this.testWriting } } : {}),
    };
  }

  // ------------------------------------------------------------ re-runs

  async rerun(candidateId: string): Promise<RunRecord> {
    const candidate = this.candidates.get(candidateId);
    const main = candidate?.extraction?.main;
    if (!candidate || !main) throw new Error(`Candidate ${candidateId} has no code to run.`);
    const controller = new AbortController();
    this.rerunControllers.add(controller);
    try {
      const outcome = await this.execute(candidateId, main.language ?? this.language, main.code, {
        signal: controller.signal,
        rerun: true,
      });
      this.reruns.push({ candidateId, at: new Date().toISOString(), ...outcome });
    } finally {
      this.rerunControllers.delete(controller);
    }
    const record = this.record();
    this.emit({ type: 'record-updated', record });
    return record;
  }

  /** Takes the state of a stored ask instead of running the stages, for re-runs of a run from history. */
  restore(record: RunRecord): this {
    this.done = Promise.resolve(record);
    this.startedAt = record.startedAt;
    for (const c of record.candidates) this.candidates.set(c.id, { ...c });
    Object.assign(this.images, record.images);
    Object.assign(this.timeline, record.timeline);
    this.reruns.push(...(record.reruns ?? []));
    this.verdict = record.verdict;
    this.judgeError = record.judgeError;
    this.strategyRecord = record.strategy ? { ...record.strategy } : undefined;
    this.testWriting = record.testWriting;
    this.finishedAt = record.finishedAt;
    return this;
  }
}

function median(values: readonly number[]): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function sumUsd(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length ? known.reduce((a, b) => a + b, 0) : undefined;
}

/** Starts one ask; events go to `onEvent`, every one stamped with the returned handle's `askId`. */
export function startAsk(
  request: AskRequest,
  deps: SessionDeps,
  onEvent: (e: SessionEvent) => void,
  options: StartOptions = {},
): AskHandle {
  return new Ask(request, deps, onEvent, options).start();
}

/**
 * A handle on a finished ask (opened from the history), so its candidates can be re-run as part of
 * it. Nothing is asked again: `done` is the stored record.
 */
export function reopenAsk(
  record: RunRecord,
  deps: Omit<SessionDeps, 'providers' | 'judge'>,
  onEvent: (e: SessionEvent) => void,
): AskHandle {
  const ask = new Ask(record.request, { ...deps, providers: [], demo: record.demo }, onEvent, {
    askId: record.askId,
  });
  return ask.restore(record);
}
