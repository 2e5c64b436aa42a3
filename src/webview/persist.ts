/**
 * What the panel keeps in `vscode.setState` so it comes back after being hidden or reloaded.
 * The stored copy is bounded: long answers and outputs are cut, old notices and history dropped,
 * because VS Code serialises this state on every save.
 */
import type { DiffLine } from '../protocol';
import type { RunResult } from './domainTypes';
import { initialViewModel, VIEW_MODEL_VERSION, type CandidateView, type ViewModel } from './viewModel';

export const STORED_TEXT_CAP = 20_000;
export const STORED_OUTPUT_CAP = 8_000;
export const STORED_DIFF_LINES = 400;
export const STORED_HISTORY = 50;

const cut = (s: string | undefined, cap: number): string | undefined =>
  s === undefined || s.length <= cap ? s : `${s.slice(0, cap)}\n… (cut when saved)`;

function boundRun(run: RunResult | undefined): RunResult | undefined {
  if (!run) return run;
  return { ...run, stdout: cut(run.stdout, STORED_OUTPUT_CAP)!, stderr: cut(run.stderr, STORED_OUTPUT_CAP)! };
}

function boundCandidate(c: CandidateView): CandidateView {
  return {
    ...c,
    text: cut(c.text, STORED_TEXT_CAP)!,
    textCapped: c.textCapped || c.text.length > STORED_TEXT_CAP,
    code: cut(c.code, STORED_TEXT_CAP),
    prose: cut(c.prose, STORED_OUTPUT_CAP),
    reasoning: cut(c.reasoning, STORED_OUTPUT_CAP),
    run: boundRun(c.run),
  };
}

export function boundForStorage(vm: ViewModel): ViewModel {
  const candidates: Record<string, CandidateView> = {};
  for (const [id, c] of Object.entries(vm.candidates)) candidates[id] = boundCandidate(c);
  const diffs: Record<string, readonly DiffLine[]> = {};
  for (const [id, lines] of Object.entries(vm.diffs)) diffs[id] = lines.slice(0, STORED_DIFF_LINES);
  return {
    ...vm,
    candidates,
    diffs,
    history: vm.history.slice(0, STORED_HISTORY),
    notices: [],
    draft: { ...vm.draft, instruction: cut(vm.draft.instruction, STORED_TEXT_CAP)! },
  };
}

/**
 * Accepts stored state only when it is a view model of this version; anything else (an older
 * build, a corrupted blob) starts fresh rather than half-rendering.
 */
export function restoreViewModel(raw: unknown): ViewModel | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const s = raw as Partial<ViewModel>;
  if (s.version !== VIEW_MODEL_VERSION) return undefined;
  if (!Array.isArray(s.order) || typeof s.candidates !== 'object' || s.candidates === null) return undefined;
  if (!s.order.every((id) => typeof id === 'string' && s.candidates![id] !== undefined)) return undefined;
  return settleInterrupted({ ...initialViewModel(), ...s });
}

/**
 * A stored "running" ask is stale: the host cancels an ask when its view goes away, and replays
 * the live events from `session-started` when one is still running. So nothing restored may
 * look in flight, or Run would stay disabled forever.
 */
function settleInterrupted(vm: ViewModel): ViewModel {
  if (!vm.ask?.running) return vm;
  const candidates: Record<string, CandidateView> = {};
  for (const [id, c] of Object.entries(vm.candidates)) {
    const phase = c.phase === 'streaming' ? 'cancelled' : c.phase;
    candidates[id] = { ...c, phase, running: false };
  }
  return { ...vm, candidates, ask: { ...vm.ask, running: false, judging: false, cancelled: true } };
}
