/**
 * The judge's verdict: the pick, how it was chosen and how sure the judge is, its reasons, the
 * optional LLM opinion, and the full candidate x test-case matrix as an accessible table.
 */
import { el, icon, replaceChildren } from './dom';
import type { CellResult, JudgeFailure, MatrixCase, Verdict } from './domainTypes';
import type { ViewModel } from './viewModel';

const STRATEGY_TEXT: Readonly<Record<Verdict['strategy'], string>> = {
  consensus: 'Consensus of agreeing outputs',
  'high-confidence': 'High confidence',
  'best-available': 'Best available',
  fallback: 'Fallback',
  'cross-test': 'Cross-tests (CodeT)',
};

export interface VerdictView {
  readonly root: HTMLElement;
  update(vm: ViewModel): void;
}

export function createVerdictView(): VerdictView {
  const root = el('section', {
    class: 'verdict',
    'data-testid': 'verdict',
    'aria-label': 'Verdict',
    hidden: true,
  });
  let last: Verdict | undefined;
  let lastOrder: readonly string[] = [];
  let lastFailure: JudgeFailure | undefined;
  return {
    root,
    update(vm) {
      const failure = vm.ask?.judgeError;
      if (vm.verdict === last && vm.order === lastOrder && failure === lastFailure) return;
      last = vm.verdict;
      lastOrder = vm.order;
      lastFailure = failure;
      root.hidden = !vm.verdict && !failure;
      if (vm.verdict) replaceChildren(root, render(vm.verdict, vm));
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

function render(v: Verdict, vm: ViewModel): HTMLElement[] {
  return [
    el('h2', {}, [icon('law'), ' Verdict']),
    v.unverified
      ? el('div', { class: 'banner unverified', role: 'alert' }, [
          icon('warning'),
          el('span', { class: 'banner-text' }, [
            'Unverified: nothing ran successfully, so the pick is the least bad answer, not a tested one.',
          ]),
        ])
      : null,
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
    v.matrix && v.matrix.cases.length ? matrixTable(v, vm) : null,
  ].filter((x): x is HTMLElement => x !== null);
}

const SOURCE_TEXT: Readonly<Record<NonNullable<MatrixCase['source']>, string>> = {
  prompt: 'from the prompt',
  context: 'from the selected code',
  file: 'from a test file',
};

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

const CELL_LABEL: Readonly<Record<CellResult, string>> = {
  pass: 'pass',
  fail: 'fail',
  error: 'error',
  timeout: 'timeout',
};

function matrixTable(v: Verdict, vm: ViewModel): HTMLElement {
  const matrix = v.matrix!;
  const ids = vm.order.filter((id) => matrix.cells[id]);
  return el('div', { class: 'matrix-scroll', tabindex: 0 }, [
    el('table', { class: 'matrix' }, [
      el('caption', {}, [
        matrix.cases.some((c) => c.trusted)
          ? 'Test matrix: each candidate against your examples (E, trusted) and the test cases the models wrote (T)'
          : 'Test matrix: each candidate against every test case the models wrote',
      ]),
      el('thead', {}, [
        el('tr', {}, [
          el('th', { scope: 'col' }, ['Candidate']),
          ...matrix.cases.map((tc, i) =>
            tc.trusted
              ? el('th', { scope: 'col', class: 'trusted', title: tc.code }, [
                  el('abbr', { title: `Your example (${SOURCE_TEXT[tc.source ?? 'prompt']}): ${tc.code}` }, [
                    `E${i + 1}`,
                  ]),
                ])
              : el('th', { scope: 'col', title: tc.code }, [
                  el('abbr', { title: `${tc.id}: ${tc.code}` }, [`T${i + 1}`]),
                ]),
          ),
        ]),
      ]),
      el(
        'tbody',
        {},
        ids.map((id) =>
          el('tr', { class: id === v.pick ? 'is-pick' : '' }, [
            el('th', { scope: 'row' }, [nameOf(vm, id)]),
            ...matrix.cases.map((tc) => {
              const r = matrix.cells[id]?.[tc.id];
              return el('td', { class: `cell cell-${r ?? 'none'}` }, [r ? CELL_LABEL[r] : '—']);
            }),
          ]),
        ),
      ),
    ]),
  ]);
}
