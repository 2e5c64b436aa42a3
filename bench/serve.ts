/**
 * Gateway load benchmark (`npm run bench:serve`): a real `quorum serve` process (default settings:
 * admission sized from the engine's run capacity, runs in a SQLite file in its folder) in front of
 * the replay server paced as in the demo (recorded time to
 * first token and pace between pieces) and the real Docker sandbox, driven by autocannon at 1, 4
 * and 16 concurrent clients for a fixed count of asks each, through the original synchronous
 * `POST /api/v1/inference` (four models per ask, every answer run, judged). Prints per level:
 * completed asks per minute, p50/p95 latency of completed asks, 429 and 503 counts, the server's
 * memory (RSS) before and after; at the end, the containers the server left after SIGTERM (0).
 *
 * Then, in the same run, on a real PostgreSQL (test/server/postgres.ts: a throw-away database on
 * the local cluster): 16 clients against one `quorum serve --database postgres://…` replica, and
 * 16 clients split over two replicas on that database (issue 27 item 3), same asks; both replicas
 * share this machine's CPUs and Docker engine, so the second one adds places, not cores.
 *
 * Env: BENCH_SERVE_N asks per level (default and least 16); QUORUM_BENCH_SMOKE=1: one client, two
 * asks, no warm-up ask, no PostgreSQL part (bench/results.ts).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { DEMO_MODELS, DEMO_PROMPT } from '../src/demo/recordings';
import { startReplayServer } from '../src/demo/replayServer';
import { OFFLINE_IMAGES } from '../test/sandbox/offlineImages';
import { testDatabase } from '../test/server/postgres';
import { emitResults, isSmoke, target } from './results';

const SMOKE = isSmoke();
/** At least the most clients: autocannon gives each connection one request at least. */
const N = SMOKE ? 2 : Math.max(16, Number(process.env.BENCH_SERVE_N ?? 16));
const LEVELS = SMOKE ? [1] : [1, 4, 16];

const rssMiB = (pid: number): number => {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(line?.[1] ?? 0) / 1024;
};
const containersOf = (pid: number): number =>
  execFileSync('docker', ['ps', '-aq', '--filter', `label=dev.quorum.owner=${hostname()}:${pid}`], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean).length;
const percentile = (sorted: number[], p: number): number =>
  sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN)
    : NaN;

interface Served {
  readonly url: string;
  readonly pid: number;
  readonly exited: Promise<number | null>;
  stop(): void;
}

