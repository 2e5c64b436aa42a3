/**
 * The panel's view model and the pure reducer that folds host messages into it. No DOM here:
 * the same functions run in the panel and in plain mocha, and a stored RunRecord is shown by
 * replaying it through the very reducer that handled the live stream.
 */
import type { DiffBase, DiffLine, HistoryEntry, HostMessage, ModelView, SelectionContext } from '../protocol';
import type {
  CandidateTiming,
  Intent,
  Language,
  ModelConfig,
  ProviderFailure,
  RunResult,
  SandboxFailure,
  SessionEvent,
  Usage,
  Verdict,
} from './domainTypes';
import { recordToEvents } from './recordReplay';

export const VIEW_MODEL_VERSION = 1;
/** Longest answer kept in memory; a runaway model must not grow the panel without bound. */
export const ANSWER_CAP = 200_000;

export type CandidatePhase = 'streaming' | 'done' | 'failed' | 'cancelled';

export interface CandidateView {
  readonly id: string;
  readonly modelId: string;
  readonly kind: string;
  readonly model: string;
  readonly price?: ModelConfig['price'];
  readonly phase: CandidatePhase;
  /** The answer as streamed so far (the full answer once done). */
  readonly text: string;
  readonly textCapped: boolean;
  readonly code?: string;
  readonly language?: Language | null;
  readonly prose?: string;
  readonly incomplete: boolean;
  readonly error?: ProviderFailure;
  readonly running: boolean;
  readonly image?: string;
  readonly run?: RunResult;
  readonly runError?: SandboxFailure;
  readonly usage?: Usage;
  readonly timing?: CandidateTiming;
  readonly costUsd?: number;
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
  readonly order: readonly string[];
  readonly candidates: Readonly<Record<string, CandidateView>>;
  readonly verdict?: Verdict;
  readonly diffBase: DiffBase;
  readonly diffs: Readonly<Record<string, readonly DiffLine[]>>;
  readonly notices: readonly Notice[];
  readonly draft: { readonly instruction: string; readonly intent: Intent };
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

/** Folds one host message into the view model. Unknown message types leave it unchanged. */
export function reduce(vm: ViewModel, msg: HostMessage): ViewModel {
  switch (msg.type) {
    case 'state/init':
      return {
        ...vm,
        models: msg.models,
        trusted: msg.trusted,
        demo: msg.demo,
        selection: msg.selection,
        history: msg.history,
      };
    case 'models/update':
      return { ...vm, models: msg.models, demo: msg.demo };
    case 'selection/update':
      return { ...vm, selection: msg.selection };
    case 'trust/update':
      return { ...vm, trusted: msg.trusted };
    case 'docker/status':
      return { ...vm, docker: { available: msg.available, message: msg.message } };
    case 'session/event':
      return reduceEvent(vm, msg.event);
    case 'diff/update':
      return { ...vm, diffBase: msg.base, diffs: msg.diffs };
    case 'history/update':
      return { ...vm, history: msg.history };
    case 'record/show': {
      let next: ViewModel = { ...vm, diffs: {} };
      for (const event of recordToEvents(msg.record)) next = reduceEvent(next, event);
      return next.ask ? { ...next, ask: { ...next.ask, fromHistory: true } } : next;
    }
    case 'notice/show': {
      const id = (vm.notices.at(-1)?.id ?? 0) + 1;
      // Only the latest few notices matter; older ones scroll out.
      return { ...vm, notices: [...vm.notices, { id, level: msg.level, message: msg.message }].slice(-5) };
    }
    default:
      return vm;
  }
}

function patch(vm: ViewModel, id: string, change: Partial<CandidateView>): ViewModel {
  const current = vm.candidates[id];
  if (!current) return vm;
  const next: CandidateView = { ...current, ...change, rev: current.rev + 1 };
  return { ...vm, candidates: { ...vm.candidates, [id]: next } };
}

function capText(text: string): { text: string; textCapped: boolean } {
  return text.length > ANSWER_CAP
    ? { text: text.slice(0, ANSWER_CAP), textCapped: true }
    : { text, textCapped: false };
}

function costOf(price: ModelConfig['price'], usage: Usage | undefined): number | undefined {
  if (!price || !usage) return undefined;
  const input = usage.inputTokens ?? 0;
  const output = usage.outputTokens ?? 0;
  return (input * price.inputPerMTok + output * price.outputPerMTok) / 1_000_000;
}

/** Folds one session event into the view model. */
export function reduceEvent(vm: ViewModel, event: SessionEvent): ViewModel {
  switch (event.type) {
    case 'session-started':
      return {
        ...vm,
        ask: {
          askId: event.askId,
          running: true,
          judging: false,
          cancelled: false,
          fromHistory: false,
          instruction: vm.draft.instruction || undefined,
          modelCount: event.models.length,
        },
        order: [],
        candidates: {},
        verdict: undefined,
        diffs: {},
      };
    case 'candidate-started': {
      const m = event.model;
      const card: CandidateView = {
        id: event.candidateId,
        modelId: m.id,
        kind: m.kind,
        model: m.model,
        price: m.price,
        phase: 'streaming',
        text: '',
        textCapped: false,
        incomplete: false,
        running: false,
        rev: 0,
      };
      const order = vm.order.includes(card.id) ? vm.order : [...vm.order, card.id];
      return { ...vm, order, candidates: { ...vm.candidates, [card.id]: card } };
    }
    case 'delta': {
      const current = vm.candidates[event.candidateId];
      if (!current || current.textCapped) return vm;
      // Deltas do not bump `rev`: the card appends the new text without rebuilding.
      const next = { ...current, ...capText(current.text + event.text) };
      return { ...vm, candidates: { ...vm.candidates, [current.id]: next } };
    }
    case 'candidate-done': {
      const current = vm.candidates[event.candidateId];
      const x = event.extraction;
      return patch(vm, event.candidateId, {
        phase: 'done',
        ...capText(event.answer),
        code: x.main?.code,
        language: x.main?.language ?? x.language,
        prose: x.prose,
        incomplete: event.incomplete,
        usage: event.usage,
        timing: event.timing,
        costUsd: costOf(current?.price, event.usage),
      });
    }
    case 'candidate-failed':
      return patch(vm, event.candidateId, {
        phase: event.error.code === 'cancelled' ? 'cancelled' : 'failed',
        error: event.error,
        ...(event.partial ? capText(event.partial) : {}),
      });
    case 'run-started':
      return patch(vm, event.candidateId, {
        running: true,
        image: event.image,
        run: undefined,
        runError: undefined,
      });
    case 'run-done':
      return patch(vm, event.candidateId, { running: false, run: event.run, runError: undefined });
    case 'run-failed':
      return patch(vm, event.candidateId, { running: false, runError: event.error });
    case 'judge-started':
      return vm.ask ? { ...vm, ask: { ...vm.ask, judging: true } } : vm;
    case 'verdict':
      return { ...vm, verdict: event.verdict, ask: vm.ask ? { ...vm.ask, judging: false } : vm.ask };
    case 'session-done': {
      let next = vm;
      for (const c of event.record.candidates) {
        const view = next.candidates[c.id];
        if (!view) continue;
        const phase: CandidatePhase =
          view.phase === 'streaming' ? (event.cancelled ? 'cancelled' : 'done') : view.phase;
        next = patch(next, c.id, { phase, costUsd: c.costUsd ?? view.costUsd, running: false });
      }
      const ask = next.ask
        ? {
            ...next.ask,
            running: false,
            judging: false,
            cancelled: event.cancelled,
            instruction: event.record.request.instruction,
          }
        : undefined;
      return { ...next, ask, demo: next.demo || event.record.demo === true };
    }
    default:
      return vm;
  }
}

/** Local UI edits that never come from the host. */
export type LocalAction =
  | { readonly type: 'draft'; readonly instruction?: string; readonly intent?: Intent }
  | { readonly type: 'diffBase'; readonly base: DiffBase }
  | { readonly type: 'modelEnabled'; readonly modelId: string; readonly enabled: boolean }
  | { readonly type: 'dismissNotice'; readonly id: number };

export function reduceLocal(vm: ViewModel, action: LocalAction): ViewModel {
  switch (action.type) {
    case 'draft':
      return {
        ...vm,
        draft: {
          instruction: action.instruction ?? vm.draft.instruction,
          intent: action.intent ?? vm.draft.intent,
        },
      };
    case 'diffBase':
      // The shown diffs are against the old base; drop them until the host sends the new ones.
      return { ...vm, diffBase: action.base, diffs: {} };
    case 'modelEnabled':
      return {
        ...vm,
        models: vm.models.map((m) => (m.id === action.modelId ? { ...m, enabled: action.enabled } : m)),
      };
    case 'dismissNotice':
      return { ...vm, notices: vm.notices.filter((n) => n.id !== action.id) };
  }
}

/** "2 of 4 models answered" style progress for the live region and the header. */
export function progressText(vm: ViewModel): string {
  const ask = vm.ask;
  if (!ask) return 'Ready';
  const cards = vm.order.map((id) => vm.candidates[id]).filter((c) => c !== undefined);
  const finished = cards.filter((c) => c.phase !== 'streaming').length;
  const total = Math.max(ask.modelCount, cards.length);
  if (ask.running) {
    if (ask.judging) return `Judging ${total} candidates…`;
    const runs = cards.filter((c) => c.running).length;
    return runs > 0 ? `Running ${runs} in the sandbox…` : `${finished} of ${total} models answered`;
  }
  if (ask.cancelled) return `Cancelled: ${finished} of ${total} models answered`;
  const pick = vm.verdict?.pick ? vm.candidates[vm.verdict.pick]?.modelId : undefined;
  return pick ? `Done: ${pick} picked` : `Done: ${finished} of ${total} models answered`;
}
