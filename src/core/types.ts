/**
 * Shared domain types of the Quorum core. Nothing here imports `vscode`: the VS Code host,
 * the CLI and the tests are all consumers of these shapes.
 */
import type { EditAsk, ProjectEvidence, ProjectRecord, TestRun } from './project/types';
import type { SkippedModel, StrategyRecord } from './strategy/types';

/** Languages the sandbox knows how to run. */
export const LANGUAGES = ['python', 'javascript', 'typescript', 'bash', 'go', 'rust'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

// ---------------------------------------------------------------- providers

export const PROVIDER_KINDS = ['openai', 'groq', 'ollama', 'openai-compatible'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** Price per million tokens, in US dollars, used for cost estimates only. */
export interface Price {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
}

/** One configured model. Several models of one kind are allowed. Never holds a key. */
export interface ModelConfig {
  /** Unique, user-chosen id (`groq-llama`); also names the secret `apiKey.<id>`. */
  readonly id: string;
  readonly kind: ProviderKind;
  /** The vendor's model name (`gpt-4o-mini`, `llama-3.3-70b-versatile`, `qwen2.5-coder:7b`). */
  readonly model: string;
  readonly baseUrl?: string;
  readonly enabled: boolean;
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly price?: Price;
  /** Per-request timeout; defaults to 120 s. */
  readonly timeoutMs?: number;
  /**
   * The model's tier for the `cascade` strategy (1 is asked first); default from its price and
   * kind (src/core/strategy/tiers.ts).
   */
  readonly tier?: number;
}

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface Usage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
}

export interface ProviderRequest {
  readonly messages: readonly ChatMessage[];
  readonly signal: AbortSignal;
  /** Called for each streamed piece of answer text, in order. */
  readonly onDelta: (text: string) => void;
}

export interface CompletionResult {
  /** The whole answer text (content only, never the reasoning). */
  readonly text: string;
  /** Reasoning streamed beside the content (`reasoning_content`), if any. */
  readonly reasoning?: string;
  readonly usage?: Usage;
  /** Milliseconds from request start to the first content token. */
  readonly ttftMs?: number;
  /** Milliseconds from request start to the end of the stream. */
  readonly latencyMs: number;
  readonly finishReason?: string;
}

/** A streaming chat model. Failures are thrown as `ProviderError`. */
export interface Provider {
  readonly config: ModelConfig;
  complete(request: ProviderRequest): Promise<CompletionResult>;
}

export type ProviderErrorCode =
  | 'auth'
  | 'rate-limit'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'unknown-model'
  | 'cancelled'
  | 'bad-request'
  | 'bad-response'
  | 'incomplete';

/** Serializable form of a provider failure, as it travels in events and run records. */
export interface ProviderFailure {
  readonly code: ProviderErrorCode;
  readonly message: string;
  /** What the user should do about it, in one sentence. */
  readonly advice: string;
  readonly status?: number;
}

/** A typed provider failure with user-facing advice. Check with `ProviderError.is`, never by message. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    readonly advice: string,
    readonly status?: number,
    /** Text received before a stream was cut; kept and marked incomplete. */
    readonly partialText?: string,
    readonly usage?: Usage,
  ) {
    super(message);
  }
  static is(error: unknown): error is ProviderError {
    return error instanceof ProviderError;
  }
  toFailure(): ProviderFailure {
    return { code: this.code, message: this.message, advice: this.advice, status: this.status };
  }
}

// ---------------------------------------------------------------- extraction

export interface CodeBlock {
  readonly code: string;
  /** Normalised language, when known. */
  readonly language: Language | null;
  /** The raw fence info string (`python title="x.py"`), empty when unfenced. */
  readonly info: string;
  readonly filename?: string;
  /** True when the block was cut by the end of the answer (unterminated fence). */
  readonly unterminated: boolean;
}

export interface Extraction {
  /** The main program, or null when the answer has no code. */
  readonly main: CodeBlock | null;
  /** A block of tests the model wrote beside the program, if it is recognisably one. */
  readonly tests: CodeBlock | null;
  /** Every block found, in answer order. */
  readonly blocks: readonly CodeBlock[];
  readonly language: Language | null;
  /** The answer with code blocks and reasoning removed: the model's explanation or review. */
  readonly prose: string;
  /** `<think>` reasoning stripped from the answer. */
  readonly reasoning?: string;
}

// ---------------------------------------------------------------- sandbox

