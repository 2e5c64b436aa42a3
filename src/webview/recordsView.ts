/**
 * The Models view's records: for this workspace or all of them, each model's asks, picks, win rate,
 * verified answers, project fixes and breaks, latency, cost and wins per dollar, as a table and two
 * charts (win rate against cost, win rate over time). An enabled model judged often and never
 * picked gets a suggestion with a Disable button, which goes through the same `model/toggle` as the
 * prompt's checkboxes (the settings). Every model id and name is a text node.
 */
import type { ModelRecordView, ModelRecordsView, ModelView, RecordScopeView } from '../protocol';
import { el, icon, iconButton, replaceChildren } from './dom';
import { costChart, percent, seriesOf, timeChart, usd } from './recordsChart';
import type { ViewContext } from './viewContext';
import type { ViewModel } from './viewModel';

type Scope = 'workspace' | 'overall';

const folderName = (path: string): string => path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;

const ms = (v: number | undefined): string =>
  v === undefined ? '—' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;

function perDollar(m: ModelRecordView): string {
  if (m.free) return m.picks ? 'free' : '0';
  if (m.winsPerDollar === null) return '—';
  return m.winsPerDollar >= 100 ? m.winsPerDollar.toFixed(0) : m.winsPerDollar.toFixed(1);
}

function table(scope: RecordScopeView): HTMLElement {
  const series = seriesOf(scope.models);
  const head = [
    'Model',
    'Asks',
    'Picks',
    'Win rate',
    'Verified',
    'Fixes / breaks',
    'Median latency',
    'Cost / ask',
    'Wins / $',
  ];
  return el('table', { class: 'records-table', 'data-testid': 'records-table' }, [
    el('thead', {}, [
      el(
        'tr',
        {},
        head.map((h) => el('th', { scope: 'col' }, [h])),
      ),
    ]),
    el(
      'tbody',
      {},
      scope.models.map((m) =>
        el('tr', { 'data-model-id': m.modelId }, [
          el('th', { scope: 'row', title: `${m.kind} · ${m.model}` }, [
            el('span', { class: `swatch series-${series.get(m.modelId) ?? 0}`, 'aria-hidden': 'true' }),
            m.modelId,
          ]),
          el('td', {}, [String(m.asks)]),
          el('td', {}, [String(m.picks)]),
          el('td', {}, [percent(m.winRate)]),
          el('td', {}, [String(m.verified)]),
          el('td', {}, [m.editAsks ? `${m.fixes} / ${m.regressions}` : '—']),
          el('td', {}, [ms(m.medianLatencyMs)]),
          el('td', {}, [m.costPerAsk === undefined ? '—' : usd(m.costPerAsk)]),
          el('td', {}, [perDollar(m)]),
        ]),
      ),
    ),
  ]);
}

function suggestions(
  records: ModelRecordsView,
  models: readonly ModelView[],
  demo: boolean,
  ctx: ViewContext,
): HTMLElement | null {
  if (demo) return null;
  const enabled = new Map(models.filter((m) => m.enabled).map((m) => [m.id, m]));
  const rows = records.neverWins.filter((id) => enabled.has(id));
  if (rows.length === 0) return null;
  const judged = new Map(records.overall.models.map((m) => [m.modelId, m.judgedAsks]));
  return el(
    'ul',
    { class: 'records-suggestions', 'aria-label': 'Suggestions' },
    rows.map((id) => {
      const disable = iconButton(
        'circle-slash',
        `Disable ${id}`,
        () => {
          ctx.dispatch({ type: 'modelEnabled', modelId: id, enabled: false });
          ctx.post({ type: 'model/toggle', modelId: id, enabled: false });
        },
        { text: 'Disable', className: 'secondary small' },
      );
      return el('li', { class: 'records-suggestion', 'data-model-id': id }, [
        icon('lightbulb'),
        el('span', {}, [
          `${id} was never picked in ${judged.get(id) ?? records.minAsks} judged asks: disabling it saves its cost and time.`,
        ]),
        disable,
      ]);
    }),
  );
}

