/**
 * The shapes of project mode: an edit ask verified against the user's own code and tests.
 * One snapshot per ask (the user's tree is only read); every candidate's edit is applied to its
 * own copy of it inside the sandbox, and the project's test command runs there, once unmodified
 * (the baseline) and once per candidate. Grading compares per-test status maps (SWE-bench style).
 */

/** The two shapes of an ask: a standalone program, or an edit of one file in a project. */
export type AskShape = 'snippet' | 'edit';

/** Test runners whose machine-readable output Quorum reads. */
export const RUNNER_KINDS = ['pytest', 'unittest', 'node-test', 'go', 'cargo', 'command'] as const;
export type RunnerKind = (typeof RUNNER_KINDS)[number];

export type ProjectLanguage = 'python' | 'javascript' | 'typescript' | 'go' | 'rust';

/** One file of the snapshot, relative to the project root, with `/` separators. */
export interface SnapshotFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export type ExcludeReason = 'secret' | 'contextExclude' | 'ignored' | 'cap';

export interface ProjectSnapshot {
  /** Hash over the sorted (path, sha256) pairs. */
  readonly id: string;
  /** The user's folder; never written by an ask. */
  readonly root: string;
  readonly language: ProjectLanguage;
  readonly files: readonly SnapshotFile[];
  readonly excluded: readonly { readonly path: string; readonly why: ExcludeReason }[];
  readonly totalBytes: number;
  /** How the file list was made. */
  readonly listedBy: 'git' | 'walk';
  /** Dependencies the project already has, shipped with the snapshot (node_modules, .venv). */
  readonly dependencies: readonly string[];
  /** The archive of every file, built once and reused by every run. */
  readonly archive: Uint8Array;
  /** Milliseconds to list, hash and pack. */
  readonly elapsedMs: number;
}

/** How the project's tests are run and read. */
export interface TestCommand {
  /** What runs, as argv (never a shell string from the model). */
  readonly argv: readonly string[];
  readonly runner: RunnerKind;
  /** Where the command was found, in words: `package.json scripts.test`, `go.mod`, a setting. */
  readonly source: string;
  readonly timeoutS: number;
}

/** A test's status in one run; `absent` when the runner did not report it. */
export type TestStatus = 'passed' | 'failed' | 'error' | 'skipped' | 'xfail' | 'absent';

/** A test's class for one candidate, against the baseline (SWE-bench's FAIL_TO_PASS / PASS_TO_PASS). */
export type TestClass = 'fixed' | 'regressed' | 'stillFailing' | 'passing' | 'new';
export const TEST_CLASSES: readonly TestClass[] = ['fixed', 'regressed', 'stillFailing', 'passing', 'new'];

export type TestRunState = 'ok' | 'notApplied' | 'timeout' | 'crashed' | 'noReport' | 'reportContradictsExit';

/** The project's tests run once, on the baseline or on one candidate's copy. */
export interface TestRun {
  /** Anything but `ok` means the run is no evidence, never "all green". */
  readonly state: TestRunState;
  readonly exitCode: number | null;
  readonly wallMs: number;
  readonly runner: RunnerKind;
  /** Test id as the runner names it -> status. */
  readonly tests: Readonly<Record<string, TestStatus>>;
  /** The first line of each failure, from the report (never from the program's stdout). */
  readonly messages?: Readonly<Record<string, string>>;
  /** The end of the command's output, for a run that gave no evidence. */
  readonly outputTail?: string;
  /** Why a run gave no evidence, in words. */
  readonly detail?: string;
}

export interface TestOutcome {
  readonly id: string;
  readonly baseline: TestStatus;
  readonly candidate: TestStatus;
  readonly class: TestClass;
  readonly message?: string;
}

/** How an answer was read as an edit. */
export type EditForm = 'wholeFile' | 'range' | 'unifiedDiff';

export type EditFailureReason = 'malformed' | 'noMatch' | 'noChange' | 'outsideProject' | 'noCode';

