/**
 * The panel's view model and the pure reducer that folds host messages into it. No DOM here:
 * the same functions run in the panel and in plain mocha, and a stored RunRecord is shown by
 * replaying it through the very reducer that handled the live stream.
 */
import type { DiffBase, HostMessage } from '../protocol';
import type { Intent } from './domainTypes';
import { recordToEvents } from './recordReplay';
import { reduceEvent } from './sessionReducer';
import { strategyText } from './strategyLine';
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
      // Leaving the demo drops its ask buttons; entering it keeps what the host sends next.
      return { ...vm, models: msg.models, demo: msg.demo, demoAsks: msg.demo ? vm.demoAsks : undefined };
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
    case 'draft/set':
      return {
        ...vm,
        draft: { instruction: msg.instruction, intent: msg.intent },
        draftRev: (vm.draftRev ?? 0) + 1,
      };
    case 'readiness/update':
      return { ...vm, readiness: { ready: msg.ready, unreachable: msg.unreachable } };
    case 'demo/asks':
      return { ...vm, demoAsks: { asks: msg.asks, reason: msg.reason } };
    case 'records/update':
      return { ...vm, records: msg.records };
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

/** The models an ask can use: enabled, with a key where one is needed, and not an unreachable Ollama. */
export function runnableModelIds(vm: ViewModel): string[] {
  const down = new Set(vm.readiness?.unreachable ?? []);
  return vm.models.filter((m) => m.enabled && m.hasKey && !down.has(m.id)).map((m) => m.id);
}

/**
 * The live progress line: who answered, who is still streaming, what runs, what the judge waits
 * for; at the end the pick, or how many answered before a cancel (said plainly, not as an error).
 * A cascade or budget ask leads with the round being asked, and counts only the models asked.
 */
export function progressText(vm: ViewModel): string {
  const ask = vm.ask;
  if (vm.pending && !ask?.running) return 'Starting…';
  if (!ask) return 'Ready';
  const cards = vm.order.map((id) => vm.candidates[id]).filter((c) => c !== undefined);
  const answered = cards.filter((c) => c.phase === 'done').length;
  // A cascade counts the models asked so far, not the tiers it may never ask.
  const total = Math.max(ask.round?.asked?.length ?? ask.modelCount, cards.length);
  if (ask.running) {
    const streaming = cards.filter((c) => c.phase === 'streaming').map((c) => c.modelId);
    const runs = cards.filter((c) => c.running).map((c) => c.modelId);
    // The tier being asked, in the strategy line's words (shown here while the ask runs).
    const tier = strategyText(ask);
    const parts = [...(tier ? [tier] : []), `${answered} of ${total} answered`];
    if (streaming.length) parts.push(`waiting for ${streaming.join(', ')}`);
    if (runs.length) parts.push(`running ${runs.join(', ')} in the sandbox`);
    if (ask.judging) parts.push(streaming.length ? 'judge checking as answers arrive' : 'judging');
    return parts.join(' · ');
  }
  if (ask.cancelled) return `Cancelled after ${answered} of ${total} answered`;
  const pick = vm.verdict?.pick ? vm.candidates[vm.verdict.pick]?.modelId : undefined;
  const after = ask.verdictAfterLastMs;
  const timing =
    pick && after !== undefined && !ask.fromHistory ? ` · verdict +${after} ms after the last answer` : '';
  return pick ? `Done: ${pick} picked${timing}` : `Done: ${answered} of ${total} answered`;
}
