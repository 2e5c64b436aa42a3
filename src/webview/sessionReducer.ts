/**
 * Folds the core's session events into the view model: one card per candidate, its streamed
 * text, extraction, run, cost, and the verdict. Live streams and replayed records both go through
 * `reduceEvent`, so a past run looks exactly like it did live.
 */
import type { AskTimeline, SessionEvent } from './domainTypes';
import type { CandidatePhase, CandidateView, ViewModel } from './viewModel';

function verdictAfterLast(t: AskTimeline | undefined): number | undefined {
  return t?.verdictMs !== undefined && t.lastAnswerMs !== undefined
    ? t.verdictMs - t.lastAnswerMs
    : undefined;
}

/** Longest answer kept in memory; a runaway model must not grow the panel without bound. */
export const ANSWER_CAP = 200_000;

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

/**
 * Folds one session event into the view model. A `session-started` makes its ask the current one;
 * any other event of an ask that is not current (a cancelled or superseded one) is dropped, so two
 * asks can never write into the same cards.
 */
export function reduceEvent(vm: ViewModel, event: SessionEvent): ViewModel {
  if (event.type !== 'session-started' && event.askId !== vm.ask?.askId) return vm;
  switch (event.type) {
    case 'session-started':
      return {
        ...vm,
        pending: false,
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
      const x = event.extraction;
      return patch(vm, event.candidateId, {
        phase: 'done',
        ...capText(event.answer),
        code: x.main?.code,
        language: x.main?.language ?? x.language,
        prose: x.prose,
        reasoning: x.reasoning,
        incomplete: event.incomplete,
        usage: event.usage,
        timing: event.timing,
        costUsd: event.costUsd,
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
    case 'project-evidence':
      return patch(vm, event.candidateId, { project: event.evidence });
    case 'judge-started':
      return vm.ask ? { ...vm, ask: { ...vm.ask, judging: true } } : vm;
    case 'tier-started': {
      if (!vm.ask) return vm;
      const round = {
        round: event.round,
        tier: event.tier,
        rounds: event.rounds,
        previous: vm.ask.round?.why,
        asked: [...new Set([...(vm.ask.round?.asked ?? []), ...event.modelIds])],
      };
      return { ...vm, ask: { ...vm.ask, judging: false, round } };
    }
    case 'tier-done':
      return vm.ask?.round ? { ...vm, ask: { ...vm.ask, round: { ...vm.ask.round, why: event.why } } } : vm;
    case 'verdict':
      return { ...vm, verdict: event.verdict, ask: vm.ask ? { ...vm.ask, judging: false } : vm.ask };
    case 'judge-failed':
      return vm.ask ? { ...vm, ask: { ...vm.ask, judging: false, judgeError: event.error } } : vm;
    case 'session-done': {
      let next = vm;
      for (const c of event.record.candidates) {
        const view = next.candidates[c.id];
        if (!view) continue;
        const phase: CandidatePhase =
          view.phase === 'streaming' ? (event.cancelled ? 'cancelled' : 'done') : view.phase;
        next = patch(next, c.id, {
          phase,
          costUsd: c.costUsd ?? view.costUsd,
          running: false,
          project: c.project ?? view.project,
        });
      }
      const ask = next.ask
        ? {
            ...next.ask,
            running: false,
            judging: false,
            cancelled: event.cancelled,
            instruction: event.record.request.instruction,
            judgeError: event.record.judgeError ?? next.ask.judgeError,
            verdictAfterLastMs: verdictAfterLast(event.record.timeline),
            strategy: event.record.strategy,
          }
        : undefined;
      return { ...next, ask, demo: next.demo || event.record.demo === true };
    }
    default:
      return vm;
  }
}
