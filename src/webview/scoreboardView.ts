/**
 * The scoreboard: one row per model, in rank order (the pick first), with a bar of the tests it
 * passes, its latency and cost, so the picture reads at a glance in a narrow sidebar. Each row
 * expands to the cases it fails, first; the full candidate x case matrix opens in an editor tab.
 */
import { tallyOf } from './badges';
import { el, icon, iconButton } from './dom';
import type { CellResult, MatrixCase, Verdict } from './domainTypes';
import { formatMs } from './runView';
import type { CandidateView, ViewModel } from './viewModel';
import type { ViewContext } from './viewContext';

const SOURCE_TEXT: Readonly<Record<NonNullable<MatrixCase['source']>, string>> = {
  prompt: 'your example from the prompt',
  context: 'your example from the selected code',
  file: 'your test file',
};

const RESULT_TEXT: Readonly<Record<CellResult, string>> = {
  pass: 'passes',
  fail: 'fails',
  error: 'errors',
  timeout: 'times out',
};

/** Candidate ids in rank order, the pick first; candidates the judge did not rank come last. */
export function rankedIds(vm: ViewModel): string[] {
  const v = vm.verdict;
  if (!v) return [...vm.order];
  const rank = new Map(v.ranking.map((r, i) => [r.id, i]));
  const pos = (id: string): number => (id === v.pick ? -1 : (rank.get(id) ?? Number.MAX_SAFE_INTEGER));
  return [...vm.order].sort((a, b) => pos(a) - pos(b) || vm.order.indexOf(a) - vm.order.indexOf(b));
}

export function createScoreboard(v: Verdict, vm: ViewModel, ctx: ViewContext): HTMLElement {
  const matrix = v.matrix!;
  const ids = rankedIds(vm).filter((id) => matrix.cells[id]);
  const failingAny = matrix.cases.filter((tc) => ids.some((id) => matrix.cells[id]?.[tc.id] !== 'pass'));
  const trusted = matrix.cases.filter((tc) => tc.trusted).length;
  return el('section', { class: 'scoreboard', 'aria-label': 'Scoreboard', 'data-testid': 'scoreboard' }, [
    el('div', { class: 'scoreboard-head' }, [
      el('h3', {}, [icon('graph'), ' Scoreboard']),
      iconButton(
        'open-preview',
        'Open the full test matrix in an editor tab',
        () => ctx.post({ type: 'matrix/open' }),
        { text: 'Full matrix', className: 'secondary small' },
      ),
    ]),
    el('p', { class: 'muted scoreboard-caption' }, [
      `${matrix.cases.length} test cases${trusted ? ` (${trusted} yours)` : ''}; ` +
        (failingAny.length
          ? `${failingAny.length} tell the answers apart.`
          : 'every answer passes all of them.'),
    ]),
    el(
      'ol',
      { class: 'score-rows' },
      ids.map((id) => row(id, v, vm)),
    ),
  ]);
}

function row(id: string, v: Verdict, vm: ViewModel): HTMLElement {
  const matrix = v.matrix!;
  const c: CandidateView | undefined = vm.candidates[id];
  const name = c?.modelId ?? id;
  const tally = tallyOf(id, matrix) ?? { passed: 0, total: 0 };
  const pct = tally.total ? Math.round((tally.passed / tally.total) * 100) : 0;
  const fill = el('span', { class: 'bar-fill' });
  fill.style.width = `${pct}%`;
  const bar = el(
    'span',
    {
      class: `bar ${tally.passed === tally.total ? 'bar-full' : ''}`,
      role: 'img',
      'aria-label': `${tally.passed} of ${tally.total} tests passed`,
    },
    [fill],
  );
  const cells = matrix.cells[id] ?? {};
  const failing = matrix.cases.filter((tc) => cells[tc.id] !== 'pass');
  const facts = [
    c?.timing ? formatMs(c.timing.latencyMs) : null,
    c?.costUsd !== undefined ? `$${c.costUsd.toFixed(c.costUsd < 0.01 ? 5 : 3)}` : null,
  ].filter((x): x is string => x !== null);
  const summary = el('summary', { class: 'score-summary' }, [
    el('span', { class: 'score-name' }, [
      id === v.pick ? icon('star-full') : null,
      el('span', { class: 'score-model', title: name }, [name]),
    ]),
    bar,
    el('span', { class: 'score-count' }, [`${tally.passed}/${tally.total}`]),
    el('span', { class: 'score-facts muted' }, [facts.join(' · ')]),
  ]);
  const list = failing.length
    ? el(
        'ul',
        { class: 'failing', 'aria-label': `Tests ${name} does not pass` },
        failing.map((tc) => {
          const r = cells[tc.id];
          return el('li', {}, [
            el('span', { class: 'fail-word' }, [
              icon(r === 'timeout' ? 'watch' : 'close'),
              r ? RESULT_TEXT[r] : 'not run',
            ]),
            tc.trusted ? el('span', { class: 'tag' }, [SOURCE_TEXT[tc.source ?? 'prompt']]) : null,
            el('code', {}, [tc.code]),
          ]);
        }),
      )
    : el('div', { class: 'muted' }, ['Passes every test case.']);
  return el('li', { class: `score-row${id === v.pick ? ' is-pick' : ''}`, 'data-candidate-id': id }, [
    el('details', {}, [summary, list]),
  ]);
}
