/**
 * Each model's record: what every finished ask says about each model that was asked (picked or not,
 * verified, what its edit did to the project's tests, how long it took, what it cost), kept as one
 * small outcome per ask, and the per-model totals built from those outcomes — overall, or for one
 * workspace. Pure: no file, no clock, no `vscode`; the store (recordStore.ts) keeps the outcomes.
 *
 * An outcome holds ids, counts and figures only: never the prompt, an answer or code.
 */
import { costOf } from '../cost';
import type { CandidateRecord, CandidateStatus, RunRecord, Verdict } from '../types';

export const OUTCOME_VERSION = 1;

/** One model's part in one finished ask. */
export interface CandidateOutcome {
  /** The candidate's id in the ask (what `verdict.pick` names). */
  readonly id: string;
  /** The configured model id (`groq-llama`): what the record is kept by. */
  readonly modelId: string;
  readonly kind: string;
  /** The vendor's model name. */
  readonly model: string;
  readonly status: CandidateStatus;
  readonly picked: boolean;
  /** The candidate's own evidence passed (see `verifiedOf`). */
  readonly verified: boolean;
  /** An edit ask: project tests its edit fixed and broke. */
  readonly fixes?: number;
  readonly regressions?: number;
  readonly latencyMs?: number;
  /** USD; 0 for a local model without a price; absent when the cost is not known. */
  readonly costUsd?: number;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
}

/** One finished ask as the record keeps it: one line of the store. */
export interface AskOutcome {
  readonly v: typeof OUTCOME_VERSION;
  readonly askId: string;
  /** When the ask started (ISO 8601). */
  readonly at: string;
  /** The folder the ask was made in (the editor's workspace folder, the CLI's project or cwd). */
  readonly workspace?: string;
  /** Answers from the recorded demo: kept apart, never counted unless asked for. */
  readonly demo?: boolean;
  readonly shape: 'snippet' | 'edit';
  /** The pick's candidate id; null when the judge picked nothing or gave no verdict. */
  readonly pick: string | null;
  readonly candidates: readonly CandidateOutcome[];
}

/** Model kinds that run on the user's machine and cost nothing when no price is configured. */
const FREE_KINDS: ReadonlySet<string> = new Set(['ollama']);

/**
 * Whether a candidate's own evidence passed:
 * - an edit ask: its edit applied, the project's tests ran and reported, none regressed and none
 *   still fails;
 * - a snippet: its program ran to exit 0 (no timeout, no OOM) and it passed every case of the judge's
 *   matrix it was run on that came from the user (examples, test files) — or, with no such case, every
 *   case it was run on. A candidate that never ran is not verified.
 */
export function verifiedOf(candidate: CandidateRecord, verdict: Verdict | undefined): boolean {
  const p = candidate.project;
  if (p) {
    return (
      p.edit.ok &&
      p.run?.state === 'ok' &&
      p.outcomes.length > 0 &&
      p.counts.regressed === 0 &&
      p.counts.stillFailing === 0
    );
  }
  const run = candidate.run;
  if (!run || run.exitCode !== 0 || run.timedOut || run.oomKilled) return false;
  const matrix = verdict?.matrix;
  const row = matrix?.cells[candidate.id];
  if (!matrix || !row) return true;
  const ran = matrix.cases.filter((c) => row[c.id] !== undefined);
  const trusted = ran.filter((c) => c.trusted);
  return (trusted.length ? trusted : ran).every((c) => row[c.id] === 'pass');
}

function candidateCost(c: CandidateRecord): number | undefined {
  const cost = c.costUsd ?? costOf(c.model.price, c.usage);
  if (cost !== undefined) return cost;
  return !c.model.price && FREE_KINDS.has(c.model.kind) ? 0 : undefined;
}

/**
 * The outcome of a finished ask, or undefined when it tells nothing about the models: cancelled
 * (nobody had a fair chance), or no candidate at all.
 */
