/**
 * Ask latency benchmark (`npm run bench:ask`): the real pipeline (real SDKs against the replay
 * server, the real sandbox, the real judge) on asks whose answers are paced like the demo's models
 * (each finishes between about 1 and 5.5 s), and what the user waits for after the last answer.
 *
 *   verdict after last   verdictMs - lastAnswerMs of the run record's timeline
 *   run after answer     runEndedMs - answeredMs, per candidate: its run result after its answer
 *
 * Rows, each a median (and p95) over BENCH_ASKS asks (default 10), all in one run:
 *   new     incremental judge (a live harness container per candidate, fed each later test block)
 *           + ask-aware pool (what Quorum does), one long-lived sandbox (the editor)
 *   batch   the judge once after the last answer + the fixed idle pool (before this change)
 *   cli     a cold-started `quorum ask --json` process per ask (new pipeline), engine warm
 * for Python and JavaScript, four models (the demo's) and eight (each recording asked twice).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseConfig } from '../src/core/config';
import { buildPipeline } from '../src/core/pipeline';
import { startAsk } from '../src/core/session';
import type { Language, ModelConfig, RunRecord, Sandbox } from '../src/core/types';
import { DEMO_MODELS, DEMO_PROMPT, DEMO_PROMPT_CHUNK } from '../src/demo/recordings';
import { startReplayServer } from '../src/demo/replayServer';
import { OFFLINE_IMAGES } from '../test/sandbox/offlineImages';
import { emitResults, isSmoke, target, type ResultTarget } from './results';

const SMOKE = isSmoke();
/** Smoke size: one ask of each of two rows (Python, four models, in-process and cold CLI). */
const ASKS = SMOKE ? 1 : Number(process.env.BENCH_ASKS ?? 10);
const TARGET_VERDICT_MEDIAN = 150;
const TARGET_VERDICT_P95 = 400;
const TARGET_RUN_MEDIAN = 50;
const PROMPTS: Readonly<Partial<Record<Language, string>>> = {
  python: DEMO_PROMPT,
  javascript: DEMO_PROMPT_CHUNK,
};

interface Sample {
  readonly verdictAfterLast: number;
  readonly runAfterAnswer: number[];
}

function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))] ?? NaN;
}

function sampleOf(record: RunRecord): Sample | undefined {
  const t = record.timeline;
  if (!record.verdict || t?.verdictMs === undefined || t.lastAnswerMs === undefined) return undefined;
  return {
    verdictAfterLast: t.verdictMs - t.lastAnswerMs,
    runAfterAnswer: record.candidates.flatMap((c) =>
      c.runEndedMs !== undefined && c.answeredMs !== undefined ? [c.runEndedMs - c.answeredMs] : [],
    ),
  };
}

function modelsFor(url: string, count: 4 | 8): ModelConfig[] {
  const demo = DEMO_MODELS(url);
  return count === 4 ? demo : [...demo, ...demo.map((m) => ({ ...m, id: `${m.id}-2` }))];
}

const config = parseConfig({
  sandbox: { images: OFFLINE_IMAGES, pull: false, poolSize: 2 },
}).config;

/** The editor's way: one long-lived sandbox across asks. */
async function inProcess(url: string, language: Language, count: 4 | 8, batch: boolean): Promise<Sample[]> {
  const built = await buildPipeline({ config, models: [], keyFor: () => 'k' });
  const sandbox = built.sandbox;
  if (!sandbox) throw new Error(`no sandbox: ${built.executionDisabled}`);
  // The old fixed pool: the same sandbox without the ask-aware preparation.
  const fixed: Sandbox = {
    run: (r) => sandbox.run(r),
    check: () => sandbox.check(),
    imageFor: (l) => sandbox.imageFor(l),
    dispose: () => sandbox.dispose(),
  };
  const samples: Sample[] = [];
  try {
    for (let i = 0; i < ASKS; i++) {
      const pipeline = await buildPipeline({
        config,
        models: modelsFor(url, count),
        keyFor: () => 'k',
        sandbox: batch ? fixed : sandbox,
        batchJudge: batch,
      });
      const record = await startAsk(
        { instruction: PROMPTS[language] ?? '', intent: 'generate', language },
        pipeline,
        () => {},
      ).done;
      const sample = sampleOf(record);
      if (sample) samples.push(sample);
      else
        console.log(`  (an ask ended without a verdict: ${record.judgeError?.message ?? 'no candidates'})`);
    }
  } finally {
    await built.dispose();
  }
  return samples;
}

