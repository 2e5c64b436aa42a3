/**
 * The model records as the panel shows them: overall and for this workspace, each with its
 * timeline, and the enabled models that never win. Pure; the host reads the store and sends this.
 * Numbers only, JSON-safe (no Infinity): it crosses the webview boundary.
 */
import {
  DEFAULT_MIN_ASKS_TO_SUGGEST,
  modelRecords,
  neverWins,
  selectOutcomes,
  timelineOf,
} from './modelRecord';
import type { AskOutcome, ModelRecord, RecordFilter } from './modelRecord';

/**
 * One model's record as the panel shows it: the record's own figures (see modelRecord.ts), plus
 * what the panel reads in JSON (an infinite wins per dollar is `null`).
 */
export type ModelRecordView = Pick<
  ModelRecord,
  | 'modelId'
  | 'kind'
  | 'model'
  | 'asks'
  | 'judgedAsks'
  | 'picks'
  | 'winRate'
  | 'verified'
  | 'editAsks'
  | 'fixes'
  | 'regressions'
  | 'medianLatencyMs'
  | 'costUsd'
  | 'free'
> & {
  /** Mean USD per ask over the asks whose cost is known; undefined when none is. */
  readonly costPerAsk?: number;
  /** Win rate per USD per ask; null when free (every win costs nothing) or unknown (see `free`). */
  readonly winsPerDollar: number | null;
};

/** Asks and picks per model in one time bucket. */
export interface RecordBucketView {
  readonly start: string;
  readonly models: Readonly<Record<string, { readonly asks: number; readonly picks: number }>>;
}

/** One scope of the records: overall, or this workspace. */
export interface RecordScopeView {
  readonly asks: number;
  readonly models: readonly ModelRecordView[];
  readonly timeline: { readonly days: number; readonly buckets: readonly RecordBucketView[] };
}

export interface ModelRecordsView {
  readonly overall: RecordScopeView;
  /** Absent without a workspace folder. */
  readonly workspace?: RecordScopeView & { readonly name: string };
  /** Enabled models judged in at least `minAsks` asks and never picked: the panel offers to disable them. */
  readonly neverWins: readonly string[];
  readonly minAsks: number;
}

export function modelRecordView(r: ModelRecord): ModelRecordView {
  return {
    modelId: r.modelId,
    kind: r.kind,
    model: r.model,
    asks: r.asks,
    judgedAsks: r.judgedAsks,
    picks: r.picks,
    winRate: r.winRate,
    verified: r.verified,
    editAsks: r.editAsks,
    fixes: r.fixes,
    regressions: r.regressions,
    ...(r.medianLatencyMs === undefined ? {} : { medianLatencyMs: r.medianLatencyMs }),
    ...(r.pricedAsks ? { costPerAsk: r.costUsd / r.pricedAsks } : {}),
    costUsd: r.costUsd,
    winsPerDollar: r.winsPerDollar === undefined || r.winsPerDollar === Infinity ? null : r.winsPerDollar,
    free: r.free,
  };
}

function scopeOf(outcomes: readonly AskOutcome[], filter: RecordFilter): RecordScopeView {
  return {
    asks: selectOutcomes(outcomes, filter).length,
    models: modelRecords(outcomes, filter).map(modelRecordView),
    timeline: timelineOf(outcomes, filter),
  };
}

export function recordsView(
  outcomes: readonly AskOutcome[],
  options: {
    /** The workspace folder; its records are shown beside the overall ones. */
    readonly workspace?: string;
    /** Enabled model ids: only those are suggested for disabling. */
    readonly enabled: ReadonlySet<string>;
    readonly minAsks?: number;
  },
): ModelRecordsView {
  const minAsks = options.minAsks ?? DEFAULT_MIN_ASKS_TO_SUGGEST;
  const overall = scopeOf(outcomes, {});
  const workspace = options.workspace
    ? { ...scopeOf(outcomes, { workspace: options.workspace }), name: options.workspace }
    : undefined;
  return {
    overall,
    ...(workspace ? { workspace } : {}),
    neverWins: neverWins(modelRecords(outcomes), { minAsks, enabled: options.enabled }).map((r) => r.modelId),
    minAsks,
  };
}
