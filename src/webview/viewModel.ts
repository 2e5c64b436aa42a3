/**
 * The panel's view model: the shapes the views render and the reducers fold into. Types only (and
 * the empty model), so the reducers and the views import it without importing each other.
 */
import type {
  DemoAskView,
  DiffBase,
  DiffLine,
  HistoryEntry,
  ModelRecordsView,
  ModelView,
  SelectionContext,
} from '../protocol';
import type {
  CandidateTiming,
  Intent,
  JudgeFailure,
  Language,
  ProjectEvidence,
  ProviderFailure,
  RunResult,
  SandboxFailure,
  StrategyRecord,
  Usage,
  Verdict,
} from './domainTypes';

export const VIEW_MODEL_VERSION = 1;

export type CandidatePhase = 'streaming' | 'done' | 'failed' | 'cancelled';

export interface CandidateView {
  readonly id: string;
  readonly modelId: string;
  readonly kind: string;
  readonly model: string;
  readonly phase: CandidatePhase;
  /** The answer as streamed so far (the full answer once done). */
  readonly text: string;
  readonly textCapped: boolean;
  readonly code?: string;
  readonly language?: Language | null;
  readonly prose?: string;
  /** `<think>` reasoning the extraction split off the answer. */
  readonly reasoning?: string;
  readonly incomplete: boolean;
  readonly error?: ProviderFailure;
  readonly running: boolean;
  readonly image?: string;
  readonly run?: RunResult;
  readonly runError?: SandboxFailure;
  readonly usage?: Usage;
  readonly timing?: CandidateTiming;
  readonly costUsd?: number;
  /** An edit ask: what the candidate's edit did to the project's own tests. */
  readonly project?: ProjectEvidence;
  /** Bumped on every change except plain deltas, so views rebuild only what changed. */
  readonly rev: number;
}

export interface AskView {
  readonly askId: string;
  readonly running: boolean;
  readonly judging: boolean;
  readonly cancelled: boolean;
  /** Shown from history (`record/show`), not live. */
  readonly fromHistory: boolean;
  readonly instruction?: string;
  readonly modelCount: number;
  /** Why the judge gave no verdict, when it failed. */
  readonly judgeError?: JudgeFailure;
  /** Milliseconds from the last answer to the verdict, once the ask is done. */
  readonly verdictAfterLastMs?: number;
  /**
   * A cascade or budget ask: the round being asked, the verdict's word on the round before
   * (`previous`) and on this one once judged (`why`).
   */
  readonly round?: {
    readonly round: number;
    readonly tier?: number;
    readonly rounds: number;
    readonly previous?: string;
    readonly why?: string;
    /**
     * Every model asked so far, this round's included: the progress counts these, not the tiers
     * to come. Absent in a state stored before it existed (the progress then counts every model).
     */
    readonly asked?: readonly string[];
  };
  /** A cascade or budget ask, once done: which tier answered, what was not asked and saved. */
  readonly strategy?: StrategyRecord;
}

export interface Notice {
  readonly id: number;
  readonly level: 'info' | 'warning' | 'error';
  readonly message: string;
}

export interface ViewModel {
  readonly version: typeof VIEW_MODEL_VERSION;
  readonly models: readonly ModelView[];
  readonly trusted: boolean;
  readonly demo: boolean;
  readonly selection?: SelectionContext;
  readonly history: readonly HistoryEntry[];
  readonly docker?: { readonly available: boolean; readonly message?: string };
  readonly ask?: AskView;
  /**
   * Run was pressed and the host has not started (or refused) the ask yet: Run stays disabled and
   * Cancel enabled from the click on, not from the session's confirmation.
   */
  readonly pending?: boolean;
  readonly order: readonly string[];
  readonly candidates: Readonly<Record<string, CandidateView>>;
  readonly verdict?: Verdict;
  readonly diffBase: DiffBase;
  readonly diffs: Readonly<Record<string, readonly DiffLine[]>>;
  readonly notices: readonly Notice[];
  readonly draft: { readonly instruction: string; readonly intent: Intent };
  /** Bumped when the host sets the draft (an ask from outside the form), so the form shows it. */
  readonly draftRev?: number;
  /** Whether an enabled model can answer now; unknown until the host says. */
  readonly readiness?: { readonly ready: boolean; readonly unreachable: readonly string[] };
  /** The asks the demo can answer, as buttons, and why they are shown. */
  readonly demoAsks?: { readonly asks: readonly DemoAskView[]; readonly reason?: string };
  /** Each model's record, as the host last sent it. */
  readonly records?: ModelRecordsView;
}

export function initialViewModel(): ViewModel {
  return {
    version: VIEW_MODEL_VERSION,
    models: [],
    trusted: true,
    demo: false,
    history: [],
    order: [],
    candidates: {},
    diffBase: 'pick',
    diffs: {},
    notices: [],
    draft: { instruction: '', intent: 'generate' },
  };
}
