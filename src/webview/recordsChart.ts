/**
 * The model records' charts as inline SVG built node by node: no library, no remote resource, no
 * inline style (the panel's CSP allows neither), colours from the theme through CSS classes. Every
 * label is a text node (`textContent`), so a model id can never become markup.
 */
import type { ModelRecordView, RecordScopeView } from '../protocol';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** The same rule as dom.ts: nothing that runs code, loads a resource or styles inline. */
const FORBIDDEN_ATTR = /^(on|style$|src$|href$|xlink:href$)/i;
/** Colours for at most this many models (series-0 .. series-5 in panel.css); the rest repeat. */
export const SERIES = 6;

const W = 320;
const H = 170;
const M = { left: 38, right: 14, top: 10, bottom: 30 } as const;
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

type SvgChild = SVGElement | string | null | undefined | false;

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | undefined> = {},
  children: readonly SvgChild[] = [],
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (FORBIDDEN_ATTR.test(name)) throw new Error(`svg(): attribute "${name}" is not allowed`);
    if (value !== undefined) node.setAttribute(name, String(value));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return node;
}

export const percent = (r: number): string => `${Math.round(r * 100)}%`;

export function usd(v: number): string {
  if (v === 0) return '$0';
  if (v < 0.0001) return `$${v.toExponential(1)}`;
  return v < 0.01 ? `$${v.toFixed(4)}` : `$${v.toFixed(2)}`;
}

const y = (rate: number): number => M.top + (1 - rate) * PH;
const round = (v: number): number => Math.round(v * 10) / 10;

function frame(label: string, xTicks: readonly { x: number; text: string }[]): SVGElement[] {
  const out: SVGElement[] = [
    svg('title', {}, [label]),
    svg('path', { class: 'chart-grid', d: `M${M.left} ${y(0.5)}H${M.left + PW}` }),
    svg('path', { class: 'chart-axis', d: `M${M.left} ${M.top}V${M.top + PH}H${M.left + PW}` }),
  ];
  for (const rate of [0, 0.5, 1])
    out.push(
      svg('text', { class: 'chart-tick', x: M.left - 4, y: round(y(rate) + 3), 'text-anchor': 'end' }, [
        percent(rate),
      ]),
    );
  // The first and last ticks sit at the plot's edges: anchored inward, so they are never cut.
  xTicks.forEach((t, i) => {
    const anchor =
      xTicks.length > 1 && i === 0
        ? 'start'
        : xTicks.length > 1 && i === xTicks.length - 1
          ? 'end'
          : 'middle';
    out.push(
      svg('text', { class: 'chart-tick', x: round(t.x), y: M.top + PH + 12, 'text-anchor': anchor }, [
        t.text,
      ]),
    );
  });
  return out;
}

function chartRoot(testId: string, label: string, children: readonly SvgChild[]): SVGSVGElement {
  return svg(
    'svg',
    {
      class: 'records-chart',
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-label': label,
      'data-testid': testId,
      preserveAspectRatio: 'xMidYMid meet',
    },
    children,
  );
}

/** The series index of a model: its place in the scope's list (most asks first). */
export function seriesOf(models: readonly ModelRecordView[]): Map<string, number> {
  return new Map(models.map((m, i) => [m.modelId, i % SERIES]));
}

/**
 * Win rate (y) against mean cost per ask (x), one dot per model with a known cost; a local model
 * sits at $0. Models whose cost is unknown are returned in `unplotted`, to be said beside the chart.
 */
export function costChart(scope: RecordScopeView): { chart: SVGSVGElement; unplotted: string[] } {
  const series = seriesOf(scope.models);
  const plotted = scope.models.filter((m) => m.costPerAsk !== undefined && m.asks > 0);
  const unplotted = scope.models.filter((m) => m.costPerAsk === undefined).map((m) => m.modelId);
  const maxCost = Math.max(0, ...plotted.map((m) => m.costPerAsk!));
  const xMax = maxCost > 0 ? maxCost * 1.1 : 1;
  const x = (c: number): number => M.left + (c / xMax) * PW;
  const ticks =
    maxCost > 0 ? [0, xMax / 2, xMax].map((c) => ({ x: x(c), text: usd(c) })) : [{ x: x(0), text: '$0' }];
  const label = 'Win rate against cost per ask, one dot per model';
  const dots = plotted.map((m) => {
    const cx = round(x(m.costPerAsk!));
    const cy = round(y(m.winRate));
    const nearRight = cx > M.left + PW - 70;
    return svg(
      'g',
      { class: `chart-point series-${series.get(m.modelId) ?? 0}`, 'data-model-id': m.modelId },
      [
        svg('circle', { cx, cy, r: 4 }, [
          svg('title', {}, [
            `${m.modelId}: picked in ${m.picks} of ${m.asks} asks (${percent(m.winRate)}), ` +
              `${m.free ? 'free' : `${usd(m.costPerAsk!)} per ask`}`,
          ]),
        ]),
        svg(
          'text',
          {
            class: 'chart-label',
            x: nearRight ? cx - 7 : cx + 7,
            y: round(Math.min(Math.max(cy + 3, M.top + 8), M.top + PH - 2)),
            'text-anchor': nearRight ? 'end' : 'start',
          },
          [m.modelId],
        ),
      ],
    );
  });
  const axisName = svg('text', { class: 'chart-tick', x: M.left + PW, y: H - 4, 'text-anchor': 'end' }, [
    'cost per ask →',
  ]);
  return {
    chart: chartRoot('records-cost-chart', label, [...frame(label, ticks), axisName, ...dots]),
    unplotted,
  };
}

/**
 * Win rate per model over time: one line per model (the `limit` with most asks) through the buckets
 * in which it was asked; a bucket without its asks breaks the line.
 */
export function timeChart(scope: RecordScopeView, limit = SERIES): SVGSVGElement {
  const buckets = scope.timeline.buckets;
  const n = buckets.length;
  const x = (i: number): number => M.left + (n <= 1 ? PW / 2 : (i / (n - 1)) * PW);
  const day = (s: string): string => s.slice(5);
  const ticks =
    n === 0
      ? []
      : n === 1
        ? [{ x: x(0), text: day(buckets[0].start) }]
        : [
            { x: x(0), text: day(buckets[0].start) },
            { x: x(n - 1), text: day(buckets[n - 1].start) },
          ];
  const per = scope.timeline.days === 1 ? 'day' : scope.timeline.days === 7 ? 'week' : '30 days';
  const label = `Win rate per model over time, one point per ${per}`;
  const series = seriesOf(scope.models);
  const lines = scope.models.slice(0, limit).map((m) => {
    const parts: SVGElement[] = [];
    let run: string[] = [];
    const flush = (): void => {
      if (run.length > 1) parts.push(svg('polyline', { points: run.join(' ') }));
      run = [];
    };
    buckets.forEach((b, i) => {
      const cell = b.models[m.modelId];
      if (!cell || cell.asks === 0) return flush();
      const px = round(x(i));
      const py = round(y(cell.picks / cell.asks));
      run.push(`${px},${py}`);
      parts.push(
        svg('circle', { cx: px, cy: py, r: 2.5 }, [
          svg('title', {}, [`${m.modelId}, ${b.start}: picked in ${cell.picks} of ${cell.asks}`]),
        ]),
      );
    });
    flush();
    return svg(
      'g',
      { class: `chart-line series-${series.get(m.modelId) ?? 0}`, 'data-model-id': m.modelId },
      parts,
    );
  });
  return chartRoot('records-time-chart', label, [...frame(label, ticks), ...lines]);
}
