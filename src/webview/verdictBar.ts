/**
 * The verdict bar, pinned at the top of the answers: while the ask runs, who answered, who is still
 * streaming, what runs and what the judge waits for; at the end the pick, why in one line of words,
 * and the primary **Apply pick** (through the host's preview) with Compare and Re-run beside it.
 * Apply pick is the bar's first control, so it is one Tab from the bar.
 */
import { projectLine, tallyOf } from './badges';
import { el, icon, replaceChildren, setDisabled } from './dom';
import type { Verdict } from './domainTypes';
import { progressText, runnableModelIds } from './state';
import { strategyText } from './strategyLine';
import type { CandidateView, ViewModel } from './viewModel';
import type { ViewContext } from './viewContext';

/** What decided, named for the reader. */
export const STRATEGY_TEXT: Readonly<Record<Verdict['strategy'], string>> = {
  consensus: 'decided by agreeing outputs',
  'high-confidence': 'decided by tests, high confidence',
  'best-available': 'best available: no answer passed everything',
  fallback: 'fallback: the tests could not decide',
  'cross-test': 'decided by cross-tests (CodeT)',
  'project-tests': "decided by your project's tests",
};

export interface VerdictBar {
  readonly root: HTMLElement;
  update(vm: ViewModel): void;
}

export function createVerdictBar(ctx: ViewContext): VerdictBar {
  const status = el('div', {
    class: 'progress',
    role: 'status',
    'aria-live': 'polite',
    'data-testid': 'progress',
  });
  const summary = el('div', { class: 'verdict-summary' });
  // A finished cascade or budget ask: the tier that answered and what it saved (the tier being
  // asked is in the progress line while it runs).
  const strategy = el('div', {
    class: 'verdict-reason strategy-line',
    'data-testid': 'strategy-line',
    hidden: true,
  });
  const live = el('ul', { class: 'live', 'aria-label': 'Models' });
  let pickId: string | null = null;
  const applyPick = el('button', { type: 'button', class: 'primary', 'data-testid': 'apply-pick' }, [
    icon('git-pull-request-go-to-changes'),
    el('span', {}, ['Apply pick']),
  ]);
  applyPick.addEventListener('click', () => {
    if (pickId) ctx.post({ type: 'candidate/apply', candidateId: pickId });
  });
  const compare = el('button', { type: 'button', class: 'secondary' }, [
    icon('diff'),
    el('span', {}, ['Compare']),
  ]);
  compare.addEventListener('click', () => {
    if (pickId) ctx.post({ type: 'candidate/openDiff', candidateId: pickId, base: 'selection' });
  });
  let rerunAsk: (() => void) | undefined;
  const rerun = el('button', { type: 'button', class: 'secondary' }, [
    icon('debug-rerun'),
    el('span', {}, ['Re-run']),
  ]);
  rerun.addEventListener('click', () => rerunAsk?.());
  const actions = el('div', { class: 'verdict-actions', role: 'group', 'aria-label': 'Verdict actions' }, [
    applyPick,
    compare,
    rerun,
  ]);
  const root = el(
    'section',
    // Focusable as a landmark (tabindex -1: not a tab stop of its own), Apply pick is the next stop.
    {
      class: 'verdict-bar',
      'data-testid': 'verdict-bar',
      'aria-label': 'Verdict',
      tabindex: -1,
      hidden: true,
    },
    [summary, strategy, status, live, actions],
  );

  let lastKey = '';
  return {
    root,
    update(vm) {
      root.hidden = !vm.ask && !vm.pending;
      const text = progressText(vm);
      if (status.textContent !== text) status.textContent = text;
      // While the ask runs the progress line says which tier is asked; this line keeps the outcome.
      const tierText = vm.ask?.running ? '' : (strategyText(vm.ask) ?? '');
      if (strategy.textContent !== tierText) strategy.textContent = tierText;
      strategy.hidden = tierText === '';
      const cards = vm.order.map((id) => vm.candidates[id]).filter((c) => c !== undefined);
      const running = vm.ask?.running === true || vm.pending === true;
      const key = JSON.stringify([
        vm.ask?.askId,
        running,
        vm.verdict?.pick,
        vm.verdict?.confidence,
        vm.ask?.judgeError,
        cards.map((c) => [c.phase, c.running, c.rev]),
        vm.trusted,
        vm.models.length,
      ]);
      if (key === lastKey) return;
      lastKey = key;
      const v = vm.verdict;
      pickId = v?.pick ?? null;
      const pick = pickId ? vm.candidates[pickId] : undefined;
      replaceChildren(summary, v ? pickSummary(v, vm, pick) : []);
      root.classList.toggle('has-pick', pick !== undefined);
      replaceChildren(live, running || !v ? cards.map(liveChip) : []);
      live.hidden = !(running || !v) || cards.length === 0;

      const hasCode = pick?.code !== undefined && pick.code.length > 0;
      setDisabled(applyPick, !hasCode, running ? 'Waiting for the verdict.' : 'No pick with code to apply.');
      applyPick.title = hasCode ? `Preview ${pick.modelId}'s code in your file, then Accept or Reject` : '';
      setDisabled(compare, !hasCode, 'No pick to compare yet.');
      if (hasCode) compare.title = `Open ${pick.modelId} against your code in the diff editor`;
      const ids = runnableModelIds(vm);
      const instruction = vm.ask?.instruction ?? vm.draft.instruction;
      rerunAsk = () => {
        ctx.dispatch({ type: 'askRequested' });
        ctx.post({ type: 'ask/start', instruction, intent: vm.draft.intent, modelIds: ids });
      };
      setDisabled(
        rerun,
        running || ids.length === 0,
        running ? 'The ask is still running.' : 'No model can answer: add a model or try the demo.',
      );
      if (!running && ids.length) rerun.title = 'Ask the same models again';
      actions.hidden = !v && !running;
    },
  };
}

