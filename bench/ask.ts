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

const ASKS = Number(process.env.BENCH_ASKS ?? 10);
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
      { env: { ...process.env, OPENAI_API_KEY: 'k', GROQ_API_KEY: 'k' }, maxBuffer: 64 * 1024 * 1024 },
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

const check = (what: string, value: number, target: number): string =>
  `  ${what.padEnd(58)} ${value.toFixed(0).padStart(6)} ms   target <= ${target} ms   ${value <= target ? 'MET' : 'MISSED'}`;

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
    const lines: string[] = [];
    for (const language of ['python', 'javascript'] as const) {
      const fresh = row(`${language} 4 models, new`, await inProcess(server.url, language, 4, false));
      const old = row(`${language} 4 models, batch + fixed`, await inProcess(server.url, language, 4, true));
      const eight = row(`${language} 8 models, new`, await inProcess(server.url, language, 8, false));
      const cli = row(`${language} 4 models, cold CLI`, await coldCli(server.url, language, 4));
      lines.push(
        `${language}: verdict after the last answer, batch / new = ${(old.verdict / fresh.verdict).toFixed(1)}x; run after answer, batch / new = ${(old.run / fresh.run).toFixed(1)}x`,
        check(
          `${language} 4 models: verdict after last answer, median`,
          fresh.verdict,
          TARGET_VERDICT_MEDIAN,
        ),
        check(`${language} 4 models: verdict after last answer, p95`, fresh.p95, TARGET_VERDICT_P95),
        check(
          `${language} 8 models: verdict after last answer, median`,
          eight.verdict,
          TARGET_VERDICT_MEDIAN,
        ),
        check(`${language} 8 models: verdict after last answer, p95`, eight.p95, TARGET_VERDICT_P95),
        check(`${language} cold CLI: verdict after last answer, median`, cli.verdict, TARGET_VERDICT_MEDIAN),
        check(`${language} cold CLI: verdict after last answer, p95`, cli.p95, TARGET_VERDICT_P95),
        check(`${language} 4 models: run result after its answer, median`, fresh.run, TARGET_RUN_MEDIAN),
      );
    }
    console.log('');
    for (const line of lines) console.log(line);
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