export interface Limits {
  readonly timeoutMs: number;
  readonly memoryMiB: number;
  readonly cpus: number;
  readonly pids: number;
  /** Cap for each of stdout and stderr, in bytes. */
  readonly outputBytes: number;
  /** Size of the /tmp and working-directory tmpfs, in MiB. */
  readonly tmpfsMiB: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  timeoutMs: 10_000,
  memoryMiB: 256,
  cpus: 1,
  pids: 64,
  outputBytes: 64 * 1024,
  tmpfsMiB: 64,
});

export interface RunRequest {
  readonly code: string;
  readonly language: Language;
  readonly stdin?: string;
  readonly args?: readonly string[];
  /** Overrides the configured image for this run. */
  readonly image?: string;
  readonly limits?: Partial<Limits>;
  readonly signal?: AbortSignal;
  /**
   * A live run (only where `Sandbox.feeds(language)` says so): the program keeps running while the
   * caller sends it more input, which it reads on the descriptor named by `QUORUM_INPUT_FD` (its
   * stdin is still `stdin`). The judge's harness takes each new test block this way as the models
   * answer, in the one container of its candidate.
   */
  readonly feed?: RunFeed;
}

/** The caller's side of a live run. */
export interface RunFeed {
  /** Called once, when the program has started with its files: the way to send it more input. */
  open(port: FeedPort): void;
  /**
   * The program's stdout as it arrives (split anywhere, uncapped), besides the run's result; at the
   * end it carries the sandbox's own end-of-run marker line too.
   */
  stdout?(chunk: Uint8Array): void;
}

export interface FeedPort {
  /** Writes to the program's input channel (in order; a run that has ended ignores it). */
  send(text: string): void;
  /** Stops the program as if its wall time had run out: the caller's own deadline passed. */
  expire(): void;
}

export type LimitHit = 'timeout' | 'memory' | 'output' | 'pids';

export interface RunResult {
  readonly language: Language;
  readonly image: string;
  /** Null when the process never exited on its own (killed at timeout, cancelled). */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly timedOut: boolean;
  readonly oomKilled: boolean;
  readonly outputTruncated: boolean;
  readonly limitsHit: readonly LimitHit[];
  /** The engine that ran it (its address, e.g. `unix:///var/run/docker.sock`), when the sandbox has several. */
  readonly engine?: string;
}

export type SandboxErrorReason =
  | 'not-installed'
  | 'not-running'
  | 'permission-denied'
  | 'image-missing'
  | 'pull-failed'
  | 'unsupported-language'
  | 'cancelled'
  | 'untrusted'
  | 'engine-error';

export interface SandboxFailure {
  readonly reason: SandboxErrorReason;
  readonly message: string;
  readonly advice: string;
}

export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  constructor(
    readonly reason: SandboxErrorReason,
    message: string,
    readonly advice: string,
  ) {
    super(message);
  }
  static is(error: unknown): error is SandboxError {
    return error instanceof SandboxError;
  }
  toFailure(): SandboxFailure {
    return { reason: this.reason, message: this.message, advice: this.advice };
  }
  /** The serializable failure of any error a run threw; an unexpected one becomes `engine-error`. */
  static failureOf(error: unknown): SandboxFailure {
    return SandboxError.is(error)
      ? error.toFailure()
      : { reason: 'engine-error', message: String(error), advice: 'See the Quorum log for details.' };
  }
}

export interface PullProgress {
  readonly image: string;
  /** Pulling the image (default), or preparing it once after the pull (Go's compiled standard library). */
  readonly phase?: 'pull' | 'prepare';
  readonly status: string;
  /** 0..1 when the engine reports byte counts. */
  readonly fraction?: number;
}

/** Runs untrusted code somewhere that is not the user's machine. Engine-neutral: no Docker types. */
export interface Sandbox {
  /** Runs one program in a fresh isolated environment. Throws `SandboxError` when it cannot run at all. */
  run(request: RunRequest): Promise<RunResult>;
  /** Checks that the engine is reachable; throws `SandboxError` with advice when not. */
  check(): Promise<void>;
  /** Image used for a language under the current settings. */
  imageFor(language: Language): string;
  /**
   * At an ask's start: prepares fresh environments for `runs` runs of `language` (each candidate's
   * program run and each cross-test harness run) while the models answer, bounded by a setting and
   * the engine's create concurrency. The extra ones are given back when `signal` aborts (pass the
   * ask's signal, aborted when it ends). Resolves when they are ready; never needed for correctness.
   */
  prepareFor?(language: Language, runs: number, signal?: AbortSignal): Promise<void>;
  /** Whether `run` takes a `feed` (a live run) for this language. */
  feeds?(language: Language): boolean;
  dispose(): Promise<void>;
}