function pickSummary(v: Verdict, vm: ViewModel, pick: CandidateView | undefined): HTMLElement[] {
  if (!pick) {
    return [
      el('div', { class: 'pick-line' }, [icon('circle-slash'), el('strong', {}, ['No pick'])]),
      el('div', { class: 'verdict-reason', 'data-testid': 'verdict-reason' }, [
        'No answer had code the judge could choose.',
      ]),
    ];
  }
  return [
    el('div', { class: 'pick-line' }, [
      icon('star-full'),
      el('span', {}, ['Pick: ']),
      el('strong', { class: 'pick-name' }, [pick.modelId]),
      el('span', { class: 'tag strategy' }, [STRATEGY_TEXT[v.strategy] ?? v.strategy]),
    ]),
    el('div', { class: 'verdict-reason', 'data-testid': 'verdict-reason' }, [reasonLine(v, vm)]),
  ];
}

/** Why, in one line of words: "passes 3/3 model tests; 2 of 4 agree". */
export function reasonLine(v: Verdict, vm: ViewModel): string {
  const id = v.pick;
  if (!id) return 'No pick.';
  if (!vm.trusted) return 'Restricted Mode: nothing was run, so this is the judge’s best guess, untested.';
  if (v.unverified) return 'Nothing ran successfully: the least bad answer, not a tested one.';
  const parts: string[] = [];
  const project = vm.candidates[id]?.project;
  if (project) parts.push(projectLine(project).replace('project tests', 'of your tests'));
  const tally = tallyOf(id, v.matrix);
  const rank = v.ranking.find((r) => r.id === id);
  const passed = tally?.passed ?? rank?.testsPassed;
  const total = tally?.total ?? rank?.testsTotal;
  if (total) parts.push(`passes ${passed}/${total} model tests`);
  const e = v.evidence;
  if (e && e.trustedTotal > 0) parts.push(`${e.trustedPassed} of ${e.trustedTotal} of your examples`);
  const candidates = v.ranking.length || vm.order.length;
  if (e) parts.push(`${e.groupSize} of ${candidates} agree`);
  else if (rank && !rank.ran) parts.push('did not run');
  if (!parts.length) parts.push(v.reasons[0] ?? 'the best of the answers');
  return parts.join('; ');
}

const PHASE_TEXT: Readonly<Record<CandidateView['phase'], string>> = {
  streaming: 'answering',
  done: 'answered',
  failed: 'failed',
  cancelled: 'cancelled',
};

function liveChip(c: CandidateView): HTMLElement {
  const state = c.running ? 'running' : PHASE_TEXT[c.phase];
  const glyph = icon(
    c.running || c.phase === 'streaming'
      ? 'loading'
      : c.phase === 'done'
        ? 'check'
        : c.phase === 'failed'
          ? 'error'
          : 'circle-slash',
  );
  if (c.running || c.phase === 'streaming') glyph.classList.add('codicon-modifier-spin');
  return el('li', { class: `chip chip-${c.running ? 'running' : c.phase}` }, [
    glyph,
    el('span', { class: 'chip-name' }, [c.modelId]),
    el('span', { class: 'chip-state' }, [state]),
  ]);
}
