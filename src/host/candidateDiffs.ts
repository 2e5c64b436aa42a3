/**
 * Each candidate's code against the base the user chose: the judge's pick or the original selection.
 * The base itself and candidates without code get no entry. Pure; the line diff comes from core.
 */
import { diffLines } from '../core/diff';
import type { DiffBase, DiffLine } from '../protocol';
import type { RunState } from './runState';

export function baseText(state: RunState, base: DiffBase): string | undefined {
  if (base === 'selection') return state.context;
  const pick = state.pick;
  return pick ? state.candidate(pick)?.code : undefined;
}

export function candidateDiffs(state: RunState, base: DiffBase): Record<string, readonly DiffLine[]> {
  const text = baseText(state, base);
  const diffs: Record<string, readonly DiffLine[]> = {};
  if (text === undefined) return diffs;
  for (const c of state.candidates()) {
    if (base === 'pick' && c.id === state.pick) continue;
    diffs[c.id] = diffLines(text, c.code);
  }
  return diffs;
}