// ---------------------------------------------------------------- judge

export interface JudgeCandidate {
  readonly id: string;
  readonly model: string;
  readonly code: string;
  /** The candidate's own run, when the session already ran it. */
  readonly run?: RunResult;
  /** Model latency, used as a minor tie-breaker. */
  readonly latencyMs?: number;
}

export interface TestCase {
  readonly id: string;
  /** Which model wrote it. */
  readonly model: string;
  readonly code: string;
}

/** Where a trusted case came from: the user's prompt, the code around the selection, or a test file. */
export type TrustedSource = 'prompt' | 'context' | 'file';

export interface JudgeInput {
  readonly prompt: string;
  readonly language: Language;
  readonly candidates: readonly JudgeCandidate[];
  readonly tests: readonly TestCase[];
  /**
   * Text around the selection (the rest of the file, the user's pasted context): its usage
   * examples become trusted cases like the prompt's.
   */
  readonly context?: string;
  /** Tests the user pointed at (a workspace test file): trusted, source `file`. */
  readonly trustedTests?: readonly TestCase[];
  /**
   * Asserts a cheap model wrote when no test came with the candidates (judge/writtenTests.ts):
   * generated evidence with expected values, used only when there is no model test.
   */
  readonly writtenTests?: { readonly modelId: string; readonly asserts: readonly string[] };
  readonly signal?: AbortSignal;
}

/** The one test-writing request of an ask (no test came with the candidates): who, what, the cost. */
export interface TestWritingRecord {
  readonly modelId: string;
  readonly model: string;
  /** Asserts parsed from its answer and given to the judge (0 when none parsed). */
  readonly asserts: number;
  readonly usage?: Usage;
  /** USD, counted in the ask's cost; 0 for a local model without a price. */
  readonly costUsd?: number;
  readonly latencyMs?: number;
  /** Why no written test reached the judge (the request failed); the ask went on without them. */
  readonly error?: string;
}

export type VerdictStrategy =
  | 'consensus'
  | 'high-confidence'
  | 'best-available'
  | 'fallback'
  | 'cross-test'
  /** An edit ask: the project's own tests decided (regressions, then fixes, then agreement). */
  | 'project-tests';

export type CellResult = 'pass' | 'fail' | 'error' | 'timeout';

export interface MatrixCase {
  readonly id: string;
  readonly testId: string;
  readonly code: string;
  /** A case from the user (a usage example or a test file), weighed above every generated case. */
  readonly trusted?: true;
  readonly source?: TrustedSource;
}

/** candidate x test case results; `cases` are single assertions split out of the models' test blocks. */
export interface TestMatrix {
  readonly cases: readonly MatrixCase[];
  /** cells[candidateId][caseId] */
  readonly cells: Readonly<Record<string, Readonly<Record<string, CellResult>>>>;
}

export interface RankEntry {
  readonly id: string;
  readonly score: number;
  readonly ran: boolean;
  readonly testsPassed: number;
  readonly testsTotal: number;
}

export interface Verdict {
  readonly pick: string | null;
  readonly strategy: VerdictStrategy;
  /** 0..1 */
  readonly confidence: number;
  readonly ranking: readonly RankEntry[];
  readonly reasons: readonly string[];
  /** True when nothing ran successfully: the pick is the least bad, not a verified one. */
  readonly unverified: boolean;
  readonly matrix?: TestMatrix;
  /**
   * The cross-test's posterior view of the pick, when tests decided: how many cases the chosen
   * group passes, how many candidates share its behaviour, trusted examples passed.
   */
  readonly evidence?: VerdictEvidence;
  /** The optional LLM judge's opinion, shown beside the deterministic verdict. */
  readonly llm?: { readonly pick: string | null; readonly rationale: string; readonly model: string };
}

export interface VerdictEvidence {
  /** Cases the chosen group passes, of all cases. */
  readonly casesPassed: number;
  readonly casesTotal: number;
  /** Trusted cases (user examples, test files) the pick passes, of all trusted cases. */
  readonly trustedPassed: number;
  readonly trustedTotal: number;
  /** Candidates in the chosen group (same pass set), the pick included. */
  readonly groupSize: number;
  /** Posterior probability of the chosen group among all groups (0..1), before calibration. */
  readonly posterior: number;
}

