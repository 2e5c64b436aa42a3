/**
 * The panel's view model and the pure reducer that folds host messages into it. No DOM here:
 * the same functions run in the panel and in plain mocha, and a stored RunRecord is shown by
 * replaying it through the very reducer that handled the live stream.
 */
import type { DiffBase, HostMessage } from '../protocol';
import type { Intent } from './domainTypes';
import { recordToEvents } from './recordReplay';
import { reduceEvent } from './sessionReducer';
import type { ViewModel } from './viewModel';

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
    case 'ask/refused': {
      const id = (vm.notices.at(-1)?.id ?? 0) + 1;
      return {
        ...vm,
        pending: false,
        notices: [...vm.notices, { id, level: 'warning' as const, message: msg.reason }].slice(-5),
      };
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

/** Local UI edits that never come from the host. */
export type LocalAction =
  | { readonly type: 'draft'; readonly instruction?: string; readonly intent?: Intent }
  | { readonly type: 'diffBase'; readonly base: DiffBase }
  | { readonly type: 'modelEnabled'; readonly modelId: string; readonly enabled: boolean }
  | { readonly type: 'dismissNotice'; readonly id: number }
  /** Run was pressed: disable Run (and enable Cancel) before the host answers. */
  | { readonly type: 'askRequested' };

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
    case 'askRequested':
      return { ...vm, pending: true };
  }
}

/** "2 of 4 models answered" style progress for the live region and the header. */
export function progressText(vm: ViewModel): string {
  const ask = vm.ask;
  if (vm.pending && !ask?.running) return 'Starting…';
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
  const after = ask.verdictAfterLastMs;
  const timing =
    pick && after !== undefined && !ask.fromHistory ? ` · verdict +${after} ms after the last answer` : '';
  return pick ? `Done: ${pick} picked${timing}` : `Done: ${finished} of ${total} models answered`;
}