/** A fresh `quorum ask` process per ask, as CI runs it. */
async function coldCli(url: string, language: Language, count: 4 | 8): Promise<Sample[]> {
  const dir = mkdtempSync(join(tmpdir(), 'quorum-bench-ask-'));
  const file = join(dir, 'quorum.config.json');
  writeFileSync(
    file,
    JSON.stringify({ models: modelsFor(url, count), sandbox: { images: OFFLINE_IMAGES, pull: false } }),
  );
  const run = promisify(execFile);
  const samples: Sample[] = [];
  for (let i = 0; i < ASKS; i++) {
    const { stdout } = await run(
      process.execPath,
      [
        'dist/cli.js',
        'ask',
        PROMPTS[language] ?? '',
        '--lang',
        language,
        '--config',
        file,
        '--trust-config',
        '--json',
      ],
      // A benchmark's asks are not the user's: kept out of their model records.
      {
        env: { ...process.env, OPENAI_API_KEY: 'k', GROQ_API_KEY: 'k', QUORUM_RECORDS: 'off' },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const sample = sampleOf(JSON.parse(stdout) as RunRecord);
    if (sample) samples.push(sample);
  }
  return samples;
}

function row(label: string, samples: readonly Sample[]): { verdict: number; p95: number; run: number } {
  const verdict = quantile(
    samples.map((s) => s.verdictAfterLast),
    0.5,
  );
  const p95 = quantile(
    samples.map((s) => s.verdictAfterLast),
    0.95,
  );
  const run = quantile(
    samples.flatMap((s) => s.runAfterAnswer),
    0.5,
  );
  console.log(
    `${label.padEnd(36)} ${String(samples.length).padStart(3)}  ${verdict.toFixed(0).padStart(7)} ${p95.toFixed(0).padStart(7)}   ${run.toFixed(0).padStart(7)}`,
  );
  return { verdict, p95, run };
}

type Variant = 'new' | 'batch' | 'eight' | 'cli';
const LABELS: Record<Variant, string> = {
  new: '4 models, new',
  batch: '4 models, batch + fixed',
  eight: '8 models, new',
  cli: '4 models, cold CLI',
};
const LANGUAGE_LABELS = { python: 'Python', javascript: 'JavaScript' } as const;

async function main(): Promise<void> {
  const server = await startReplayServer();
  try {
    console.log(`ask latency, ${ASKS} asks per row (ms; answers paced like the demo's models, 1-5.5 s)`);
    console.log(
      `${'row'.padEnd(36)} ${'n'.padStart(3)}  ${'verdict after last'.padStart(15)}   run after answer`,
    );
    console.log(
      `${''.padEnd(36)} ${''.padStart(3)}  ${'median'.padStart(7)} ${'p95'.padStart(7)}   ${'median'.padStart(7)}`,
    );
    const figures: Record<string, number | null> = {};
    const rows: string[][] = [];
    const targets: ResultTarget[] = [];
    const ms = (v: number): string => v.toFixed(0);
    const languages = SMOKE ? (['python'] as const) : (['python', 'javascript'] as const);
    const variants: readonly Variant[] = SMOKE ? ['new', 'cli'] : ['new', 'batch', 'eight', 'cli'];
    for (const language of languages) {
      const measured: Partial<Record<Variant, { verdict: number; p95: number; run: number }>> = {};
      for (const variant of variants) {
        const samples =
          variant === 'cli'
            ? await coldCli(server.url, language, 4)
            : await inProcess(server.url, language, variant === 'eight' ? 8 : 4, variant === 'batch');
        const label = `${LANGUAGE_LABELS[language]}, ${LABELS[variant]}`;
        if (!samples.length) throw new Error(`${label}: no ask ended with a verdict`);
        const m = row(label, samples);
        measured[variant] = m;
        figures[`${language}.${variant}.verdictAfterLastMedianMs`] = Math.round(m.verdict);
        figures[`${language}.${variant}.verdictAfterLastP95Ms`] = Math.round(m.p95);
        figures[`${language}.${variant}.runAfterAnswerMedianMs`] = Number.isFinite(m.run)
          ? Math.round(m.run)
          : null;
        rows.push([label, ms(m.verdict), ms(m.p95), Number.isFinite(m.run) ? ms(m.run) : '-']);
        if (variant !== 'batch') {
          const who = `${language} ${LABELS[variant].replace(', new', '')}`;
          targets.push(
            target(
              `${who}: verdict after last answer, median (ms)`,
              Math.round(m.verdict),
              `≤ ${TARGET_VERDICT_MEDIAN}`,
              m.verdict <= TARGET_VERDICT_MEDIAN,
            ),
            target(
              `${who}: verdict after last answer, p95 (ms)`,
              Math.round(m.p95),
              `≤ ${TARGET_VERDICT_P95}`,
              m.p95 <= TARGET_VERDICT_P95,
            ),
          );
        }
        if (variant === 'new' && Number.isFinite(m.run))
          targets.push(
            target(
              `${language} 4 models: run result after its answer, median (ms)`,
              Math.round(m.run),
              `≤ ${TARGET_RUN_MEDIAN}`,
              m.run <= TARGET_RUN_MEDIAN,
            ),
          );
      }
      const fresh = measured.new;
      const old = measured.batch;
      if (fresh && old)
        figures[`${language}.batchOverNewVerdict`] = Math.round((old.verdict / fresh.verdict) * 10) / 10;
    }
    await emitResults({
      name: 'ask',
      figures,
      targets,
      notes: { asksPerRow: ASKS },
      tables: {
        latency: {
          columns: [
            'row',
            'verdict after the last answer, median',
            'p95',
            "a run's result after its answer, median",
          ],
          rows,
        },
      },
    });
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