export function outcomeOf(record: RunRecord, options: { workspace?: string } = {}): AskOutcome | undefined {
  if (record.cancelled || record.candidates.length === 0) return undefined;
  const pick = record.verdict?.pick ?? null;
  const candidates = record.candidates.map((c): CandidateOutcome => {
    const project = c.project;
    const applied = project?.edit.ok && project.run?.state === 'ok';
    return {
      id: c.id,
      modelId: c.model.id,
      kind: c.model.kind,
      model: c.model.model,
      status: c.status,
      picked: pick !== null && c.id === pick,
      verified: verifiedOf(c, record.verdict),
      ...(project ? { fixes: applied ? project.counts.fixed : 0 } : {}),
      ...(project ? { regressions: applied ? project.counts.regressed : 0 } : {}),
      ...(c.status === 'done' && c.timing ? { latencyMs: Math.round(c.timing.latencyMs) } : {}),
      ...optional('costUsd', candidateCost(c)),
      ...optional('inputTokens', c.usage?.inputTokens),
      ...optional('outputTokens', c.usage?.outputTokens),
    };
  });
  return {
    v: OUTCOME_VERSION,
    askId: record.askId,
    at: record.startedAt,
    ...(options.workspace ? { workspace: options.workspace } : {}),
    ...(record.demo ? { demo: true } : {}),
    shape:
      record.project || record.request.edit || record.candidates.some((c) => c.project) ? 'edit' : 'snippet',
    pick,
    candidates,
  };
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined || !Number.isFinite(value) ? {} : ({ [key]: value } as Record<K, number>);
}

/** A stored line that is not an outcome of this version is skipped by the reader, never fatal. */
export function isAskOutcome(value: unknown): value is AskOutcome {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Partial<AskOutcome>;
  return (
    o.v === OUTCOME_VERSION &&
    typeof o.askId === 'string' &&
    typeof o.at === 'string' &&
    !Number.isNaN(Date.parse(o.at)) &&
    Array.isArray(o.candidates) &&
    o.candidates.every(
      (c: Partial<CandidateOutcome> | null) =>
        typeof c === 'object' &&
        c !== null &&
        typeof c.id === 'string' &&
        typeof c.modelId === 'string' &&
        typeof c.picked === 'boolean' &&
        typeof c.verified === 'boolean',
    )
  );
}

// ---------------------------------------------------------------- aggregation

/** One model's totals over a set of asks. */
export interface ModelRecord {
  readonly modelId: string;
  /** The kind and vendor model name it had in its latest ask. */
  readonly kind: string;
  readonly model: string;
  /** Asks it was part of. */
  readonly asks: number;
  /** Asks in which the judge picked some candidate (the ones it could have won). */
  readonly judgedAsks: number;
  /** Asks in which it was the pick. */
  readonly picks: number;
  /** picks / asks (0 with no ask). */
  readonly winRate: number;
  /** Asks whose answer passed its own evidence (`verifiedOf`). */
  readonly verified: number;
  /** Asks it failed to answer at all (provider error). */
  readonly failures: number;
  /** Edit asks: it took part in, project tests its edits fixed, and broke, summed. */
  readonly editAsks: number;
  readonly fixes: number;
  readonly regressions: number;
  /** Median answer latency over its answered asks, in ms; undefined with none. */
  readonly medianLatencyMs?: number;
  /** Summed cost of the asks whose cost is known, in USD. */
  readonly costUsd: number;
  /** Asks whose cost is known. */
  readonly pricedAsks: number;
  /** Win rate per USD spent per ask; see `winsPerDollar`. Undefined when the cost is unknown. */
  readonly winsPerDollar?: number;
  /** Its cost is known and zero (a local model): every win is free. */
  readonly free: boolean;
  /** The first and the last ask counted (ISO 8601). */
  readonly firstAt: string;
  readonly lastAt: string;
}

export interface RecordFilter {
  /** Only asks made in this folder or below it. */
  readonly workspace?: string;
  /** Count demo asks too (default: only live ones). */
  readonly includeDemo?: boolean;
  /** Only asks at or after this time (ISO 8601). */
  readonly since?: string;
}

