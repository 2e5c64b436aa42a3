/**
 * The gateway's Prometheus metrics (prom-client), on a Registry of its own per gateway: several
 * gateways in one process (the tests) never share or clash on a metric. Gauges are read when
 * scraped (queue, runs by state from the database, sandbox slots); histograms and counters are
 * fed as work happens (model streams per provider, the judge, runs finished).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What a scrape reads from the gateway at that moment. */
export interface MetricsSource {
  queue(): { running: number; queued: number; capacity: number; queueSize: number };
  /** Runs in the database by status (every replica's, on PostgreSQL). */
  runsByState(): Promise<Record<string, number>>;
  /** Each engine's program runs under way and how many it runs at once. */
  sandboxSlots(): { engine: string; inUse: number; capacity: number }[];
  /** Model streams open and waiting per endpoint (ModelGate). */
  modelStreams(): { endpoint: string; open: number; waiting: number }[];
}

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly modelSeconds: Histogram<'provider' | 'model' | 'outcome'>;
  private readonly judgeSeconds: Histogram<'outcome'>;
  private readonly runsFinished: Counter<'status'>;
  /** When each run's judge started (judge-started until its verdict). */
  private readonly judging = new Map<string, number>();

  constructor(source: MetricsSource) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'quorum_' });
    const queue = (name: string, help: string, pick: (q: ReturnType<MetricsSource['queue']>) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(pick(source.queue()));
        },
      });
    queue(
      'quorum_queue_depth',
      'Asks and sandbox calls waiting for admission on this replica.',
      (q) => q.queued,
    );
    queue(
      'quorum_queue_running',
      'Asks and sandbox calls admitted and under way on this replica.',
      (q) => q.running,
    );
    queue('quorum_queue_capacity', 'Asks admitted at once on this replica.', (q) => q.capacity);
    queue('quorum_queue_size', 'Asks that may wait before a 429.', (q) => q.queueSize);
    new Gauge({
      name: 'quorum_runs',
      help: 'Runs in the database by state (every replica on a shared PostgreSQL).',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await source.runsByState();
        this.reset();
        for (const state of ['queued', 'running', 'completed', 'failed', 'cancelled'])
          this.set({ state }, counts[state] ?? 0);
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
    const slots = (name: string, help: string, pick: (s: { inUse: number; capacity: number }) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['engine'],
        registers,
        collect() {
          this.reset();
          for (const s of source.sandboxSlots()) this.set({ engine: s.engine }, pick(s));
        },
      });
    slots('quorum_sandbox_slots_in_use', 'Program runs under way per sandbox engine.', (s) => s.inUse);
    slots(
      'quorum_sandbox_slots_capacity',
      'Program runs an engine runs at once (maxConcurrent).',
      (s) => s.capacity,
    );
    const streams = (name: string, help: string, pick: (s: { open: number; waiting: number }) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['endpoint'],
        registers,
        collect() {
          this.reset();
          const by = new Map<string, number>();
          for (const s of source.modelStreams()) by.set(s.endpoint, (by.get(s.endpoint) ?? 0) + pick(s));
          for (const [endpoint, n] of by) this.set({ endpoint }, n);
        },
      });
    streams('quorum_model_streams_open', 'Model streams open per endpoint.', (s) => s.open);
    streams(
      'quorum_model_streams_waiting',
      'Model requests waiting for a stream per endpoint.',
      (s) => s.waiting,
    );
    this.modelSeconds = new Histogram({
      name: 'quorum_model_stream_seconds',
      help: "Seconds from a model request's start (its stream granted) to its last token, per provider kind and model id.",
      labelNames: ['provider', 'model', 'outcome'],
      buckets: SECONDS,
      registers,
    });
    this.judgeSeconds = new Histogram({
      name: 'quorum_judge_seconds',
      help: 'Seconds the judge took (from judge-started to its verdict, and /v1/judge calls).',
      labelNames: ['outcome'],
      buckets: SECONDS,
      registers,
    });
    this.runsFinished = new Counter({
      name: 'quorum_runs_finished_total',
      help: 'Runs this replica finished, by final status.',
      labelNames: ['status'],
      registers,
    });
  }

  observeModel(provider: string, model: string, seconds: number, ok: boolean): void {
    this.modelSeconds.observe({ provider, model, outcome: ok ? 'ok' : 'error' }, seconds);
  }

  observeJudge(seconds: number, ok: boolean): void {
    this.judgeSeconds.observe({ outcome: ok ? 'ok' : 'error' }, seconds);
  }

  /** Follows a run's events: times its judge (every round's, in a cascade). */
  runEvent(runId: string, type: string): void {
    if (type === 'judge-started') this.judging.set(runId, performance.now());
    else if (type === 'verdict' || type === 'judge-failed' || type === 'tier-done') {
      const started = this.judging.get(runId);
      if (started === undefined) return;
      this.judging.delete(runId);
      this.observeJudge((performance.now() - started) / 1000, type !== 'judge-failed');
    } else if (type === 'end') this.judging.delete(runId);
  }

  runFinished(status: string): void {
    this.runsFinished.inc({ status });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