export interface Judge {
  judge(input: JudgeInput): Promise<Verdict>;
}

export type JudgeErrorReason = 'sandbox' | 'harness-failed' | 'cancelled';

/**
 * The judge could not decide: the sandbox failed under it (engine gone, image missing) or the
 * cross-test harness itself broke. Carries advice like `SandboxError`; the session shows it.
 */
export class JudgeError extends Error {
  override readonly name = 'JudgeError';
  constructor(
    readonly reason: JudgeErrorReason,
    message: string,
    readonly advice: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
  static is(error: unknown): error is JudgeError {
    return error instanceof JudgeError;
  }
  toFailure(): { readonly reason: JudgeErrorReason; readonly message: string; readonly advice: string } {
    return { reason: this.reason, message: this.message, advice: this.advice };
  }
}

// ---------------------------------------------------------------- session

/** What the user wants from an ask; one list, shared by the CLI, the panel and the protocol guard. */
export const INTENTS = ['generate', 'fix', 'review', 'tests'] as const;
export type Intent = (typeof INTENTS)[number];

/** How each intent is named and explained, in the panel, the palette and the CLI's help. */
export const INTENT_INFO: Readonly<Record<Intent, { readonly label: string; readonly description: string }>> =
  {
    generate: { label: 'Generate', description: 'write new code for the instruction' },
    fix: { label: 'Fix', description: 'fix the selected code' },
    review: { label: 'Review', description: 'review the selected code and improve it' },
    tests: { label: 'Write tests', description: 'write tests for the selected code' },
  };

export function isIntent(value: unknown): value is Intent {
  return typeof value === 'string' && (INTENTS as readonly string[]).includes(value);
}

export interface AskRequest {
  readonly instruction: string;
  /** The user's selection or file, sent as context. */
  readonly context?: string;
  readonly contextFile?: string;
  readonly language?: Language;
  readonly intent: Intent;
  /** Tests the user pointed at (a workspace test file): trusted cases for the judge. */
  readonly trustedTests?: readonly TestCase[];
  /**
   * Present for an edit ask (a file inside a project): answers are the file's new content, checked
   * against the project's own tests. Absent: a snippet ask (one standalone program).
   */
  readonly edit?: EditAsk;
}

export interface CandidateTiming {
  readonly ttftMs?: number;
  readonly latencyMs: number;
}

export type CandidateStatus = 'streaming' | 'done' | 'failed' | 'cancelled';

/** Why the judge gave no verdict (harness crash, engine gone); shown, never only logged. */
export interface JudgeFailure {
  readonly message: string;
  readonly advice: string;
}

/** The events of one ask, before the session stamps its `askId` on them. */
export type SessionEventBody =
  | { readonly type: 'session-started'; readonly models: readonly ModelConfig[] }
  | {
      readonly type: 'candidate-started';
      readonly candidateId: string;
      readonly model: ModelConfig;
    }
  | { readonly type: 'delta'; readonly candidateId: string; readonly text: string }
  | {
      readonly type: 'candidate-done';
      readonly candidateId: string;
      readonly answer: string;
      readonly extraction: Extraction;
      readonly usage?: Usage;
      readonly timing: CandidateTiming;
      /** The stream was cut: the answer is partial. */
      readonly incomplete: boolean;
      /** Estimated cost in USD when the model has a price and the API reported usage. */
      readonly costUsd?: number;
    }
  | {
      readonly type: 'candidate-failed';
      readonly candidateId: string;
      readonly error: ProviderFailure;
      readonly partial?: string;
    }
  | {
      readonly type: 'run-started';
      readonly candidateId: string;
      readonly image: string;
      /** A re-run the user asked for after the ask, not the ask's own run. */
      readonly rerun?: boolean;
    }
  | { readonly type: 'run-done'; readonly candidateId: string; readonly run: RunResult }
  | { readonly type: 'run-failed'; readonly candidateId: string; readonly error: SandboxFailure }
  /** An edit ask: the project was snapshotted and its test command found; the baseline runs. */
  | { readonly type: 'project-ready'; readonly project: ProjectRecord }
  /** An edit ask: the project's tests on the unmodified snapshot. */
  | { readonly type: 'baseline-done'; readonly baseline: TestRun }
  /** An edit ask: one candidate's edit, applied and tested against the project (or why not). */
  | { readonly type: 'project-evidence'; readonly candidateId: string; readonly evidence: ProjectEvidence }
  | { readonly type: 'judge-started' }
  /** A `cascade` or `budget` ask: one round of models starts (a cascade's tier). */
  | {
      readonly type: 'tier-started';
      /** 1 for the ask's first round. */
      readonly round: number;
      /** The cascade's tier; undefined for one round of every tier (`budget`). */
      readonly tier?: number;
      /** Rounds the plan has at most. */
      readonly rounds: number;
      readonly modelIds: readonly string[];
    }
  /**
   * A round was judged (every candidate so far): whether the ask stops here and why, and, when it
   * stops, the models it never asked and their estimated cost. The final `verdict` follows a
   * stopping round; the verdicts of earlier rounds travel only here.
   */
  | {
      readonly type: 'tier-done';
      readonly round: number;
      readonly tier?: number;
      readonly pick?: string | null;
      readonly confidence?: number;
      readonly verified?: boolean;
      readonly stopped: boolean;
      readonly why: string;
      readonly skipped: readonly SkippedModel[];
      /** Estimated USD of the skipped models (priced ones); undefined when none has a price. */
      readonly savedUsd?: number;
    }
  | { readonly type: 'verdict'; readonly verdict: Verdict }
  | { readonly type: 'judge-failed'; readonly error: JudgeFailure }
  | { readonly type: 'session-done'; readonly record: RunRecord; readonly cancelled: boolean }
  /** The record changed after the ask ended (a re-run); listeners store it again. */
  | { readonly type: 'record-updated'; readonly record: RunRecord };

/**
 * One typed event stream per ask; the VS Code panel, the CLI and the gateway are listeners. Every
 * event names its ask, so a listener drops the events of any ask that is not the one it shows.
 */
export type SessionEvent = SessionEventBody & { readonly askId: string };

export interface CandidateRecord {
  readonly id: string;
  readonly model: ModelConfig;
  readonly status: CandidateStatus;
  readonly answer: string;
  readonly extraction?: Extraction;
  readonly usage?: Usage;
  readonly timing?: CandidateTiming;
  readonly incomplete?: boolean;
  readonly error?: ProviderFailure;
  readonly run?: RunResult;
  readonly runError?: SandboxFailure;
  /** Estimated cost in USD when the model has a price. */
  readonly costUsd?: number;
  /** Milliseconds since the ask started: the candidate's answer ended, its program run began and ended. */
  readonly answeredMs?: number;
  readonly runStartedMs?: number;
  readonly runEndedMs?: number;
  /** An edit ask: the candidate's edit (new file text, diff) and its project test outcomes. */
  readonly project?: ProjectEvidence;
}

/** A run the user asked for again after the ask, kept beside the ask's own run. */
export interface RerunRecord {
  readonly candidateId: string;
  readonly at: string;
  readonly run?: RunResult;
  readonly error?: SandboxFailure;
}

/** When things happened, in milliseconds since `startedAt`. */
export interface AskTimeline {
  /** The last candidate finished streaming. */
  readonly lastAnswerMs?: number;
  /** The last program run of the ask ended. */
  readonly lastRunMs?: number;
  /** The verdict was decided. */
  readonly verdictMs?: number;
}

/** Everything needed to reproduce and review one ask; exported as JSON. */
export interface RunRecord {
  readonly version: 1;
  readonly askId: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly request: AskRequest;
  readonly systemPrompt: string;
  readonly candidates: readonly CandidateRecord[];
  readonly limits: Limits;
  /** The images the candidates really ran in, per language. */
  readonly images: Readonly<Partial<Record<Language, string>>>;
  readonly verdict?: Verdict;
  /** Why there is no verdict although candidates ran. */
  readonly judgeError?: JudgeFailure;
  readonly cancelled?: boolean;
  readonly timeline?: AskTimeline;
  /** Re-runs the user asked for after the ask, in order. */
  readonly reruns?: readonly RerunRecord[];
  /** True when the answers came from the recorded demo, not live models. */
  readonly demo?: boolean;
  /** An edit ask: the project, its test command and the baseline run. */
  readonly project?: ProjectRecord;
  /** A `cascade` or `budget` ask: its rounds, the tier that answered, the models not asked and the money saved. */
  readonly strategy?: StrategyRecord;
  /** The judge's test-writing request, when no test came with the answers and the user gave none. */
  readonly testWriting?: TestWritingRecord;
}

/** The only logging surface the core sees; the host maps it to a LogOutputChannel. Never pass secrets. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