export function createRecordsView(ctx: ViewContext): { root: HTMLElement; update(vm: ViewModel): void } {
  const body = el('div', { class: 'records-body' });
  const exportButton = iconButton(
    'export',
    'Export Model Records (CSV)',
    () => ctx.post({ type: 'records/export' }),
    {
      text: 'Export CSV',
      className: 'secondary small',
    },
  );
  const root = el(
    'section',
    { class: 'records', 'data-testid': 'records-view', 'aria-label': 'Model records' },
    [el('details', { class: 'section' }, [el('summary', {}, [icon('graph'), ' Model records']), body])],
  );
  let scope: Scope | undefined;
  let last: { records?: ModelRecordsView; models?: readonly ModelView[]; demo?: boolean; scope?: Scope } = {};

  const render = (vm: ViewModel): void => {
    const records = vm.records;
    if (!records || records.overall.asks === 0) {
      replaceChildren(body, [
        el('p', { class: 'muted' }, ['No asks recorded yet: each finished ask adds to each model’s record.']),
      ]);
      return;
    }
    const ws = records.workspace;
    const chosen: Scope = scope ?? (ws && ws.asks > 0 ? 'workspace' : 'overall');
    const shown = chosen === 'workspace' && ws ? ws : records.overall;
    const toggle = (s: Scope, text: string): HTMLButtonElement => {
      const b = el(
        'button',
        { type: 'button', class: 'secondary small', 'aria-pressed': String(chosen === s) },
        [text],
      );
      b.addEventListener('click', () => {
        scope = s;
        render(vm);
      });
      return b;
    };
    const scopes = ws
      ? el('div', { class: 'records-scopes', role: 'group', 'aria-label': 'Which asks' }, [
          toggle('workspace', `This workspace (${folderName(ws.name)})`),
          toggle('overall', 'All workspaces'),
        ])
      : null;
    const { chart, unplotted } = costChart(shown);
    const series = seriesOf(shown.models);
    const legend = el(
      'ul',
      { class: 'records-legend', 'aria-hidden': 'true' },
      shown.models.map((m) =>
        el('li', {}, [el('span', { class: `swatch series-${series.get(m.modelId) ?? 0}` }), m.modelId]),
      ),
    );
    const per = shown.timeline.days === 1 ? 'day' : shown.timeline.days === 7 ? 'week' : '30 days';
    replaceChildren(body, [
      scopes,
      el('p', { class: 'muted records-summary' }, [
        `${shown.asks} ask${shown.asks === 1 ? '' : 's'} recorded${chosen === 'workspace' && ws ? ` in ${folderName(ws.name)}` : ''}; demo asks are not counted.`,
      ]),
      suggestions(records, vm.models, vm.demo, ctx),
      shown.models.length
        ? el('figure', { class: 'records-figure' }, [
            chart,
            el('figcaption', { class: 'muted' }, [
              'Win rate against cost per ask',
              unplotted.length ? ` (no price, not plotted: ${unplotted.join(', ')})` : '',
            ]),
          ])
        : null,
      shown.timeline.buckets.length
        ? el('figure', { class: 'records-figure' }, [
            timeChart(shown),
            el('figcaption', { class: 'muted' }, [`Win rate over time, per ${per}`]),
          ])
        : null,
      legend,
      // Scrolls sideways in a narrow sidebar: focusable, so the keyboard can scroll it too.
      el('div', { class: 'records-table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Records table' }, [
        table(shown),
      ]),
      el('div', { class: 'records-actions' }, [exportButton]),
    ]);
  };

  return {
    root,
    update(vm) {
      if (
        vm.records === last.records &&
        vm.models === last.models &&
        vm.demo === last.demo &&
        scope === last.scope
      )
        return;
      last = { records: vm.records, models: vm.models, demo: vm.demo, scope };
      render(vm);
    },
  };
}