/** `quorum serve --port 0` in `dir` (its config already there), with `args`; resolves once it listens. */
async function serve(dir: string, args: string[], env: Record<string, string>): Promise<Served> {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const child = spawn(
    process.execPath,
    ['--import', tsx, join(__dirname, '../src/cli.ts'), 'serve', '--port', '0', ...args],
    {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`quorum serve exited ${code}:\n${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  process.once('exit', () => child.kill('SIGTERM'));
  return { url, pid: child.pid ?? 0, exited, stop: () => child.kill('SIGTERM') };
}

interface Level {
  readonly completed: number;
  readonly perMinute: number;
  readonly p50: number;
  readonly p95: number;
  readonly s429: number;
  readonly s503: number;
  readonly other: number;
}

/** `connections` clients and `amount` asks split evenly over `urls`, all at once. */
async function drive(urls: readonly string[], connections: number, amount: number): Promise<Level> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const t0 = Date.now();
  const results = await Promise.all(
    urls.map((url, i) => {
      const share = (n: number): number => Math.floor(n / urls.length) + (i < n % urls.length ? 1 : 0);
      const instance = autocannon({
        url: `${url}/api/v1/inference`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: DEMO_PROMPT, execute_code: true }),
        connections: share(connections),
        amount: share(amount),
        timeout: 300,
      });
      instance.on('response', (_client, status, _bytes, ms) => {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 200) latencies.push(ms);
      });
      return new Promise<{ errors: number }>((resolve) => instance.on('done', resolve));
    }),
  );
  const seconds = (Date.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const completed = statuses.get(200) ?? 0;
  return {
    completed,
    perMinute: (completed / seconds) * 60,
    p50: percentile(latencies, 50) / 1000,
    p95: percentile(latencies, 95) / 1000,
    s429: statuses.get(429) ?? 0,
    s503: statuses.get(503) ?? 0,
    other:
      [...statuses].filter(([s]) => ![200, 429, 503].includes(s)).reduce((n, [, c]) => n + c, 0) +
      results.reduce((n, r) => n + r.errors, 0),
  };
}

/**
 * 16 clients against one replica on a fresh PostgreSQL database, then split over two replicas on
 * it; undefined (with the reason) when there is no PostgreSQL.
 */
async function replicaLevels(replayUrl: string): Promise<{ one: Level; two: Level } | { skipped: string }> {
  const database = await testDatabase();
  if ('skip' in database) return { skipped: database.skip };
  const started: Served[] = [];
  try {
    const replica = async (name: string): Promise<Served> => {
      const dir = mkdtempSync(join(tmpdir(), `quorum-bench-replica-${name}-`));
      writeFileSync(
        join(dir, 'quorum.config.json'),
        JSON.stringify({ models: DEMO_MODELS(replayUrl), sandbox: { images: OFFLINE_IMAGES } }),
      );
      const served = await serve(dir, ['--database', database.url], {
        ...DEMO_KEYS,
        QUORUM_REPLICA_ID: name,
      });
      started.push(served);
      // Warm it (first SDK loads, the first container) before measuring.
      await fetch(`${served.url}/api/v1/inference`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: DEMO_PROMPT }),
      });
      return served;
    };
    const a = await replica('bench-a');
    const one = await drive([a.url], 16, N);
    const b = await replica('bench-b');
    const two = await drive([a.url, b.url], 16, N);
    return { one, two };
  } finally {
    for (const s of started) s.stop();
    await Promise.all(started.map((s) => s.exited));
    await database.drop();
  }
}

const DEMO_KEYS = {
  QUORUM_DEMO_GPT_4O_MINI_API_KEY: 'demo',
  QUORUM_DEMO_LLAMA_3_3_70B_API_KEY: 'demo',
  QUORUM_DEMO_DEEPSEEK_R1_API_KEY: 'demo',
};

async function main(): Promise<void> {
  const replay = await startReplayServer(); // the demo's recorded pacing
  const dir = mkdtempSync(join(tmpdir(), 'quorum-bench-serve-'));
  writeFileSync(
    join(dir, 'quorum.config.json'),
    JSON.stringify({ models: DEMO_MODELS(replay.url), sandbox: { images: OFFLINE_IMAGES } }),
  );
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const child = spawn(
    process.execPath,
    ['--import', tsx, join(__dirname, '../src/cli.ts'), 'serve', '--port', '0'],
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        // Its database in its own folder: a killed bench leaves no runs for another server to re-queue.
        QUORUM_DATA_DIR: dir,
        QUORUM_DEMO_GPT_4O_MINI_API_KEY: 'demo',
        QUORUM_DEMO_LLAMA_3_3_70B_API_KEY: 'demo',
        QUORUM_DEMO_DEEPSEEK_R1_API_KEY: 'demo',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const pid = child.pid ?? 0;
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`quorum serve exited ${code}:\n${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // A bench that dies must not leave its server (and its containers) behind.
  process.once('exit', () => child.kill('SIGTERM'));

  // One ask to warm the process (first SDK loads, the first container runs) before measuring.
  if (!SMOKE)
    await fetch(`${url}/api/v1/inference`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: DEMO_PROMPT }),
    });
  const queue = (await (await fetch(`${url}/v1/queue`)).json()) as { capacity: number; queueSize: number };
  console.log(
    `quorum serve (pid ${pid}) at ${url}: 4 demo models, ${queue.capacity} asks at once, ${queue.queueSize} queued; ${N} asks per level`,
  );
  const load = (): string =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  console.log(
    `${availableParallelism()} cores, load average ${load()} (other work on the machine slows every figure)`,
  );
  console.log('clients  completed  asks/min  p50 (s)  p95 (s)  429  503  other  RSS before -> after (MiB)');
  const loadStart = loadavg()[0] ?? 0;
  const figures: Record<string, number | null> = {};
  const rows: string[][] = [];
  for (const connections of LEVELS) {
    const before = rssMiB(pid);
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    const instance = autocannon({
      url: `${url}/api/v1/inference`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: DEMO_PROMPT, execute_code: true }),
      connections,
      amount: N,
      timeout: 300,
    });
    instance.on('response', (_client, status, _bytes, ms) => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 200) latencies.push(ms);
    });
    const result = await new Promise<{ duration: number; errors: number }>((resolve) =>
      instance.on('done', resolve),
    );
    latencies.sort((a, b) => a - b);
    const completed = statuses.get(200) ?? 0;
    const other =
      [...statuses].filter(([s]) => ![200, 429, 503].includes(s)).reduce((n, [, c]) => n + c, 0) +
      result.errors;
    const after = rssMiB(pid);
    const perMinute = (completed / result.duration) * 60;
    const p50 = percentile(latencies, 50) / 1000;
    const p95 = percentile(latencies, 95) / 1000;
    const r2 = (v: number): number | null => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null);
    Object.assign(figures, {
      [`c${connections}.completed`]: completed,
      [`c${connections}.asksPerMinute`]: r2(perMinute),
      [`c${connections}.p50S`]: r2(p50),
      [`c${connections}.p95S`]: r2(p95),
      [`c${connections}.status429`]: statuses.get(429) ?? 0,
      [`c${connections}.status503`]: statuses.get(503) ?? 0,
      [`c${connections}.other`]: other,
      [`c${connections}.rssBeforeMiB`]: Math.round(before),
      [`c${connections}.rssAfterMiB`]: Math.round(after),
    });
    const s = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)} s` : '-');
    rows.push([
      String(connections),
      String(completed),
      perMinute.toFixed(1),
      s(p50),
      s(p95),
      String(statuses.get(429) ?? 0),
      String(statuses.get(503) ?? 0),
      `${before.toFixed(0)} → ${after.toFixed(0)} MiB`,
    ]);
    console.log(
      [
        String(connections).padStart(7),
        String(completed).padStart(10),
        ((completed / result.duration) * 60).toFixed(1).padStart(9),
        (percentile(latencies, 50) / 1000).toFixed(2).padStart(8),
        (percentile(latencies, 95) / 1000).toFixed(2).padStart(8),
        String(statuses.get(429) ?? 0).padStart(4),
        String(statuses.get(503) ?? 0).padStart(4),
        String(other).padStart(6),
        `  ${before.toFixed(0)} -> ${rssMiB(pid).toFixed(0)}`,
      ].join(' '),
    );
  }
  console.log(`load average ${load()}`);
  // PostgreSQL, one replica and two, 16 clients each (not in the smoke run: two more servers).
  const replicas = SMOKE ? { skipped: 'smoke run' } : await replicaLevels(replay.url);
  const replicaRows: string[][] = [];
  if ('skipped' in replicas) console.log(`replicas on PostgreSQL: skipped (${replicas.skipped})`);
  else {
    console.log('PostgreSQL, 16 clients: replicas  completed  asks/min  p50 (s)  p95 (s)  429  503  other');
    for (const [count, level] of [
      [1, replicas.one],
      [2, replicas.two],
    ] as const) {
      const r2 = (v: number): number | null => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null);
      Object.assign(figures, {
        [`pg${count}.c16.completed`]: level.completed,
        [`pg${count}.c16.asksPerMinute`]: r2(level.perMinute),
        [`pg${count}.c16.p50S`]: r2(level.p50),
        [`pg${count}.c16.p95S`]: r2(level.p95),
        [`pg${count}.c16.status429`]: level.s429,
        [`pg${count}.c16.status503`]: level.s503,
        [`pg${count}.c16.other`]: level.other,
      });
      const s = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)} s` : '-');
      replicaRows.push([
        String(count),
        String(level.completed),
        level.perMinute.toFixed(1),
        s(level.p50),
        s(level.p95),
        String(level.s429),
        String(level.s503),
        String(level.other),
      ]);
      console.log(
        `${String(count).padStart(34)} ${String(level.completed).padStart(10)} ${level.perMinute.toFixed(1).padStart(9)} ${level.p50.toFixed(2).padStart(8)} ${level.p95.toFixed(2).padStart(8)} ${String(level.s429).padStart(4)} ${String(level.s503).padStart(4)} ${String(level.other).padStart(6)}`,
      );
    }
  }
  console.log(`load average ${load()}`);
  child.kill('SIGTERM');
  const code = await exited;
  const left = containersOf(pid);
  console.log(
    `after SIGTERM: exit ${code}, ${left} container(s) left   target 0   ${left === 0 ? 'MET' : 'MISSED'}`,
  );
  await replay.close();
  if (code !== 0) process.exitCode = 1;
  await emitResults({
    name: 'serve',
    figures: {
      ...figures,
      exitCode: code,
      containersLeft: left,
      loadAverageStart: Math.round(loadStart * 10) / 10,
      loadAverageEnd: Math.round((loadavg()[0] ?? 0) * 10) / 10,
    },
    targets: [target('containers left after SIGTERM', left, '0', left === 0)],
    notes: {
      asksPerLevel: N,
      levels: LEVELS.join(', '),
      replicas:
        'skipped' in replicas
          ? `skipped: ${replicas.skipped}`
          : '16 clients on PostgreSQL: 1 replica, then 2 (one machine, one engine)',
    },
    tables: {
      load: {
        columns: [
          'clients',
          'completed',
          'asks/min',
          'p50',
          'p95',
          '429',
          '503',
          'server RSS before → after',
        ],
        rows,
      },
      ...(replicaRows.length
        ? {
            replicas: {
              columns: [
                'replicas (PostgreSQL, 16 clients)',
                'completed',
                'asks/min',
                'p50',
                'p95',
                '429',
                '503',
                'other',
              ],
              rows: replicaRows,
            },
          }
        : {}),
    },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