/** Whether `workspace` is `folder` or inside it (either path separator). */
export function inWorkspace(workspace: string | undefined, folder: string): boolean {
  if (!workspace) return false;
  const trim = (p: string): string => p.replace(/[\\/]+$/, '');
  const w = trim(workspace);
  const f = trim(folder);
  return w === f || w.startsWith(`${f}/`) || w.startsWith(`${f}\\`);
}

/** The outcomes a filter keeps, one per ask (the last one stored for an ask id wins). */
export function selectOutcomes(outcomes: readonly AskOutcome[], filter: RecordFilter = {}): AskOutcome[] {
  const byAsk = new Map<string, AskOutcome>();
  for (const o of outcomes) {
    if (o.demo && !filter.includeDemo) continue;
    if (filter.workspace !== undefined && !inWorkspace(o.workspace, filter.workspace)) continue;
    if (filter.since !== undefined && o.at < filter.since) continue;
    byAsk.delete(o.askId); // re-inserted: a re-stored ask (a re-run) takes its latest place
    byAsk.set(o.askId, o);
  }
  return [...byAsk.values()];
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Wins per dollar: the win rate over the mean cost of one ask, so a model priced on only some asks
 * is not flattered. Infinity for a model that wins for free, 0 for one that never wins, undefined
 * when its cost is not known (no price configured and not a local model).
 */
export function winsPerDollar(
  r: Pick<ModelRecord, 'asks' | 'picks' | 'costUsd' | 'pricedAsks'>,
): number | undefined {
  if (r.pricedAsks === 0) return undefined;
  if (r.picks === 0) return 0;
  const costPerAsk = r.costUsd / r.pricedAsks;
  return costPerAsk === 0 ? Infinity : r.picks / r.asks / costPerAsk;
}

interface Tally {
  modelId: string;
  kind: string;
  model: string;
  asks: number;
  judgedAsks: number;
  picks: number;
  verified: number;
  failures: number;
  editAsks: number;
  fixes: number;
  regressions: number;
  latencies: number[];
  costUsd: number;
  pricedAsks: number;
  firstAt: string;
  lastAt: string;
}

function finish(t: Tally): ModelRecord {
  const wpd = winsPerDollar(t);
  return {
    modelId: t.modelId,
    kind: t.kind,
    model: t.model,
    asks: t.asks,
    judgedAsks: t.judgedAsks,
    picks: t.picks,
    winRate: t.asks ? t.picks / t.asks : 0,
    verified: t.verified,
    failures: t.failures,
    editAsks: t.editAsks,
    fixes: t.fixes,
    regressions: t.regressions,
    ...(t.latencies.length ? { medianLatencyMs: median(t.latencies) } : {}),
    costUsd: t.costUsd,
    pricedAsks: t.pricedAsks,
    ...(wpd === undefined ? {} : { winsPerDollar: wpd }),
    free: t.pricedAsks > 0 && t.costUsd === 0,
    firstAt: t.firstAt,
    lastAt: t.lastAt,
  };
}

/** Per model id, its totals over the asks the filter keeps. */
export function recordsByModel(
  outcomes: readonly AskOutcome[],
  filter: RecordFilter = {},
): Map<string, ModelRecord> {
  const tallies = new Map<string, Tally>();
  for (const o of selectOutcomes(outcomes, filter)) {
    const seen = new Set<string>();
    for (const c of o.candidates) {
      // One model asked twice in one ask (it should not happen) counts once.
      if (seen.has(c.modelId)) continue;
      seen.add(c.modelId);
      let t = tallies.get(c.modelId);
      if (!t) {
        t = {
          modelId: c.modelId,
          kind: c.kind,
          model: c.model,
          asks: 0,
          judgedAsks: 0,
          picks: 0,
          verified: 0,
          failures: 0,
          editAsks: 0,
          fixes: 0,
          regressions: 0,
          latencies: [],
          costUsd: 0,
          pricedAsks: 0,
          firstAt: o.at,
          lastAt: o.at,
        };
        tallies.set(c.modelId, t);
      }
      if (o.at >= t.lastAt) {
        t.lastAt = o.at;
        t.kind = c.kind;
        t.model = c.model;
      }
      if (o.at < t.firstAt) t.firstAt = o.at;
      t.asks += 1;
      if (o.pick !== null) t.judgedAsks += 1;
      if (c.picked) t.picks += 1;
      if (c.verified) t.verified += 1;
      if (c.status === 'failed') t.failures += 1;
      if (c.fixes !== undefined || c.regressions !== undefined || o.shape === 'edit') t.editAsks += 1;
      t.fixes += c.fixes ?? 0;
      t.regressions += c.regressions ?? 0;
      if (c.latencyMs !== undefined) t.latencies.push(c.latencyMs);
      if (c.costUsd !== undefined) {
        t.costUsd += c.costUsd;
        t.pricedAsks += 1;
      }
    }
  }
  const out = new Map<string, ModelRecord>();
  for (const [id, t] of tallies) out.set(id, finish(t));
  return out;
}

/** The records as a list: most asks first, then by id. */
export function modelRecords(outcomes: readonly AskOutcome[], filter: RecordFilter = {}): ModelRecord[] {
  return [...recordsByModel(outcomes, filter).values()].sort(
    (a, b) => b.asks - a.asks || a.modelId.localeCompare(b.modelId),
  );
}

/**
 * The records best value first, for ordering cascade tiers and choosing models under a budget:
 * free winners (by win rate), then by wins per dollar, then models whose cost is unknown (by win
 * rate), then models that never won (fewest asks first: the least evidence against them). Ties go
 * to the higher win rate, then the lower median latency, then the id.
 */
export function rankByWinsPerDollar(records: Iterable<ModelRecord>): ModelRecord[] {
  const group = (r: ModelRecord): number => {
    if (r.picks === 0) return 3;
    if (r.winsPerDollar === undefined) return 2;
    return r.winsPerDollar === Infinity ? 0 : 1;
  };
  return [...records].sort(
    (a, b) =>
      group(a) - group(b) ||
      (group(a) === 1 ? b.winsPerDollar! - a.winsPerDollar! : 0) ||
      (group(a) === 3 ? a.asks - b.asks : 0) ||
      b.winRate - a.winRate ||
      (a.medianLatencyMs ?? Infinity) - (b.medianLatencyMs ?? Infinity) ||
      a.modelId.localeCompare(b.modelId),
  );
}

/**
 * The records in the shape the ask strategies take (`ModelRecordSummary` of core/strategy/tiers.ts):
 * asks, wins (picks) and USD spent, by model id. Cost counts only the asks whose cost is known.
 */
export function recordSummaries(
  byModel: ReadonlyMap<string, ModelRecord>,
): Map<string, { readonly asks: number; readonly wins: number; readonly costUsd: number }> {
  const out = new Map<string, { asks: number; wins: number; costUsd: number }>();
  for (const [id, r] of byModel) out.set(id, { asks: r.asks, wins: r.picks, costUsd: r.costUsd });
  return out;
}

export const DEFAULT_MIN_ASKS_TO_SUGGEST = 10;

/**
 * Models worth disabling: judged in at least `minAsks` asks (asks where some candidate was picked)
 * and never the pick. Restricted to `enabled` ids when given.
 */
export function neverWins(
  records: Iterable<ModelRecord>,
  options: { minAsks?: number; enabled?: ReadonlySet<string> } = {},
): ModelRecord[] {
  const min = options.minAsks ?? DEFAULT_MIN_ASKS_TO_SUGGEST;
  return [...records].filter(
    (r) => r.picks === 0 && r.judgedAsks >= min && (!options.enabled || options.enabled.has(r.modelId)),
  );
}

// ---------------------------------------------------------------- over time

export interface TimelineBucket {
  /** The bucket's first day (UTC, `YYYY-MM-DD`). */
  readonly start: string;
  /** Per model id: asks in the bucket and picks among them. */
  readonly models: Readonly<Record<string, { readonly asks: number; readonly picks: number }>>;
}

export interface Timeline {
  /** Days per bucket: 1, 7 or 30. */
  readonly days: 1 | 7 | 30;
  readonly buckets: readonly TimelineBucket[];
}

const DAY_MS = 86_400_000;

/**
 * Asks and picks per model over time, in at most `maxBuckets` buckets of one day, one week or 30
 * days (the smallest that covers the span), oldest first, ending with the newest ask's bucket.
 */
export function timelineOf(
  outcomes: readonly AskOutcome[],
  filter: RecordFilter = {},
  maxBuckets = 12,
): Timeline {
  const kept = selectOutcomes(outcomes, filter);
  if (kept.length === 0) return { days: 1, buckets: [] };
  const dayOf = (iso: string): number => Math.floor(Date.parse(iso) / DAY_MS);
  const days = kept.map((o) => dayOf(o.at));
  const first = Math.min(...days);
  const last = Math.max(...days);
  const size = ([1, 7, 30] as const).find((d) => Math.floor((last - first) / d) < maxBuckets) ?? 30;
  const lastBucket = Math.floor(last / size);
  const firstBucket = Math.max(Math.floor(first / size), lastBucket - maxBuckets + 1);
  const buckets = new Map<number, Record<string, { asks: number; picks: number }>>();
  for (let b = firstBucket; b <= lastBucket; b++) buckets.set(b, {});
  kept.forEach((o, i) => {
    const slot = buckets.get(Math.floor(days[i] / size));
    if (!slot) return;
    const seen = new Set<string>();
    for (const c of o.candidates) {
      if (seen.has(c.modelId)) continue;
      seen.add(c.modelId);
      const m = (slot[c.modelId] ??= { asks: 0, picks: 0 });
      m.asks += 1;
      if (c.picked) m.picks += 1;
    }
  });
  return {
    days: size,
    buckets: [...buckets].map(([b, models]) => ({
      start: new Date(b * size * DAY_MS).toISOString().slice(0, 10),
      models,
    })),
  };
}

// ---------------------------------------------------------------- CSV

export const CSV_COLUMNS = [
  'scope',
  'model_id',
  'kind',
  'model',
  'asks',
  'picks',
  'win_rate',
  'verified',
  'failures',
  'edit_asks',
  'fixes',
  'regressions',
  'median_latency_ms',
  'cost_usd',
  'priced_asks',
  'wins_per_dollar',
  'first_ask',
  'last_ask',
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a text field that a
 * spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR) is prefixed with `'`.
 */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') {
    if (value === Infinity) return 'inf';
    return Number.isFinite(value) ? String(Number(value.toPrecision(12))) : '';
  }
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The records as CSV, one row per (scope, model); `scope` is `overall` or the workspace's folder. */
export function recordsCsv(rows: readonly { scope: string; records: readonly ModelRecord[] }[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const { scope, records } of rows) {
    for (const r of records) {
      lines.push(
        [
          scope,
          r.modelId,
          r.kind,
          r.model,
          r.asks,
          r.picks,
          Number(r.winRate.toFixed(4)),
          r.verified,
          r.failures,
          r.editAsks,
          r.fixes,
          r.regressions,
          r.medianLatencyMs,
          r.pricedAsks ? Number(r.costUsd.toFixed(6)) : undefined,
          r.pricedAsks,
          r.winsPerDollar,
          r.firstAt,
          r.lastAt,
        ]
          .map(csvField)
          .join(','),
      );
    }
  }
  return lines.join('\r\n') + '\r\n';
}

/**
 * CSV of a set of outcomes: with `workspace`, that folder's records only; without, the overall
 * records followed by each workspace's (by folder name).
 */
export function outcomesCsv(outcomes: readonly AskOutcome[], filter: RecordFilter = {}): string {
  if (filter.workspace !== undefined)
    return recordsCsv([{ scope: filter.workspace, records: modelRecords(outcomes, filter) }]);
  const kept = selectOutcomes(outcomes, filter);
  const folders = [...new Set(kept.map((o) => o.workspace).filter((w): w is string => !!w))].sort();
  return recordsCsv([
    { scope: 'overall', records: modelRecords(kept, filter) },
    ...folders.map((folder) => ({
      scope: folder,
      records: modelRecords(
        kept.filter((o) => o.workspace === folder),
        filter,
      ),
    })),
  ]);
}