export type EditResult =
  | {
      readonly ok: true;
      readonly form: EditForm;
      /** The file's whole new text. */
      readonly newText: string;
      /** Unified diff against the file as it was at the ask, recomputed from the two texts. */
      readonly diff: string;
      /** How hunks were matched when the answer was a diff. */
      readonly match?: 'exact' | 'whitespace';
    }
  | { readonly ok: false; readonly reason: EditFailureReason; readonly detail: string };

/** Everything the judge uses for one candidate of an edit ask. */
export interface ProjectEvidence {
  readonly candidateId: string;
  readonly edit: EditResult;
  /** Undefined when the edit did not apply (nothing ran). */
  readonly run?: TestRun;
  readonly outcomes: readonly TestOutcome[];
  readonly counts: Readonly<Record<TestClass, number>>;
  readonly fixedIds: readonly string[];
  readonly regressedIds: readonly string[];
  /** The edit touches a test file (flagged: other tests still come from the snapshot). */
  readonly touchesTests: boolean;
}

/** The edit ask: what file, which range, which project, how its tests run. */
export interface EditTarget {
  /** Path of the edited file relative to the project root, `/` separators. */
  readonly path: string;
  /** The file's text at the ask. */
  readonly text: string;
  /** 1-based inclusive line range of the selection, when only a range is to be replaced. */
  readonly range?: { readonly startLine: number; readonly endLine: number };
}

/** Project-level facts carried by the run record. */
export interface ProjectRecord {
  readonly root: string;
  readonly snapshotId: string;
  readonly language: ProjectLanguage;
  readonly files: number;
  readonly bytes: number;
  readonly excluded: number;
  readonly dependencies: readonly string[];
  readonly target: { readonly path: string; readonly range?: EditTarget['range'] };
  readonly test?: TestCommand;
  readonly baseline?: TestRun;
  /** Evidence the ask could not collect, in words (no test command, baseline did not start, ...). */
  readonly missing: readonly string[];
  readonly timings: {
    readonly snapshotMs: number;
    readonly baselineMs?: number;
  };
}

/** One run of a project's test script in a fresh sandbox container. */
export interface ProjectRunRequest {
  readonly image: string;
  /** The snapshot's archive, unpacked into the project directory. */
  readonly archive: Uint8Array;
  /** A candidate's edit as a one-file archive, unpacked over the snapshot. */
  readonly overlay?: Uint8Array;
  /** POSIX sh script run in the project directory; writes the runner's report into $QUORUM_REPORT_DIR. */
  readonly script: string;
  /** Extra environment (`NAME=value`), e.g. PYTHONPATH for a shipped .venv. */
  readonly env?: readonly string[];
  readonly timeoutS: number;
  readonly signal?: AbortSignal;
}

export interface ProjectRunResult {
  /** The script's exit status as the engine reports it; null when killed (timeout, cancel). */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly oomKilled: boolean;
  readonly outputTruncated: boolean;
  /** Regular files of the report directory, by name. */
  readonly reports: Readonly<Record<string, string>>;
  readonly wallMs: number;
}

/** Runs a project's tests somewhere that is not the user's machine (engine-neutral). */
export interface ProjectSandbox {
  runTests(request: ProjectRunRequest): Promise<ProjectRunResult>;
  /** Removes every container still running. */
  dispose(): Promise<void>;
}

/** The edit shape of an ask, as the request carries it (the record keeps it). */
export interface EditAsk {
  /** The project folder. */
  readonly root: string;
  /** The edited file, relative to the root, `/` separators. */
  readonly path: string;
  /** 1-based inclusive lines of the selection, when only those are to change. */
  readonly range?: { readonly startLine: number; readonly endLine: number };
  readonly language: ProjectLanguage;
  /** The project's test runner in words (`unittest`, `node:test`), when one was found. */
  readonly testFramework?: string;
  /** What the file imports from the project: signatures for the prompt. */
  readonly imports?: readonly { readonly path: string; readonly signatures: readonly string[] }[];
}
