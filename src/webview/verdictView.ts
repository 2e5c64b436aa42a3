/**
 * The verdict's details below the verdict bar: the scoreboard (one row per model: a bar of tests
 * passed, latency, cost; its failing tests on expand), and, collapsed, why the judge chose: strategy,
 * confidence, reasons, the optional LLM opinion. The full matrix opens in an editor tab.
 */
import { createScoreboard } from './scoreboardView';
import { el, icon, replaceChildren } from './dom';
import type { JudgeFailure, Verdict } from './domainTypes';
import type { ViewModel } from './viewModel';
import type { ViewContext } from './viewContext';

const STRATEGY_TEXT: Readonly<Record<Verdict['strategy'], string>> = {
  consensus: 'Consensus of agreeing outputs',
  'high-confidence': 'High confidence',
  'best-available': 'Best available',
  fallback: 'Fallback',
  'cross-test': 'Cross-tests (CodeT)',
  'project-tests': 'Project tests',
};

export interface VerdictView {
  readonly root: HTMLElement;
  update(vm: ViewModel): void;
}

export function createVerdictView(ctx: ViewContext): VerdictView {
  const root = el('section', {
    class: 'verdict',
    'data-testid': 'verdict',
    'aria-label': 'Verdict',
    hidden: true,
  });
  let last: Verdict | undefined;
  let lastOrder: readonly string[] = [];
  let lastFailure: JudgeFailure | undefined;
  let lastTrusted = true;
  const why = new Map<string, boolean>();
  return {
    root,
    update(vm) {
      const failure = vm.ask?.judgeError;
      if (
        vm.verdict === last &&
        vm.order === lastOrder &&
        failure === lastFailure &&
        vm.trusted === lastTrusted
      )
        return;
      last = vm.verdict;
      lastOrder = vm.order;
      lastFailure = failure;
      lastTrusted = vm.trusted;
      root.hidden = !vm.verdict && !failure;
      if (vm.verdict) replaceChildren(root, render(vm.verdict, vm, ctx, why));
      else if (failure) replaceChildren(root, renderFailure(failure));
      else root.replaceChildren();
    },
  };
}

/** No verdict, and why: the judge itself failed (its harness crashed, the engine went away). */
function renderFailure(failure: JudgeFailure): HTMLElement[] {
  return [
    el('h2', {}, [icon('law'), ' Verdict']),
    el('div', { class: 'banner unverified', role: 'alert', 'data-testid': 'judge-failed' }, [
      icon('error'),
      el('span', { class: 'banner-text' }, [`${failure.message} ${failure.advice}`]),
    ]),
  ];
}

function nameOf(vm: ViewModel, id: string | null | undefined): string {
  if (!id) return 'none';
  return vm.candidates[id]?.modelId ?? id;
}

function render(v: Verdict, vm: ViewModel, ctx: ViewContext, open: Map<string, boolean>): HTMLElement[] {
  const key = vm.ask?.askId ?? '';
  const why = el('details', { class: 'section why', open: open.get(key) ?? false }, [
    el('summary', {}, ['Why this pick']),
    el('dl', { class: 'facts' }, [
      ...evidenceFacts(v),
      el('dt', {}, ['Pick']),
      el('dd', { class: 'pick-name' }, [nameOf(vm, v.pick)]),
      el('dt', {}, ['Strategy']),
      el('dd', {}, [STRATEGY_TEXT[v.strategy] ?? v.strategy]),
      el('dt', {}, ['Confidence']),
      el('dd', {}, [confidenceMeter(v.confidence)]),
    ]),
    v.reasons.length
      ? el(
          'ul',
          { class: 'reasons', 'aria-label': 'Reasons' },
          v.reasons.map((r) => el('li', {}, [r])),
        )
      : null,
    v.llm
      ? el('div', { class: 'llm-opinion' }, [
          el('strong', {}, [`LLM judge (${v.llm.model}) picks ${nameOf(vm, v.llm.pick)}: `]),
          v.llm.rationale,
        ])
      : null,
  ]);
  why.addEventListener('toggle', () => open.set(key, why.open));
  return [
    // In Restricted Mode nothing runs by design: the one trust banner says so, not a red alert here.
    v.unverified && vm.trusted
      ? el('div', { class: 'banner unverified', role: 'alert' }, [
          icon('warning'),
          el('span', { class: 'banner-text' }, [
            'Unverified: nothing ran successfully, so the pick is the least bad answer, not a tested one.',
          ]),
        ])
      : null,
    v.matrix && v.matrix.cases.length ? createScoreboard(v, vm, ctx) : null,
    why,
  ].filter((x): x is HTMLElement => x !== null);
}

/** What the chosen group did: examples and cases passed, how many candidates behave the same. */
function evidenceFacts(v: Verdict): HTMLElement[] {
  const e = v.evidence;
  if (!e) return [];
  return [
    ...(e.trustedTotal > 0
      ? [el('dt', {}, ['Your examples']), el('dd', {}, [`${e.trustedPassed} of ${e.trustedTotal} pass`])]
      : []),
    el('dt', {}, ['Cases passed']),
    el('dd', {}, [`${e.casesPassed} of ${e.casesTotal}`]),
    el('dt', {}, ['Agreeing']),
    el('dd', {}, [
      e.groupSize === 1 ? 'no other candidate behaves the same' : `${e.groupSize} candidates behave the same`,
    ]),
  ];
}

function confidenceMeter(confidence: number): HTMLElement {
  const pct = Math.round(Math.max(0, Math.min(1, confidence)) * 100);
  return el('span', { class: 'confidence' }, [
    el('meter', { min: 0, max: 100, value: pct, 'aria-label': 'Confidence' }),
    ` ${pct}%`,
  ]);
}
